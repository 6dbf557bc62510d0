import type { Slot } from '../core/slot.js';
import type { ArchiveProblem } from './archive-check.js';
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
  /**
   * Why Agave could not load it, or null when checked and fine. Undefined: not checked. The
   * scanner sets it for entries that are not readable regular files (a directory, a broken or
   * looping link: Agave lists archives by name only, so they are candidates all the same);
   * plan-service sets it from the header check, and the full check with --verify-archives.
   */
  readonly problem?: ArchiveProblem | null | undefined;
  /** How far it was checked: the first bytes ('header'), or decoded to its end ('full'). */
  readonly checked?: 'header' | 'full' | undefined;
}

export interface BankSnapshot {
  readonly slot: Slot;
  /** Absolute path of the `<slot>/` folder. */
  readonly path: string;
  /** The bank snapshots folder it was found in (`.../snapshots` or the older `.../snapshot`). */
  readonly root: string;
  /**
   * Complete for the release that wrote it. Agave's current test: `version` readable, `<slot>`
   * and `status_cache` present and non-empty. Solana 1.x (`solana-1.x` layout) wrote only the
   * `<slot>` file into `snapshot/<slot>/`.
   */
  readonly complete: boolean;
  /** What is missing, empty or unreadable when not complete. */
  readonly problems: readonly string[];
  /** Set for the Solana 1.x layout (`snapshot/<slot>/<slot>` alone); absent for Agave's. */
  readonly layout?: 'solana-1.x' | undefined;
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
