import { describe, expect, it } from 'vitest';
import { ValueType } from '../../src/agave/rocksdb/internal-key.js';
import { MemTable } from '../../src/agave/rocksdb/memtable.js';
import { decodeWriteBatch } from '../../src/agave/rocksdb/write-batch.js';
import { lp, varint } from './helpers.js';

function batch(seq: number, count: number, ...records: Buffer[]): Buffer {
  const h = Buffer.alloc(12);
  h.writeBigUInt64LE(BigInt(seq));
  h.writeUInt32LE(count, 8);
  return Buffer.concat([h, ...records]);
}
const b = (...bytes: (number | Buffer)[]): Buffer => Buffer.concat(bytes.map((x) => (typeof x === 'number' ? Buffer.from([x]) : x)));

describe('write batch', () => {
  const record = batch(
    100,
    6,
    b(0x1, lp('a'), lp('v1')),
    b(0x5, varint(3), lp('k'), lp('v2')),
    b(0x3, lp('log data has no sequence')),
    b(0x4, varint(3), lp('k')),
    b(0x8, varint(3), lp('s')),
    b(0xd),
    b(0xe, varint(3), lp('a'), lp('m')),
    b(0x0, lp('z')),
  );

  it('numbers every operation and reads column-family variants', () => {
    const ops = [...decodeWriteBatch(record)];
    expect(ops.map((o) => [o.columnFamily, o.type, o.key.toString(), o.seq])).toEqual([
      [0, ValueType.Value, 'a', 100],
      [3, ValueType.Value, 'k', 101],
      [3, ValueType.Deletion, 'k', 102],
      [3, ValueType.SingleDeletion, 's', 103],
      [3, ValueType.RangeDeletion, 'a', 104],
      [0, ValueType.Deletion, 'z', 105],
    ]);
    expect(ops[4]?.value.toString()).toBe('m');
  });

  it('keeps the newest operation per key in the memtable', () => {
    const mem = new MemTable();
    for (const op of decodeWriteBatch(record)) if (op.columnFamily === 3) mem.add(op);
    expect(mem.entries().map((e) => [e.userKey.toString(), e.type])).toEqual([
      ['k', ValueType.Deletion],
      ['s', ValueType.SingleDeletion],
    ]);
    expect(mem.tombstones).toHaveLength(1);
  });

  it('refuses a wrong count, transactions and unknown tags', () => {
    expect(() => [...decodeWriteBatch(batch(1, 2, b(0x1, lp('a'), lp('b'))))]).toThrow(/says 2 operations but holds 1/);
    expect(() => [...decodeWriteBatch(batch(1, 0, b(0x9)))]).toThrow(/two-phase-commit/);
    expect(() => [...decodeWriteBatch(batch(1, 0, b(0x30)))]).toThrow(/record tag 0x30/);
  });
});
