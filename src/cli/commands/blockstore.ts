import { defineCommand } from '../define-command.js';
import { withLedgerFolders, withLedgerTool, type LedgerFolderArgs, type LedgerToolArgs } from '../options/ledger-options.js';

export interface BlockstoreArgs extends LedgerFolderArgs, LedgerToolArgs {
  readonly slot?: string;
  readonly base?: string;
  readonly boundsFrom: 'native' | 'ledger-tool';
  readonly json: boolean;
}

export const blockstoreCommand = defineCommand<BlockstoreArgs>({
  command: 'blockstore',
  describe: 'Show the blockstore\'s slot range and roots; with --slot, check the parent chain back to the base',
  builder: (yargs) =>
    withLedgerTool(
      withLedgerFolders(yargs)
        .option('slot', { alias: 'x', type: 'string', describe: 'Walk parent_slot down from this slot X' })
        .option('base', { type: 'string', describe: '…to this base slot S (default: the base snapshot plan would use)' })
        .option('bounds-from', { choices: ['native', 'ledger-tool'] as const, default: 'native' as const, describe: 'Read rocksdb/ directly, or ask agave-ledger-tool bounds' })
        .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' }),
    ),
  handler: async () => (await import('./blockstore-handler.js')).blockstoreHandler,
});
