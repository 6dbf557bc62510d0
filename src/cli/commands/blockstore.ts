import { defineCommand, defineOptions, type ArgsOf } from '../define-command.js';
import { boundsFromOption, ledgerFolderOptions, ledgerToolOptions } from '../options/ledger-options.js';

export const blockstoreOptions = defineOptions({
  ...ledgerFolderOptions,
  slot: { alias: 'x', type: 'string', describe: 'Walk parent_slot down from this slot X' },
  base: { type: 'string', describe: '…to this base slot S (default: the base snapshot plan would use)' },
  ...boundsFromOption,
  json: { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' },
  ...ledgerToolOptions,
});

export type BlockstoreArgs = ArgsOf<typeof blockstoreOptions>;

export const blockstoreCommand = defineCommand({
  name: 'blockstore',
  describe: 'Show the blockstore\'s slot range and roots; with --slot, check the parent chain back to the base',
  options: blockstoreOptions,
  handler: async () => (await import('./blockstore-handler.js')).blockstoreHandler,
});
