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
  completedDataIndexes: [31, 63, 1199],
};

describe('SlotMeta', () => {
  it('decodes what bincode encodes, u64::MAX meaning unknown', () => {
    expect(decodeSlotMeta(encodeSlotMeta(full))).toEqual(full);
    const orphan = { ...full, lastIndex: null, parentSlot: null, nextSlots: [], completedDataIndexes: [] };
    expect(decodeSlotMeta(encodeSlotMeta(orphan))).toEqual(orphan);
    // above 2^53: exact
    const huge = { ...full, slot: (1n << 60n) + 1n, parentSlot: 1n << 60n };
    expect(decodeSlotMeta(encodeSlotMeta(huge)).slot).toBe((1n << 60n) + 1n);
  });

  it('is full only when the last index is known and every shred up to it arrived', () => {
    expect(isFull(full)).toBe(true);
    expect(isFull({ ...full, consumed: 1199n })).toBe(false);
    expect(isFull({ ...full, lastIndex: null })).toBe(false);
    expect(isFull({ ...full, consumed: 0n, lastIndex: 0n })).toBe(false);
  });

  it('refuses truncated values, absurd lengths and unknown trailing bytes', () => {
    const bytes = encodeSlotMeta(full);
    expect(() => decodeSlotMeta(bytes.subarray(0, 40))).toThrow(/ends inside/);
    expect(() => decodeSlotMeta(Buffer.concat([bytes, Buffer.from([0])]))).toThrow(/trailing bytes/);
    const absurd = Buffer.from(bytes);
    absurd.writeBigUInt64LE(1n << 40n, 48);
    expect(() => decodeSlotMeta(absurd)).toThrow(/next slots/);
  });
});
