import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RocksDbSnapshot } from '../../src/agave/rocksdb/rocksdb-snapshot.js';
import { LogWriter, lp, scratchDir, varint } from './helpers.js';

const tag = (t: number, ...fields: Buffer[]): Buffer => Buffer.concat([varint(t), ...fields]);

function batch(seq: number, ...ops: [number, string, string | null][]): Buffer {
  const h = Buffer.alloc(12);
  h.writeBigUInt64LE(BigInt(seq));
  h.writeUInt32LE(ops.length, 8);
  // 0x5 = put in a column family, 0x4 = delete in a column family
  return Buffer.concat([h, ...ops.map(([cf, k, v]) => (v === null ? Buffer.concat([Buffer.from([0x4]), varint(cf), lp(k)]) : Buffer.concat([Buffer.from([0x5]), varint(cf), lp(k), lp(v)])))]);
}

/** A database made of a MANIFEST and WALs only: family "meta" (id 1) flushed up to WAL 10. */
function makeDb(): string {
  const dir = scratchDir('snapplan-wal-');
  const manifest = new LogWriter()
    .add(Buffer.concat([tag(1, lp('leveldb.BytewiseComparator')), tag(2, varint(3)), tag(3, varint(20)), tag(4, varint(0))]))
    .add(Buffer.concat([tag(200, varint(1)), tag(201, lp('meta')), tag(2, varint(10))]))
    .add(Buffer.concat([tag(200, varint(2)), tag(201, lp('root')), tag(2, varint(3))]));
  writeFileSync(join(dir, 'MANIFEST-000001'), manifest.bytes());
  writeFileSync(join(dir, 'CURRENT'), 'MANIFEST-000001\n');
  // WAL 5 is older than meta's log number: its meta writes are already in meta's SSTs (here: none,
  // as if a later delete had been compacted away), so they must not come back
  writeFileSync(join(dir, '000005.log'), new LogWriter().add(batch(1, [1, 'resurrected', 'x'], [2, 'r5', '1'])).bytes());
  writeFileSync(join(dir, '000010.log'), new LogWriter().add(batch(3, [1, 'kept', 'y'], [2, 'r10', '1'])).add(batch(5, [1, 'kept', null], [1, 'kept2', 'z'])).bytes());
  return dir;
}

describe('WAL replay per column family', () => {
  it('skips writes of a family in WALs older than its log number, keeps them for the others', async () => {
    const dir = makeDb();
    const before = readdirSync(dir).sort();
    const db = await RocksDbSnapshot.open(dir, { columnFamilies: ['meta', 'root'] });
    expect([...db.scan('meta')].map((e) => e.key.toString())).toEqual(['kept2']);
    expect([...db.scan('root')].map((e) => e.key.toString())).toEqual(['r10', 'r5']);
    expect(db.stats.walFiles).toBe(2);
    db.close();
    const metaOnly = await RocksDbSnapshot.open(dir, { columnFamilies: ['meta'] });
    expect(metaOnly.stats.walFiles).toBe(1);
    metaOnly.close();
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});
