import { defineCommand } from '../define-command.js';
import { withLedgerFolders, withLedgerTool, type LedgerFolderArgs, type LedgerToolArgs } from '../options/ledger-options.js';
import { withVerifyArchives, type VerifyArchivesArgs } from '../options/verify-archives-option.js';
import { withAnnouncementOptions, type AnnouncementArgs } from '../options/announcement-options.js';

export interface ApplyArgs extends LedgerFolderArgs, LedgerToolArgs, AnnouncementArgs, Partial<VerifyArchivesArgs> {
  /** Required unless the announcement gives snapshot-slot (checked by the handler). */
  readonly slot?: string;
  readonly boundsFrom: 'native' | 'ledger-tool';
  readonly backupDir?: string;
  readonly yes: boolean;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly incremental: boolean;
  readonly enableCapitalizationChange: boolean;
  readonly allowLedgerToolVersion: boolean;
  readonly createTimeout: number;
  readonly forceCopy: boolean;
  readonly '--'?: string[];
}

export const applyCommand = defineCommand<ApplyArgs>({
  command: 'apply',
  describe: 'Carry out the plan: move newer snapshots aside (journaled, undoable), run agave-ledger-tool create-snapshot, print the restart flags',
  builder: (yargs) =>
    withAnnouncementOptions(withLedgerTool(
      withVerifyArchives(withLedgerFolders(yargs))
        .option('slot', { alias: 'x', type: 'string', describe: 'The snapshot slot X (required unless --announcement gives snapshot-slot)' })
        .option('bounds-from', { choices: ['native', 'ledger-tool'] as const, default: 'native' as const, describe: 'Who reads the blockstore' })
        .option('backup-dir', { type: 'string', describe: 'Where moved-aside items go (default: <ledger>/snapplan-quarantine)' })
        .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'Do not ask for confirmation (needed without a terminal)' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Check everything and print the steps; change nothing' })
        .option('json', { type: 'boolean', default: false, describe: 'Print one JSON result document (schemaVersion 1); progress goes to stderr' })
        .option('incremental', { type: 'boolean', default: false, describe: 'Create an incremental snapshot on the loaded full one', group: 'Passed to create-snapshot:' })
        .option('enable-capitalization-change', { type: 'boolean', default: false, describe: 'Allow the edits to change the capitalization', group: 'Passed to create-snapshot:' })
        .option('allow-ledger-tool-version', { type: 'boolean', default: false, describe: 'Run a ledger-tool release other than the announced one (a warning instead of a refusal)', group: 'From the announcement:' })
        .option('create-timeout', { type: 'number', default: 0, describe: 'Seconds before create-snapshot is stopped (0: no limit)' })
        .option('force-copy', { type: 'boolean', default: false, describe: 'Copy into the backup folder even on the same file system' })
        .epilogue('Arguments after -- go to create-snapshot as they are (but not --hard-fork: create-snapshot gets exactly the announced hard forks).'),
    )),
  handler: async () => (await import('./apply-handler.js')).applyHandler,
});
