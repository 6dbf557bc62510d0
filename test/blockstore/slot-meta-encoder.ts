import type { SlotMeta } from '../../src/agave/blockstore/slot-meta.js';

const U64_MAX = (1n << 64n) - 1n;

/** bincode (fixint, little-endian) encoding of a SlotMeta, as Agave writes it: for tests. */
export function encodeSlotMeta(m: SlotMeta): Buffer {
  const parts: Buffer[] = [];
  const u64 = (v: bigint): void => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(v);
    parts.push(b);
  };
  u64(m.slot);
  u64(m.consumed);
  u64(m.received);
  u64(m.firstShredTimestamp);
  u64(m.lastIndex ?? U64_MAX);
  u64(m.parentSlot ?? U64_MAX);
  u64(BigInt(m.nextSlots.length));
  for (const s of m.nextSlots) u64(s);
  parts.push(Buffer.from([m.connectedFlags]));
  u64(BigInt(m.completedDataIndexes.length));
  for (const i of m.completedDataIndexes) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(i);
    parts.push(b);
  }
  return Buffer.concat(parts);
}
