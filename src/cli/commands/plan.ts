import { defineCommand, defineOptions, type ArgsOf } from '../define-command.js';
import { backupDirOption, boundsFromOption, ledgerFolderOptions, ledgerToolOptions } from '../options/ledger-options.js';

export const planOptions = defineOptions({
  ...ledgerFolderOptions,
  // A string, not a number: slots are u64 and must not pass through a double.
  slot: { alias: 'x', type: 'string', demandOption: true, describe: 'The restart slot X' },
  ...boundsFromOption,
  blocks: { type: 'string', describe: 'Blockstore range FIRST..LAST given by hand; nothing is read' },
  ...backupDirOption,
  json: { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' },
  'show-ignored': { type: 'boolean', default: false, describe: 'List entries that are not snapshots, with the reason' },
  ...ledgerToolOptions,
});

export type PlanArgs = ArgsOf<typeof planOptions>;

export const planCommand = defineCommand({
  name: 'plan',
  describe: 'Check whether a snapshot at slot X can be created, and list what to move aside and run',
  options: planOptions,
  handler: async () => (await import('./plan-handler.js')).planHandler,
});
