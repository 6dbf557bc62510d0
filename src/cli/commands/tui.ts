import { defineCommand } from '../define-command.js';
import { withLedgerFolders, withLedgerTool, type LedgerFolderArgs, type LedgerToolArgs } from '../options/ledger-options.js';
import { withVerifyArchives, type VerifyArchivesArgs } from '../options/verify-archives-option.js';
import { withAnnouncementOptions, type AnnouncementArgs } from '../options/announcement-options.js';

export interface TuiArgs extends LedgerFolderArgs, LedgerToolArgs, AnnouncementArgs, Partial<VerifyArchivesArgs> {
  /** Optional here: the app asks for X; given, it opens on the plan (and is needed without a terminal). */
  readonly slot?: string;
  readonly boundsFrom: 'native' | 'ledger-tool';
  readonly backupDir?: string;
  readonly allowLedgerToolVersion?: boolean;
  readonly rpc?: readonly string[];
}

export const tuiCommand = defineCommand<TuiArgs>({
  command: 'tui',
  describe: 'Open the interactive app: see the ledger, choose X, plan, apply and undo from one screen',
  builder: (yargs) =>
    withAnnouncementOptions(withLedgerTool(
      withVerifyArchives(withLedgerFolders(yargs))
        .option('slot', { alias: 'x', type: 'string', describe: 'The restart slot X (the app opens on its plan)' })
        .option('bounds-from', { choices: ['native', 'ledger-tool'] as const, default: 'native' as const, describe: 'Who reads the blockstore' })
        .option('backup-dir', { type: 'string', describe: 'Where moved-aside items go (default: <ledger>/snapplan-quarantine)' })
        .option('allow-ledger-tool-version', { type: 'boolean', default: false, describe: 'Run a ledger-tool release other than the announced one (a warning instead of a refusal)', group: 'From the announcement:' })
        .option('rpc', { type: 'string', array: true, describe: 'RPC URL the plan screen may fetch a snapshot from when there is no base (repeatable; see snapplan fetch)' })
        .epilogue('Without a terminal (pipes, CI, cron) it never waits for input: it prints the plan for --slot as snapplan plan does.'),
    )),
  // Ink and React load here only, never for plan/apply.
  handler: async () => (await import('./tui-handler.js')).tuiHandler,
});
