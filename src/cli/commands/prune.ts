import { defineCommand } from '../define-command.js';

export interface PruneArgs {
  readonly ledger?: string;
  readonly backupDir?: string;
  readonly olderThan: number;
  readonly keep: number;
  readonly yes: boolean;
  readonly json: boolean;
}

export const pruneCommand = defineCommand<PruneArgs>({
  command: 'prune',
  describe: 'Delete old finished quarantines (and the safety copies in their kept/): preview first, delete with --yes',
  builder: (yargs) =>
    yargs
      .option('ledger', { alias: 'l', type: 'string', describe: 'The ledger folder (its quarantines are in <ledger>/snapplan-quarantine)' })
      .option('backup-dir', { type: 'string', describe: 'Where the quarantines are (default: <ledger>/snapplan-quarantine)' })
      .option('older-than', { type: 'number', default: 7, describe: 'Only quarantines created more than this many days ago' })
      .option('keep', { type: 'number', default: 1, describe: 'The newest N finished quarantines always stay' })
      .option('yes', { type: 'boolean', default: false, describe: 'Delete; without it prune only prints what it would delete' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' })
      .check((argv) => {
        if (argv.ledger === undefined && argv['backup-dir'] === undefined) throw new Error('Name the ledger (--ledger L) or the backup folder (--backup-dir DIR).');
        return true;
      }),
  handler: async () => (await import('./prune-handler.js')).pruneHandler,
});
