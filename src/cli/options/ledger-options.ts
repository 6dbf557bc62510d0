import type { Argv } from 'yargs';
import type { FolderOptions } from '../../agave/scanner.js';

/** The folder flags, named and defaulted exactly as agave-validator names them. */
export function withLedgerFolders(yargs: Argv): Argv {
  return yargs
    .option('ledger', { alias: 'l', type: 'string', demandOption: true, describe: 'The validator\'s ledger folder (--ledger)', group: 'Folders:' })
    .option('snapshots', { type: 'string', describe: 'Snapshots folder (default: the ledger); bank snapshots in <snapshots>/snapshots/', group: 'Folders:' })
    .option('full-snapshot-archive-path', { type: 'string', describe: 'Full archives folder (default: --snapshots)', group: 'Folders:' })
    .option('incremental-snapshot-archive-path', { type: 'string', describe: 'Incremental archives folder (default: --snapshots)', group: 'Folders:' });
}

export function withLedgerTool(yargs: Argv): Argv {
  return yargs
    .option('ledger-tool', { type: 'string', describe: 'Path of agave-ledger-tool (default: agave-ledger-tool, then solana-ledger-tool on PATH)', group: 'Ledger tool:' })
    .option('ledger-tool-timeout', { type: 'number', default: 300, describe: 'Seconds before a ledger-tool call is stopped', group: 'Ledger tool:' });
}

export interface LedgerFolderArgs {
  readonly ledger: string;
  readonly snapshots?: string;
  readonly fullSnapshotArchivePath?: string;
  readonly incrementalSnapshotArchivePath?: string;
}

export interface LedgerToolArgs {
  readonly ledgerTool?: string;
  readonly ledgerToolTimeout: number;
}

/** The folder flags as the scanner takes them. */
export function folderOptions(args: LedgerFolderArgs): FolderOptions {
  return {
    ledger: args.ledger,
    snapshots: args.snapshots,
    fullSnapshotArchivePath: args.fullSnapshotArchivePath,
    incrementalSnapshotArchivePath: args.incrementalSnapshotArchivePath,
  };
}
