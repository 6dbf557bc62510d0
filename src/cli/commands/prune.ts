import { defineCommand } from '../define-command.js';
import { withQuarantineLocation } from '../options/quarantine-options.js';

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
    withQuarantineLocation(yargs, 'The ledger folder (its quarantines are in <ledger>/snapplan-quarantine)')
      .option('older-than', { type: 'number', default: 7, describe: 'Only quarantines created more than this many days ago' })
      .option('keep', { type: 'number', default: 1, describe: 'The newest N finished quarantines always stay' })
      .option('yes', { type: 'boolean', default: false, describe: 'Delete; without it prune only prints what it would delete' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' }),
  handler: async () => (await import('./prune-handler.js')).pruneHandler,
});
