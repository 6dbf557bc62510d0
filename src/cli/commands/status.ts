import { defineCommand } from '../define-command.js';
import { withQuarantineLocation } from '../options/quarantine-options.js';

export interface StatusArgs {
  readonly ledger?: string;
  readonly backupDir?: string;
  readonly json: boolean;
}

export const statusCommand = defineCommand<StatusArgs>({
  command: 'status',
  describe: 'List the quarantines of a ledger and their state, and who holds its lock',
  builder: (yargs) =>
    withQuarantineLocation(yargs, 'The ledger folder').option('json', { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' }),
  handler: async () => (await import('./status-handler.js')).statusHandler,
});
