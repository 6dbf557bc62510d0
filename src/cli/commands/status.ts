import { UserError } from '../../core/errors.js';
import { defineCommand, defineOptions, type ArgsOf } from '../define-command.js';

export const statusOptions = defineOptions({
  ledger: { alias: 'l', type: 'path', describe: 'The ledger folder' },
  'backup-dir': { type: 'path', describe: 'Where the quarantines are (default: <ledger>/snapplan-quarantine)' },
  json: { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' },
});

export type StatusArgs = ArgsOf<typeof statusOptions>;

export const statusCommand = defineCommand({
  name: 'status',
  describe: 'List the quarantines of a ledger and their state, and who holds its lock',
  options: statusOptions,
  check: (args) => {
    if (args.ledger === undefined && args.backupDir === undefined) {
      throw new UserError('status needs to know whose quarantines to list.', { hint: 'Name the ledger (--ledger L) or the backup folder (--backup-dir DIR).' });
    }
  },
  handler: async () => (await import('./status-handler.js')).statusHandler,
});
