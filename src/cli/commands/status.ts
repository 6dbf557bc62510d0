import { defineCommand, defineOptions, type ArgsOf } from '../define-command.js';
import { quarantineLocationOptions, requireQuarantineLocation } from '../options/quarantine-options.js';

export const statusOptions = defineOptions({
  ...quarantineLocationOptions('The ledger folder'),
  json: { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' },
});

export type StatusArgs = ArgsOf<typeof statusOptions>;

export const statusCommand = defineCommand({
  name: 'status',
  describe: 'List the quarantines of a ledger and their state, and who holds its lock',
  options: statusOptions,
  check: requireQuarantineLocation('status needs to know whose quarantines to list'),
  handler: async () => (await import('./status-handler.js')).statusHandler,
});
