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
  | 'folder-layout-unsupported';

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
