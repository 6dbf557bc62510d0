import { defineCommand } from '../define-command.js';
import { withLedgerFolders, withLedgerTool, type LedgerFolderArgs, type LedgerToolArgs } from '../options/ledger-options.js';
import { withVerifyArchives, type VerifyArchivesArgs } from '../options/verify-archives-option.js';
import { withAnnouncementOptions, type AnnouncementArgs } from '../options/announcement-options.js';

export interface PlanArgs extends LedgerFolderArgs, LedgerToolArgs, AnnouncementArgs, Partial<VerifyArchivesArgs> {
  /** Required unless the announcement gives snapshot-slot (checked by the handler). */
  readonly slot?: string;
  readonly blocks?: string;
  readonly boundsFrom: 'native' | 'ledger-tool';
  readonly backupDir?: string;
  readonly json: boolean;
  readonly showIgnored: boolean;
  readonly count?: boolean;
}

export const planCommand = defineCommand<PlanArgs>({
  command: 'plan',
  describe: 'Check whether a snapshot at slot X can be created, and list what to move aside and run',
  builder: (yargs) =>
    withAnnouncementOptions(withLedgerTool(
      withVerifyArchives(withLedgerFolders(yargs))
        // A string, not a number: slots are u64 and must not pass through a double.
        .option('slot', { alias: 'x', type: 'string', describe: 'The snapshot slot X (required unless --announcement gives snapshot-slot)' })
        .option('bounds-from', {
          choices: ['native', 'ledger-tool'] as const,
          default: 'native' as const,
          describe: 'Who reads the blockstore: snapplan itself (rocksdb/ files, read-only) or agave-ledger-tool bounds',
        })
        .option('blocks', { type: 'string', describe: 'Blockstore range FIRST..LAST given by hand; nothing is read' })
        .option('backup-dir', { type: 'string', describe: 'Where moved-aside items go (default: <ledger>/snapplan-quarantine)' })
        .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' })
        .option('show-ignored', { type: 'boolean', default: false, describe: 'List entries that are not snapshots, with the reason' })
        .option('count', { type: 'boolean', default: false, describe: 'Count every slot and root, as agave-ledger-tool bounds does (reads all of meta; the native reader otherwise seeks only the first and last slot)' }),
    )),
  handler: async () => (await import('./plan-handler.js')).planHandler,
});
