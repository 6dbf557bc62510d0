import type { Slot } from '../../core/slot.js';
import type { LedgerFolders } from '../inventory.js';
import type { FlagEra } from './version.js';

/**
 * The folder flags ledger-tool needs to see the same archives the validator sees, in the
 * spelling its release accepts (see FlagEra). Always explicit: ledger-tool's defaults have
 * moved between releases, and a wrong guess makes it load the wrong snapshot.
 */
export function snapshotFolderArgs(era: FlagEra, folders: LedgerFolders): string[] {
  switch (era) {
    case 'v1':
      return ['--snapshot-archive-path', folders.fullArchives, '--incremental-snapshot-archive-path', folders.incrementalArchives];
    case 'v2':
      return ['--snapshots', folders.fullArchives, '--incremental-snapshot-archive-path', folders.incrementalArchives];
    case 'v3':
      return [
        '--snapshots', folders.snapshots,
        '--full-snapshot-archive-path', folders.fullArchives,
        '--incremental-snapshot-archive-path', folders.incrementalArchives,
      ];
  }
}

export interface CreateSnapshotOptions {
  readonly era: FlagEra;
  readonly folders: LedgerFolders;
  readonly slot: Slot;
  /** Where the new archive goes; the full-archive folder so the validator finds it. */
  readonly outputDir: string;
  /**
   * The `--hard-fork` slots, each passed once, as decided from the announcement
   * (announcement/restart-rules.ts). Default: X alone, the documented procedure; announcements
   * have also put it at X+1 (January 2026), which changes the shred version and bank hash.
   */
  readonly hardForks?: readonly Slot[] | undefined;
  readonly extra?: readonly string[] | undefined;
}

/** `--ledger L <folder flags> create-snapshot X <DIR> --hard-fork H… [extra]` (restart-cluster.md). */
export function createSnapshotArgs(options: CreateSnapshotOptions): string[] {
  const slot = options.slot.toString();
  const hardForks = [...new Set((options.hardForks ?? [options.slot]).map(String))];
  return [
    '--ledger', options.folders.ledger,
    ...snapshotFolderArgs(options.era, options.folders),
    'create-snapshot', slot, options.outputDir,
    ...hardForks.flatMap((h) => ['--hard-fork', h]),
    ...(options.extra ?? []),
  ];
}
