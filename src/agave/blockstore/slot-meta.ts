import type { Slot } from '../../core/slot.js';
import { U64_MAX } from '../../core/slot.js';
import { corrupt } from '../rocksdb/errors.js';

/**
 * Agave's `SlotMeta`, the value of the `meta` column (ledger/src/blockstore_meta.rs), bincode
 * with fixed-width little-endian integers, in this field order:
 *   slot u64 | consumed u64 | received u64 | first_shred_timestamp u64 | last_index u64
 *   | parent_slot u64 | next_slots (u64 count + u64s) | connected_flags u8
 *   | completed_data_indexes
 * `last_index` and `parent_slot` use u64::MAX for "unknown". Older releases had a bool
 * `is_connected` where `connected_flags` is: the same single byte.
 *
 * `completed_data_indexes` has two layouts (docs/blockstore.md has the sources):
 *   v1 (up to Agave 3.0): a set of u32, written as a u64 count and that many u32;
 *   v2 (Agave 3.1 on):    a bit vector, written as a u64 byte length (4096) and that many bytes,
 *                         bit i of byte i/8 set for shred index i (32,768 indexes).
 * Agave decodes each value as the layout it writes and, when that fails, as the other one
 * (ledger/src/blockstore/column.rs, `TypedColumn for columns::SlotMeta`), both with fixint
 * encoding and trailing bytes rejected. A value that fits neither is damage. The only value that
 * fits both (an empty set / an empty vector) means the same either way.
 */
export type SlotMetaLayout = 'v1' | 'v2';

export interface SlotMeta {
  readonly slot: Slot;
  readonly consumed: bigint;
  readonly received: bigint;
  readonly firstShredTimestamp: bigint;
  /** Index of the last shred, or null while unknown. */
  readonly lastIndex: bigint | null;
  /** The parent slot, or null for an orphan (the head of a detached chain). */
  readonly parentSlot: Slot | null;
  readonly nextSlots: readonly Slot[];
  readonly connectedFlags: number;
  /** Which layout the value was written in. */
  readonly layout: SlotMetaLayout;
  /** Ascending shred indexes flagged data-complete (expanded on first use: the chain walk never needs them). */
  readonly completedDataIndexes: readonly number[];
}

/** Sanity limit on the vector lengths, far above anything a real slot holds. */
const MAX_VECTOR = 1 << 24;
/** MAX_DATA_SHREDS_PER_SLOT: the v2 bit vector's width; bytes past it are dropped when read. */
export const MAX_DATA_SHREDS_PER_SLOT = 32_768;

/** Bytes before next_slots' items: six u64 fields and next_slots' u64 length. */
const FIXED_HEAD = 56;

export function decodeSlotMeta(value: Buffer, where = 'meta column'): SlotMeta {
  // the chain walk decodes tens of thousands of values: read the fixed head directly, and leave
  // every bounds check with its message to the careful path below when anything is off
  const len = value.length;
  if (len >= FIXED_HEAD + 1 + 8) {
    const nextLo = value.readUInt32LE(48);
    const nextHi = value.readUInt32LE(52);
    const after = FIXED_HEAD + nextLo * 8;
    if (nextHi === 0 && nextLo <= MAX_VECTOR && after + 1 + 8 <= len) {
      const nextSlots: Slot[] = new Array<Slot>(nextLo);
      for (let i = 0; i < nextLo; i++) nextSlots[i] = value.readBigUInt64LE(FIXED_HEAD + 8 * i);
      const layout = layoutAt(value, after + 1);
      if (layout !== null) return slotMeta(value, nextSlots, value[after] as number, layout, after + 1);
    }
  }
  return decodeCarefully(value, where);
}

/** v2 when the rest is a u64 byte length and exactly that many bytes, v1 for a u32 set, else null. */
function layoutAt(value: Buffer, at: number): SlotMetaLayout | null {
  const lo = value.readUInt32LE(at);
  const hi = value.readUInt32LE(at + 4);
  if (hi !== 0) return null;
  const left = value.length - at - 8;
  return lo === left ? 'v2' : lo * 4 === left ? 'v1' : null;
}

function slotMeta(value: Buffer, nextSlots: Slot[], connectedFlags: number, layout: SlotMetaLayout, start: number): SlotMeta {
  const lastIndex = value.readBigUInt64LE(32);
  const parentSlot = value.readBigUInt64LE(40);
  let indexes: number[] | null = null;
  return {
    slot: value.readBigUInt64LE(0),
    consumed: value.readBigUInt64LE(8),
    received: value.readBigUInt64LE(16),
    firstShredTimestamp: value.readBigUInt64LE(24),
    lastIndex: lastIndex === U64_MAX ? null : lastIndex,
    parentSlot: parentSlot === U64_MAX ? null : parentSlot,
    nextSlots,
    connectedFlags,
    layout,
    get completedDataIndexes(): readonly number[] {
      indexes ??= layout === 'v2' ? bitIndexes(value, start + 8) : u32Indexes(value, start + 8);
      return indexes;
    },
  };
}

/** Field by field, every bound checked, so that a damaged value is named precisely. */
function decodeCarefully(value: Buffer, where: string): SlotMeta {
  let pos = 0;
  const need = (n: number, what: string): void => {
    if (pos + n > value.length) throw corrupt(`SlotMeta value of ${value.length} bytes ends inside ${what}`, where);
  };
  const u64 = (what: string): bigint => {
    need(8, what);
    const v = value.readBigUInt64LE(pos);
    pos += 8;
    return v;
  };
  const slot = u64('slot');
  u64('consumed');
  u64('received');
  u64('first_shred_timestamp');
  u64('last_index');
  u64('parent_slot');
  const nextCount = u64('next_slots length');
  if (nextCount > BigInt(MAX_VECTOR)) throw corrupt(`SlotMeta of slot ${slot} claims ${nextCount} next slots`, where);
  need(Number(nextCount) * 8, 'next_slots');
  const nextSlots: Slot[] = [];
  for (let i = 0; i < Number(nextCount); i++) nextSlots.push(u64('next_slots'));
  need(1, 'connected_flags');
  const connectedFlags = value[pos++] as number;

  // completed_data_indexes: the 3.1+ layout first, then the older one, as Agave does
  const start = pos;
  const v2 = fits(value, start, 1);
  const v1 = v2 === null ? null : fits(value, start, 4);
  if (v2 !== null && v1 !== null) {
    throw corrupt(`SlotMeta value of ${value.length} bytes fits neither layout Agave reads: as 3.1+ (bit vector) it ${v2}; as older (u32 set) it ${v1}`, where);
  }
  return slotMeta(value, nextSlots, connectedFlags, v2 === null ? 'v2' : 'v1', start);
}

/**
 * Whether the rest of the value, from `at`, is a u64 length followed by exactly that many items
 * of `width` bytes: null when it is, else what is wrong (for the damage message).
 */
function fits(value: Buffer, at: number, width: number): string | null {
  if (at + 8 > value.length) return 'ends inside completed_data_indexes length';
  const count = value.readBigUInt64LE(at);
  const left = BigInt(value.length - at - 8);
  const bytes = count * BigInt(width);
  if (bytes > left) return `ends inside completed_data_indexes (${count} ${width === 1 ? 'bytes' : 'u32 values'} announced, ${left} bytes left)`;
  if (bytes < left) return `has ${left - bytes} unexpected trailing bytes`;
  return null;
}

function bitIndexes(value: Buffer, from: number): number[] {
  const out: number[] = [];
  const end = Math.min(value.length, from + MAX_DATA_SHREDS_PER_SLOT / 8);
  for (let p = from; p < end; p++) {
    const byte = value[p] as number;
    if (byte === 0) continue;
    for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) out.push((p - from) * 8 + bit);
  }
  return out;
}

function u32Indexes(value: Buffer, from: number): number[] {
  // a BTreeSet<u32> is written in ascending order
  const out: number[] = [];
  for (let p = from; p + 4 <= value.length; p += 4) out.push(value.readUInt32LE(p));
  return out;
}

/** Full: the last shred's index is known and every shred up to it arrived (blockstore_meta.rs `is_full`). */
export function isFull(meta: SlotMeta): boolean {
  return meta.lastIndex !== null && meta.consumed === meta.lastIndex + 1n;
}
