import { describe, expect, it } from 'vitest';
import { decodeBlock, decodeIndexBlock } from '../../src/agave/rocksdb/block.js';
import { TombstoneIndex } from '../../src/agave/rocksdb/range-tombstones.js';
import { BlockIndex } from '../../src/agave/rocksdb/block-index.js';
import { varint } from './helpers.js';

/** Builds a block the way block_builder.cc does (prefix compression, restart points). */
function buildBlock(entries: [Buffer, Buffer][], restartInterval: number, valueOf?: (i: number, atRestart: boolean) => Buffer): Buffer {
  const parts: Buffer[] = [];
  const restarts: number[] = [];
  let size = 0;
  let prev: Buffer = Buffer.alloc(0);
  entries.forEach(([k, v], i) => {
    const atRestart = i % restartInterval === 0;
    let shared = 0;
    if (atRestart) restarts.push(size);
    else while (shared < prev.length && shared < k.length && prev[shared] === k[shared]) shared++;
    const value = valueOf ? valueOf(i, atRestart) : v;
    const head = valueOf ? Buffer.concat([varint(shared), varint(k.length - shared)]) : Buffer.concat([varint(shared), varint(k.length - shared), varint(value.length)]);
    const e = Buffer.concat([head, k.subarray(shared), value]);
    parts.push(e);
    size += e.length;
    prev = k;
  });
  const tail = Buffer.alloc(4 * restarts.length + 4);
  restarts.forEach((r, i) => tail.writeUInt32LE(r, 4 * i));
  tail.writeUInt32LE(restarts.length, 4 * restarts.length);
  return Buffer.concat([...parts, tail]);
}

const keys = ['apple', 'applesauce', 'apply', 'banana', 'band', 'bandana', 'can'].map((k) => Buffer.from(k));

describe('block decoding', () => {
  it('rebuilds prefix-compressed keys with any restart interval', () => {
    for (const interval of [1, 2, 3, 16]) {
      const block = buildBlock(keys.map((k, i) => [k, Buffer.from(`v${i}`)]), interval);
      const out = decodeBlock(block, 'test');
      expect(out.keys.map(String)).toEqual(keys.map(String));
      expect(out.values.map(String)).toEqual(keys.map((_, i) => `v${i}`));
    }
  });

  it('reads delta-encoded index values (format 4+)', () => {
    const handles = [
      { offset: 0, size: 300 },
      { offset: 305, size: 280 },
      { offset: 590, size: 400 },
      { offset: 995, size: 12 },
    ];
    const zigzag = (d: number): Buffer => varint(d >= 0 ? 2 * d : -2 * d - 1);
    const block = buildBlock(
      handles.map((_, i) => [keys[i] as Buffer, Buffer.alloc(0)]),
      2,
      (i, atRestart) => {
        const h = handles[i] as { offset: number; size: number };
        return atRestart ? Buffer.concat([varint(h.offset), varint(h.size)]) : zigzag(h.size - (handles[i - 1] as { size: number }).size);
      },
    );
    expect(decodeIndexBlock(block, 'test', true, false).handles).toEqual(handles);
  });

  it('searches an index in place when every entry is a restart point, and decodes it whole otherwise', () => {
    // consecutive blocks, each followed by its 5-byte trailer, sizes shrinking by one
    const handles = keys.map((_, i) => ({ offset: i * 500 - (i * (i - 1)) / 2, size: 495 - i }));
    const handleBytes = (i: number): Buffer => Buffer.concat([varint((handles[i] as { offset: number }).offset), varint((handles[i] as { size: number }).size)]);
    const zigzag = (d: number): Buffer => varint(d >= 0 ? 2 * d : -2 * d - 1);
    for (const interval of [1, 2, 3]) {
      for (const delta of [false, true]) {
        const block = delta
          ? buildBlock(keys.map((k) => [k, Buffer.alloc(0)]), interval, (i, atRestart) => (atRestart ? handleBytes(i) : zigzag(-1)))
          : buildBlock(keys.map((k, i) => [k, handleBytes(i)]), interval);
        const index = new BlockIndex(block, 'test', delta, false, true);
        expect(index.count).toBe(keys.length);
        expect(Array.from({ length: index.count }, (_, i) => String(index.key(i)))).toEqual(keys.map(String));
        expect(Array.from({ length: index.count }, (_, i) => index.handle(i))).toEqual(handles);
        expect(index.firstAtOrAfter(Buffer.from('b'))).toBe(3);
        expect(index.firstAtOrAfter(Buffer.from('band'))).toBe(4);
        expect(index.firstAfter(Buffer.from('band'))).toBe(5);
        expect(index.firstAtOrAfter(Buffer.from('zzz'))).toBe(keys.length);
      }
    }
    // an empty block as block_builder.cc writes it: one restart at 0, no entries
    expect(new BlockIndex(Buffer.from([0, 0, 0, 0, 1, 0, 0, 0]), 'test', true, false, true).count).toBe(0);
  });

  it('refuses newer block layouts by name and damaged restart arrays', () => {
    const block = buildBlock([[Buffer.from('a'), Buffer.from('b')]], 1);
    const flagged = Buffer.from(block);
    flagged.writeUInt32LE(0x10000001, flagged.length - 4);
    expect(() => decodeBlock(flagged, 'test')).toThrow(/block layout flags/);
    const broken = Buffer.from(block);
    broken.writeUInt32LE(1000, broken.length - 4);
    expect(() => decodeBlock(broken, 'test')).toThrow(/restart array/);
  });
});

describe('range tombstones', () => {
  const k = (s: string): Buffer => Buffer.from(s);
  it('answers the highest covering sequence for overlapping tombstones', () => {
    const idx = new TombstoneIndex([
      { start: k('b'), end: k('f'), seq: 10 },
      { start: k('d'), end: k('h'), seq: 20 },
      { start: k('x'), end: k('x'), seq: 99 },
    ]);
    expect(idx.coveringSeq(k('a'))).toBe(-1);
    expect(idx.coveringSeq(k('b'))).toBe(10);
    expect(idx.coveringSeq(k('d'))).toBe(20);
    expect(idx.coveringSeq(k('ezz'))).toBe(20);
    expect(idx.coveringSeq(k('g'))).toBe(20);
    expect(idx.coveringSeq(k('h'))).toBe(-1);
    expect(idx.coveringSeq(k('x'))).toBe(-1);
  });
});
