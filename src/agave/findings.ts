/**
 * Every finding has a stable code (scripts match on it), a severity, and a remedy that says
 * what to do. `error` findings make the target unreachable; `warning` ones are handled by the
 * plan (usually by moving something aside) or need the operator's eye; `info` is context.
 */
export type FindingCode =
  /** Cause 1 of the Agave snapshot guide: no usable snapshot below the target. */
  | 'no-base-snapshot'
  /** Cause 2: the blockstore lacks blocks in (base, target]. */
  | 'blocks-missing'
  /** Cause 3: newer archives exist; reachable once they are moved aside. */
  | 'newer-snapshots'
  | 'target-snapshot-exists'
  | 'bank-snapshot-at-or-after-target'
  | 'legacy-archive-format'
  | 'orphan-incremental'
  /** The base is a full archive with no incremental on top (agave#9496). */
  | 'full-only-base'
  /** Two archives at the base slot: which one Agave loads is unspecified. */
  | 'duplicate-archive-slot'
  | 'incomplete-bank-snapshot'
  /** An archive-named entry Agave cannot load (empty, not a zstd/lz4 file, a directory, a broken link…). */
  | 'bad-archive'
  | 'ledger-tool-version-unknown'
  /** Flags for the detected ledger-tool cannot name the layout exactly. */
  | 'folder-layout-unsupported'
  /** Issue 13, restart from the announcement (src/agave/announcement/): */
  /** Arguments after `--` add a `--hard-fork`: ledger-tool must get exactly the announced ones. */
  | 'hard-fork-passthrough'
  /** State is edited but no hard fork is given: announcements used both X and X+1. */
  | 'hard-fork-not-announced'
  /** The predicted snapshot slot (X, or X+1 after a state edit) is not the announced restart slot. */
  | 'restart-slot-mismatch'
  /** `agave-ledger-tool --version` is not the release the announcement names. */
  | 'ledger-tool-version-mismatch'
  /** A row of the known restart failures table applies (src/agave/announcement/known-failures.ts). */
  | 'known-restart-failure'
  /** `<ledger>/rocksdb_backup_*` or `backup_rocksdb_*` folders left by an earlier restart boot. */
  | 'restart-boot-backup';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  readonly code: FindingCode;
  readonly severity: Severity;
  readonly message: string;
  readonly remedy: string;
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
}
