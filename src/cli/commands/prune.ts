import { defineCommand, defineOptions, type ArgsOf } from '../define-command.js';
import { quarantineLocationOptions, requireQuarantineLocation } from '../options/quarantine-options.js';

export const pruneOptions = defineOptions({
  ...quarantineLocationOptions('The ledger folder (its quarantines are in <ledger>/snapplan-quarantine)'),
  // Plain numbers here; the handler says why -1 days or 1.5 quarantines make no sense.
  'older-than': { type: 'number', default: 7, describe: 'Only quarantines created more than this many days ago' },
  keep: { type: 'number', default: 1, describe: 'The newest N finished quarantines always stay' },
  yes: { type: 'boolean', default: false, describe: 'Delete; without it prune only prints what it would delete' },
  json: { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' },
});

export type PruneArgs = ArgsOf<typeof pruneOptions>;

export const pruneCommand = defineCommand({
  name: 'prune',
  describe: 'Delete old finished quarantines (and the safety copies in their kept/): preview first, delete with --yes',
  options: pruneOptions,
  check: requireQuarantineLocation('prune needs to know whose quarantines to delete'),
  handler: async () => (await import('./prune-handler.js')).pruneHandler,
});
