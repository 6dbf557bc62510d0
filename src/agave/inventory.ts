import type { Slot } from '../core/slot.js';
import type { ParsedArchiveName } from './archive-name.js';

/** The folders snapplan looks in, resolved with Agave's own defaults. All absolute. */
export interface LedgerFolders {
  readonly ledger: string;
  /** `--snapshots`, default: the ledger. Bank snapshots live in `<snapshots>/snapshots/`. */
  readonly snapshots: string;
  /** `--full-snapshot-archive-path`, default: the snapshots folder. */
  readonly fullArchives: string;
  /** `--incremental-snapshot-archive-path`, default: the snapshots folder. */
  readonly incrementalArchives: string;
}

export interface SnapshotArchive extends ParsedArchiveName {
  /** Absolute path of the archive file. */
  readonly path: string;
  /** The scanned folder it was found under (the archive folder, not its `remote/`). */
  readonly root: string;
  /** True when it sits in `<root>/remote/` (downloaded at bootstrap). */
  readonly remote: boolean;
  /**
   * Size in bytes (of the link target for a symlink), or null when not measured: the scan
   * reads names only, and sizes are taken for the archives a plan uses or moves.
   */
  readonly size: number | null;
}

export interface BankSnapshot {
  readonly slot: Slot;
  /** Absolute path of the `<slot>/` folder. */
  readonly path: string;
  /** The bank snapshots folder it was found in (`.../snapshots` or the older `.../snapshot`). */
  readonly root: string;
  /** Agave's current test: `version` readable, `<slot>` and `status_cache` present and non-empty. */
  readonly complete: boolean;
  /** What is missing or empty when not complete. */
  readonly problems: readonly string[];
}

export interface IgnoredEntry {
  readonly path: string;
  readonly reason: string;
}

/** Everything the scanner found: the typed model the planner works on. */
export interface Inventory {
  readonly folders: LedgerFolders;
  /** Folders actually scanned for archives (each archive folder and its `remote/` if present). */
  readonly scannedArchiveFolders: readonly string[];
  /** Bank snapshot folders that exist and were scanned. */
  readonly scannedBankFolders: readonly string[];
  /** Sorted by slot, then base slot, then path. */
  readonly archives: readonly SnapshotArchive[];
  /** Sorted by slot. */
  readonly bankSnapshots: readonly BankSnapshot[];
  readonly ignored: readonly IgnoredEntry[];
}
