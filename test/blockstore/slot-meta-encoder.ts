import type { SlotMeta, SlotMetaLayout } from '../../src/agave/blockstore/slot-meta.js';

const U64_MAX = (1n << 64n) - 1n;

export type SlotMetaInput = Omit<SlotMeta, 'layout'> & { readonly layout?: SlotMetaLayout };

/**
 * bincode (fixint, little-endian) encoding of a SlotMeta, as Agave writes it: for tests. `v1`
 * writes completed_data_indexes as a u32 set (Agave up to 3.0), `v2` as the 4096-byte bit
 * vector Agave 3.1+ writes; the layout comes from the argument, else from the value, else v1.
 */
export function encodeSlotMeta(m: SlotMetaInput, layout: SlotMetaLayout = m.layout ?? 'v1'): Buffer {
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
  if (layout === 'v2') {
    const bits = Buffer.alloc(4096);
    for (const i of m.completedDataIndexes) bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
    u64(BigInt(bits.length));
    parts.push(bits);
  } else {
    u64(BigInt(m.completedDataIndexes.length));
    for (const i of m.completedDataIndexes) {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(i);
      parts.push(b);
    }
  }
  return Buffer.concat(parts);
}
