import type { Slot, SlotRange } from '../../core/slot.js';

/**
 * Where the blockstore facts came from. `ledger-tool` runs `agave-ledger-tool bounds`,
 * `manual` is `--blocks FIRST..LAST`, `native` reads the RocksDB files directly.
 */
export type BlockstoreSourceId = 'ledger-tool' | 'manual' | 'native';

export interface SlotCount {
  /**
   * How many slots, exactly as `agave-ledger-tool bounds` counts them; null when not counted
   * (the native reader finds first and last by seeking and counts only when asked: counting
   * reads the whole column).
   */
  readonly total: bigint | null;
  readonly first: Slot;
  readonly last: Slot;
}

/** The result of walking `parent_slot` from the target back to the base (native source only). */
export interface ChainCheck {
  readonly base: Slot;
  readonly target: Slot;
  /** Every slot on the chain (base, target] is present and full, and the chain reaches base. */
  readonly complete: boolean;
  /** The slots walked, highest first, when the walk succeeded or until it broke. */
  readonly chain: readonly Slot[];
  /** The first problem met walking down from the target, or null. */
  readonly firstProblem: { readonly slot: Slot; readonly problem: 'missing' | 'incomplete' | 'no-parent' | 'skips-base' } | null;
  /** Ranges of slots in (base, target] that are needed but absent or not full. */
  readonly missing: readonly SlotRange[];
}

export interface LedgerToolInfo {
  readonly path: string;
  /** The first line of `--version`, as printed. */
  readonly versionText: string;
  /** Parsed semver (`1.18.26`, `4.0.0-rc.1`), or null if the text was not recognised. */
  readonly version: string | null;
  readonly client: string | null;
}

export interface BlockstoreReport {
  readonly source: BlockstoreSourceId;
  /** Slots that have a SlotMeta; null when the blockstore is empty (or unknown for `manual`). */
  readonly slots: SlotCount | null;
  /** Rooted slots; null when there are none or the source cannot tell. */
  readonly roots: SlotCount | null;
  /** Present when the source could walk the parent chain for the requested base and target. */
  readonly chain?: ChainCheck | undefined;
  /** Present when the answer came from (or the version was read from) a ledger tool. */
  readonly ledgerTool?: LedgerToolInfo | undefined;
}

export interface BlockstoreQuery {
  readonly ledger: string;
  readonly target: Slot;
  /** The base snapshot slot S the plan would start from, when there is one. */
  readonly base: Slot | null;
  /** Count every slot and root (the native reader otherwise only seeks the first and last). */
  readonly count?: boolean | undefined;
  /** Called now and then while counting: which column, keys so far. */
  readonly onCountProgress?: ((column: string, keys: bigint) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * One small interface for every way of learning what the blockstore holds. The planner only
 * sees the resulting `BlockstoreReport`, never the source.
 */
export interface BlockstoreSource {
  readonly id: BlockstoreSourceId;
  read(query: BlockstoreQuery): Promise<BlockstoreReport>;
}
