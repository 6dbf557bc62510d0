import { defineCommand } from '../define-command.js';
import { withLedgerFolders, withLedgerTool, type LedgerFolderArgs, type LedgerToolArgs } from '../options/ledger-options.js';
import { withVerifyArchives, type VerifyArchivesArgs } from '../options/verify-archives-option.js';

export interface ApplyArgs extends LedgerFolderArgs, LedgerToolArgs, Partial<VerifyArchivesArgs> {
  readonly slot: string;
  readonly boundsFrom: 'native' | 'ledger-tool';
  readonly backupDir?: string;
  readonly yes: boolean;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly incremental: boolean;
  readonly deactivateFeatureGate: string[];
  readonly destakeVoteAccount: string[];
  readonly removeAccount: string[];
  readonly enableCapitalizationChange: boolean;
  readonly expectedBankHash?: string;
  readonly expectedShredVersion?: string;
  readonly createTimeout: number;
  readonly forceCopy: boolean;
  readonly '--'?: string[];
}

const ARRAY = { type: 'string', array: true, default: [] as string[], group: 'Passed to create-snapshot:' } as const;

export const applyCommand = defineCommand<ApplyArgs>({
  command: 'apply',
  describe: 'Carry out the plan: move newer snapshots aside (journaled, undoable), run agave-ledger-tool create-snapshot, print the restart flags',
  builder: (yargs) =>
    withLedgerTool(
      withVerifyArchives(withLedgerFolders(yargs))
        .option('slot', { alias: 'x', type: 'string', demandOption: true, describe: 'The restart slot X' })
        .option('bounds-from', { choices: ['native', 'ledger-tool'] as const, default: 'native' as const, describe: 'Who reads the blockstore' })
        .option('backup-dir', { type: 'string', describe: 'Where moved-aside items go (default: <ledger>/snapplan-quarantine)' })
        .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'Do not ask for confirmation (needed without a terminal)' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Check everything and print the steps; change nothing' })
        .option('json', { type: 'boolean', default: false, describe: 'Print one JSON result document (schemaVersion 1); progress goes to stderr' })
        .option('incremental', { type: 'boolean', default: false, describe: 'Create an incremental snapshot on the loaded full one', group: 'Passed to create-snapshot:' })
        .option('deactivate-feature-gate', { ...ARRAY, describe: 'Feature gate to deactivate (repeatable)' })
        .option('destake-vote-account', { ...ARRAY, describe: 'Vote account to destake (repeatable)' })
        .option('remove-account', { ...ARRAY, describe: 'Account to remove (repeatable)' })
        .option('enable-capitalization-change', { type: 'boolean', default: false, describe: 'Allow the edits to change the capitalization', group: 'Passed to create-snapshot:' })
        .option('expected-bank-hash', { type: 'string', describe: 'Bank hash from the restart announcement, to compare', group: 'From the announcement:' })
        .option('expected-shred-version', { type: 'string', describe: 'Shred version from the restart announcement, to compare', group: 'From the announcement:' })
        .option('create-timeout', { type: 'number', default: 0, describe: 'Seconds before create-snapshot is stopped (0: no limit)' })
        .option('force-copy', { type: 'boolean', default: false, describe: 'Copy into the backup folder even on the same file system' })
        .epilogue('Arguments after -- go to create-snapshot as they are.'),
    ),
  handler: async () => (await import('./apply-handler.js')).applyHandler,
});
