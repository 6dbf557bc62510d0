import type { Slot } from '../../core/slot.js';
import { U64_MAX } from '../../core/slot.js';
import { corrupt } from '../rocksdb/errors.js';

/**
 * Agave's `SlotMeta`, the value of the `meta` column (ledger/src/blockstore_meta.rs), bincode
 * with fixed-width little-endian integers, in this field order:
 *   slot u64 | consumed u64 | received u64 | first_shred_timestamp u64 | last_index u64
 *   | parent_slot u64 | next_slots (u64 count + u64s) | connected_flags u8
 *   | completed_data_indexes (u64 count + u32s)
 * `last_index` and `parent_slot` use u64::MAX for "unknown". Older releases had a bool
 * `is_connected` where `connected_flags` is: the same single byte.
 */
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
  readonly completedDataIndexes: readonly number[];
}

/** Sanity limit on the vector lengths, far above anything a real slot holds. */
const MAX_VECTOR = 1 << 24;

export function decodeSlotMeta(value: Buffer, where = 'meta column'): SlotMeta {
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
  const consumed = u64('consumed');
  const received = u64('received');
  const firstShredTimestamp = u64('first_shred_timestamp');
  const lastIndex = u64('last_index');
  const parentSlot = u64('parent_slot');
  const nextCount = u64('next_slots length');
  if (nextCount > BigInt(MAX_VECTOR)) throw corrupt(`SlotMeta of slot ${slot} claims ${nextCount} next slots`, where);
  need(Number(nextCount) * 8, 'next_slots');
  const nextSlots: Slot[] = [];
  for (let i = 0; i < Number(nextCount); i++) nextSlots.push(u64('next_slots'));
  need(1, 'connected_flags');
  const connectedFlags = value[pos++] as number;
  const completedCount = u64('completed_data_indexes length');
  if (completedCount > BigInt(MAX_VECTOR)) throw corrupt(`SlotMeta of slot ${slot} claims ${completedCount} completed indexes`, where);
  need(Number(completedCount) * 4, 'completed_data_indexes');
  const completedDataIndexes: number[] = [];
  for (let i = 0; i < Number(completedCount); i++) {
    completedDataIndexes.push(value.readUInt32LE(pos));
    pos += 4;
  }
  if (pos !== value.length) throw corrupt(`SlotMeta of slot ${slot} has ${value.length - pos} unexpected trailing bytes (a newer layout?)`, where);
  return {
    slot,
    consumed,
    received,
    firstShredTimestamp,
    lastIndex: lastIndex === U64_MAX ? null : lastIndex,
    parentSlot: parentSlot === U64_MAX ? null : parentSlot,
    nextSlots,
    connectedFlags,
    completedDataIndexes,
  };
}

/** Full: the last shred's index is known and every shred up to it arrived (blockstore_meta.rs `is_full`). */
export function isFull(meta: SlotMeta): boolean {
  return meta.lastIndex !== null && meta.consumed === meta.lastIndex + 1n;
}
