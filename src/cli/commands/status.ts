import { defineCommand } from '../define-command.js';

export interface StatusArgs {
  readonly ledger?: string;
  readonly backupDir?: string;
  readonly json: boolean;
}

export const statusCommand = defineCommand<StatusArgs>({
  command: 'status',
  describe: 'List the quarantines of a ledger and their state, and who holds its lock',
  builder: (yargs) =>
    yargs
      .option('ledger', { alias: 'l', type: 'string', describe: 'The ledger folder' })
      .option('backup-dir', { type: 'string', describe: 'Where the quarantines are (default: <ledger>/snapplan-quarantine)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' })
      .check((argv) => {
        if (argv.ledger === undefined && argv['backup-dir'] === undefined) throw new Error('Name the ledger (--ledger L) or the backup folder (--backup-dir DIR).');
        return true;
      }),
  handler: async () => (await import('./status-handler.js')).statusHandler,
});
