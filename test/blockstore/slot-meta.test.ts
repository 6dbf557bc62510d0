import { describe, expect, it } from 'vitest';
import { decodeSlotMeta, isFull } from '../../src/agave/blockstore/slot-meta.js';
import type { SlotMeta } from '../../src/agave/blockstore/slot-meta.js';
import { encodeSlotMeta } from './slot-meta-encoder.js';

const full: SlotMeta = {
  slot: 289_624_982n,
  consumed: 1200n,
  received: 1200n,
  firstShredTimestamp: 1_716_000_000_123n,
  lastIndex: 1199n,
  parentSlot: 289_624_981n,
  nextSlots: [289_624_983n, 289_624_984n],
  connectedFlags: 0x81,
  layout: 'v1',
  completedDataIndexes: [31, 63, 1199],
};
const fullV2: SlotMeta = { ...full, layout: 'v2', completedDataIndexes: [0, 7, 8, 31, 63, 1199, 32_767] };

describe('SlotMeta', () => {
  it('decodes what bincode encodes, u64::MAX meaning unknown', () => {
    expect(decodeSlotMeta(encodeSlotMeta(full))).toEqual(full);
    const orphan = { ...full, lastIndex: null, parentSlot: null, nextSlots: [], completedDataIndexes: [] };
    expect(decodeSlotMeta(encodeSlotMeta(orphan))).toMatchObject({ ...orphan, layout: 'v2' });
    // above 2^53: exact
    const huge = { ...full, slot: (1n << 60n) + 1n, parentSlot: 1n << 60n };
    expect(decodeSlotMeta(encodeSlotMeta(huge)).slot).toBe((1n << 60n) + 1n);
  });

  it('decodes the Agave 3.1+ layout: completed_data_indexes as a 4096-byte bit vector', () => {
    const bytes = encodeSlotMeta(fullV2);
    // 8 fields of 8 bytes... : 6 u64, next_slots (8 + 2 × 8), flags, length 8, 4096 bytes
    expect(bytes.length).toBe(6 * 8 + 8 + 16 + 1 + 8 + 4096);
    expect(bytes.length).toBeGreaterThanOrEqual(4161);
    expect(decodeSlotMeta(bytes)).toEqual(fullV2);
    const orphanV2 = { ...fullV2, lastIndex: null, parentSlot: null, nextSlots: [], completedDataIndexes: [] };
    const orphanBytes = encodeSlotMeta(orphanV2);
    expect(orphanBytes.length).toBe(4161);
    expect(decodeSlotMeta(orphanBytes)).toEqual(orphanV2);
  });

  it('reads each value in the layout it was written in, whatever its neighbours use', () => {
    for (const m of [full, fullV2, { ...full, completedDataIndexes: [5] }, { ...fullV2, completedDataIndexes: [] }]) {
      const decoded = decodeSlotMeta(encodeSlotMeta(m));
      expect(decoded.completedDataIndexes).toEqual(m.completedDataIndexes);
      expect(isFull(decoded)).toBe(true);
    }
    // a bit vector shorter than 4096 bytes still reads (Agave zero-fills it), longer ones are cut at 32,768 bits
    const short = Buffer.concat([encodeSlotMeta({ ...full, completedDataIndexes: [] }).subarray(0, -8), u64(2n), Buffer.from([0x81, 0x01])]);
    expect(decodeSlotMeta(short)).toMatchObject({ layout: 'v2', completedDataIndexes: [0, 7, 8] });
    const long = Buffer.concat([encodeSlotMeta({ ...full, completedDataIndexes: [] }).subarray(0, -8), u64(4097n), Buffer.alloc(4096), Buffer.from([0xff])]);
    expect(decodeSlotMeta(long)).toMatchObject({ layout: 'v2', completedDataIndexes: [] });
  });

  it('is full only when the last index is known and every shred up to it arrived', () => {
    expect(isFull(full)).toBe(true);
    expect(isFull({ ...full, consumed: 1199n })).toBe(false);
    expect(isFull({ ...full, lastIndex: null })).toBe(false);
    expect(isFull({ ...full, consumed: 0n, lastIndex: 0n })).toBe(false);
  });

  it('refuses truncated values, absurd lengths and values that fit neither layout', () => {
    const bytes = encodeSlotMeta(full);
    expect(() => decodeSlotMeta(bytes.subarray(0, 40))).toThrow(/ends inside/);
    expect(() => decodeSlotMeta(Buffer.concat([bytes, Buffer.from([0])]))).toThrow(/fits neither layout.*trailing bytes/);
    const absurd = Buffer.from(bytes);
    absurd.writeBigUInt64LE(1n << 40n, 48);
    expect(() => decodeSlotMeta(absurd)).toThrow(/next slots/);
    const v2 = encodeSlotMeta(fullV2);
    expect(() => decodeSlotMeta(v2.subarray(0, v2.length - 1))).toThrow(/SlotMeta value of 4176 bytes fits neither layout Agave reads: as 3.1\+ \(bit vector\) it ends inside/);
    expect(() => decodeSlotMeta(Buffer.concat([v2, Buffer.alloc(4)]))).toThrow(/fits neither layout/);
  });
});

function u64(v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return b;
}
