import type { FolderOptions } from '../../agave/scanner.js';
import { defineOptions } from '../define-command.js';

/** The folder flags, named and defaulted exactly as agave-validator names them. */
export const ledgerFolderOptions = defineOptions({
  ledger: { alias: 'l', type: 'path', demandOption: true, describe: 'The validator\'s ledger folder', group: 'Folders:' },
  snapshots: { type: 'path', describe: 'Snapshots folder (default: the ledger); bank snapshots in <snapshots>/snapshots/', group: 'Folders:' },
  'full-snapshot-archive-path': { type: 'path', describe: 'Full archives folder (default: --snapshots)', group: 'Folders:' },
  'incremental-snapshot-archive-path': { type: 'path', describe: 'Incremental archives folder (default: --snapshots)', group: 'Folders:' },
});

export const ledgerToolOptions = defineOptions({
  'ledger-tool': { type: 'path', describe: 'Path of agave-ledger-tool (default: agave-ledger-tool, then solana-ledger-tool on PATH)', group: 'Ledger tool:' },
  'ledger-tool-timeout': { type: 'seconds', default: 300, describe: 'Seconds before a ledger-tool call is stopped', group: 'Ledger tool:' },
});

/** Who reads the blockstore (plan, apply, tui, blockstore). */
export const boundsFromOption = defineOptions({
  'bounds-from': {
    choices: ['native', 'ledger-tool'],
    default: 'native',
    describe: 'Who reads the blockstore: snapplan itself (rocksdb/ files, read-only) or agave-ledger-tool bounds',
  },
});

export const backupDirOption = defineOptions({
  'backup-dir': { type: 'path', describe: 'Where moved-aside items go (default: <ledger>/snapplan-quarantine)' },
});

/** The folder flags as the scanner takes them. */
export function folderOptions(args: { readonly ledger: string; readonly snapshots?: string | undefined; readonly fullSnapshotArchivePath?: string | undefined; readonly incrementalSnapshotArchivePath?: string | undefined }): FolderOptions {
  return {
    ledger: args.ledger,
    snapshots: args.snapshots,
    fullSnapshotArchivePath: args.fullSnapshotArchivePath,
    incrementalSnapshotArchivePath: args.incrementalSnapshotArchivePath,
  };
}
