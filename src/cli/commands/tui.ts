import { defineCommand } from '../define-command.js';
import { withLedgerFolders, withLedgerTool, type LedgerFolderArgs, type LedgerToolArgs } from '../options/ledger-options.js';

export interface TuiArgs extends LedgerFolderArgs, LedgerToolArgs {
  /** Optional here: the app asks for X; given, it opens on the plan (and is needed without a terminal). */
  readonly slot?: string;
  readonly boundsFrom: 'native' | 'ledger-tool';
  readonly backupDir?: string;
  readonly rpc?: readonly string[];
}

export const tuiCommand = defineCommand<TuiArgs>({
  command: 'tui',
  describe: 'Open the interactive app: see the ledger, choose X, plan, apply and undo from one screen',
  builder: (yargs) =>
    withLedgerTool(
      withLedgerFolders(yargs)
        .option('slot', { alias: 'x', type: 'string', describe: 'The restart slot X (the app opens on its plan)' })
        .option('bounds-from', { choices: ['native', 'ledger-tool'] as const, default: 'native' as const, describe: 'Who reads the blockstore' })
        .option('backup-dir', { type: 'string', describe: 'Where moved-aside items go (default: <ledger>/snapplan-quarantine)' })
        .option('rpc', { type: 'string', array: true, describe: 'RPC URL the plan screen may fetch a snapshot from when there is no base (repeatable; see snapplan fetch)' })
        .epilogue('Without a terminal (pipes, CI, cron) it never waits for input: it prints the plan for --slot as snapplan plan does.'),
    ),
  // Ink and React load here only, never for plan/apply.
  handler: async () => (await import('./tui-handler.js')).tuiHandler,
});
