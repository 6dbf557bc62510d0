import { UserError } from '../../core/errors.js';
import type { Slot, SlotRange } from '../../core/slot.js';
import type { RocksDbSnapshot } from '../rocksdb/rocksdb-snapshot.js';
import type { ChainCheck } from './blockstore-source.js';
import { corrupt } from '../rocksdb/errors.js';
import { decodeSlotMeta, isFull } from './slot-meta.js';
import { slotFromKey, slotKey } from './slot-key.js';

type Problem = NonNullable<ChainCheck['firstProblem']>['problem'];

/**
 * Walks `parent_slot` from the target down to the base: the blocks a snapshot at `target`
 * replays on top of a snapshot at `base`. Every slot on that chain must have a SlotMeta and be
 * full, and the chain must reach `base` exactly. Slots that are not on the chain (skipped by
 * their leader, or on another fork) are not needed and never reported.
 *
 * One reverse scan of the meta column over (base, target] does it: keys above the slot the walk
 * expects next are other forks and are passed over, so every block is read once and memory
 * holds only the chain.
 *
 * When the walk meets a slot without a SlotMeta, or an orphan whose parent is unknown, the rest
 * of the chain below it cannot be known from this ledger: the walk stops there, `missing` holds
 * what was proven needed and absent or incomplete, and `firstProblem` says where it broke.
 * An incomplete slot whose parent is known does not stop the walk.
 */
export function walkChain(db: RocksDbSnapshot, base: Slot, target: Slot, signal?: AbortSignal): ChainCheck {
  if (base > target) {
    throw new UserError(`The base slot ${base} is above the target slot ${target}.`, { hint: 'The base snapshot must be older than the target.' });
  }
  const chain: Slot[] = [];
  const bad: Slot[] = [];
  let firstProblem: ChainCheck['firstProblem'] = null;
  const problem = (slot: Slot, kind: Problem): void => {
    firstProblem ??= { slot, problem: kind };
  };
  let expected: Slot | null = target === base ? null : target;
  let reachedBase = target === base;
  if (expected !== null) {
    // each value is decoded and dropped before the next: the tables may reuse their buffers
    for (const entry of db.scan('meta', { from: slotKey(base + 1n), to: slotKey(target), reverse: true, signal, transient: true })) {
      const slot = slotFromKey(entry.key, 'meta');
      if (slot > expected) continue; // another fork, or a slot no one on the chain chose
      if (slot < expected) break; // the expected slot has no SlotMeta
      const meta = decodeSlotMeta(entry.value, `meta column, slot ${slot}`);
      if (meta.slot !== slot) throw corrupt(`the SlotMeta stored under slot ${slot} is for slot ${meta.slot}`, 'meta column');
      chain.push(slot);
      if (!isFull(meta)) {
        bad.push(slot);
        problem(slot, meta.parentSlot === null ? 'no-parent' : 'incomplete');
      }
      const parent = meta.parentSlot;
      if (parent === null) {
        if (isFull(meta)) {
          bad.push(slot);
          problem(slot, 'no-parent');
        }
        expected = null;
        break;
      }
      if (parent >= slot) throw corrupt(`slot ${slot} names ${parent} as its parent, which is not older`, 'meta column');
      if (parent === base) {
        reachedBase = true;
        expected = null;
        break;
      }
      if (parent < base) {
        problem(slot, 'skips-base');
        expected = null;
        break;
      }
      expected = parent;
    }
    if (expected !== null) {
      // the scan ended or jumped below it: no SlotMeta for the slot the chain needs
      chain.push(expected);
      bad.push(expected);
      problem(expected, 'missing');
    }
  }
  return {
    base,
    target,
    complete: reachedBase && bad.length === 0,
    chain,
    firstProblem,
    missing: toRanges(bad),
  };
}

/** Ascending slots as ranges of consecutive slots. */
function toRanges(slots: readonly Slot[]): SlotRange[] {
  const sorted = [...slots].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: { first: Slot; last: Slot }[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && last.last + 1n === s) last.last = s;
    else if (last === undefined || last.last !== s) out.push({ first: s, last: s });
  }
  return out;
}
