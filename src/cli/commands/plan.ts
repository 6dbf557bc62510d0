import { defineCommand, defineOptions, type ArgsOf } from '../define-command.js';
import { backupDirOption, boundsFromOption, ledgerFolderOptions, ledgerToolOptions } from '../options/ledger-options.js';
import { verifyArchivesOption } from '../options/verify-archives-option.js';
import { announcementOptions } from '../options/announcement-options.js';

export const planOptions = defineOptions({
  ...ledgerFolderOptions,
  ...verifyArchivesOption,
  // A string, not a number: slots are u64 and must not pass through a double.
  // Required unless the announcement gives snapshot-slot (checked by the handler).
  slot: { alias: 'x', type: 'string', describe: 'The snapshot slot X (required unless --announcement gives snapshot-slot)' },
  ...boundsFromOption,
  blocks: { type: 'string', describe: 'Blockstore range FIRST..LAST given by hand; nothing is read' },
  ...backupDirOption,
  json: { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' },
  'show-ignored': { type: 'boolean', default: false, describe: 'List entries that are not snapshots, with the reason' },
  count: { type: 'boolean', default: false, describe: 'Count every slot and root, as agave-ledger-tool bounds does (reads all of meta; the native reader otherwise seeks only the first and last slot)' },
  ...ledgerToolOptions,
  ...announcementOptions,
});

export type PlanArgs = ArgsOf<typeof planOptions>;

export const planCommand = defineCommand({
  name: 'plan',
  describe: 'Check whether a snapshot at slot X can be created, and list what to move aside and run',
  options: planOptions,
  handler: async () => (await import('./plan-handler.js')).planHandler,
});
