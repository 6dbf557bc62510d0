import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadOnly } from '../../src/agave/rocksdb/random-access-file.js';
import { RocksDbSnapshot } from '../../src/agave/rocksdb/rocksdb-snapshot.js';
import { SstTable } from '../../src/agave/rocksdb/sst-table.js';
import { tableFileName } from '../../src/agave/rocksdb/file-names.js';
import { userKeyOf } from '../../src/agave/rocksdb/internal-key.js';
import { ALL_FIXTURES, LDB_FIXTURES, LDB_REQUIRED, dbDir, expectedOf, hasLdb, ldbKeys } from './helpers.js';

const slotHex = (slot: string | number): string => BigInt(slot).toString(16).padStart(16, '0');

function keysOf(db: RocksDbSnapshot, cf: string, opts: Parameters<RocksDbSnapshot['scan']>[1] = {}): string[] {
  return [...db.scan(cf, opts)].map((e) => e.key.toString('hex'));
}

describe.each(ALL_FIXTURES)('fixture %s', (name) => {
  const expected = expectedOf(name);
  const metaKeys = expected.meta.map((m) => slotHex(m.slot));
  const rootKeys = expected.root.map(slotHex);
  let db: RocksDbSnapshot;
  let before: string;

  beforeAll(async () => {
    before = listing(dbDir(name));
    db = await RocksDbSnapshot.open(dbDir(name), { columnFamilies: ['meta', 'root', 'data_shred'] });
  });
  afterAll(() => db.close());

  it('sees exactly the live meta keys and values the generator wrote', () => {
    const entries = [...db.scan('meta')];
    expect(entries.map((e) => e.key.toString('hex'))).toEqual(metaKeys);
    expect(entries.map((e) => e.value.toString('hex'))).toEqual(expected.meta.map((m) => m.value));
  });

  it('sees exactly the live root keys', () => {
    expect(keysOf(db, 'root')).toEqual(rootKeys);
  });

  it('a transient scan sees the same values at each step, both ways, while its tables reuse their buffers', () => {
    for (const reverse of [false, true]) {
      const seen = [...db.scan('meta', { reverse })].map((e) => `${e.key.toString('hex')}=${e.value.toString('hex')}`);
      const transient: string[] = [];
      for (const e of db.scan('meta', { reverse, transient: true })) transient.push(`${e.key.toString('hex')}=${e.value.toString('hex')}`);
      expect(transient).toEqual(seen);
      // and a plain scan afterwards is not handed the reused buffers
      expect([...db.scan('meta', { reverse })].map((e) => `${e.key.toString('hex')}=${e.value.toString('hex')}`)).toEqual(seen);
    }
  });

  it('scans backwards to the same keys', () => {
    expect(keysOf(db, 'meta', { reverse: true })).toEqual([...metaKeys].reverse());
    expect(keysOf(db, 'root', { reverse: true })).toEqual([...rootKeys].reverse());
  });

  it('honours inclusive bounds in both directions', () => {
    for (const [lo, hi] of [[0, 130], [149, 152], [240, 260], [299, 330], [380, 402], [419, 1000], [354, 354], [355, 355]] as const) {
      const from = Buffer.from(slotHex(lo), 'hex');
      const to = Buffer.from(slotHex(hi), 'hex');
      const want = metaKeys.filter((k) => k >= slotHex(lo) && k <= slotHex(hi));
      expect(keysOf(db, 'meta', { from, to })).toEqual(want);
      expect(keysOf(db, 'meta', { from, to, reverse: true })).toEqual([...want].reverse());
      const wantRoots = rootKeys.filter((k) => k >= slotHex(lo) && k <= slotHex(hi));
      expect(keysOf(db, 'root', { from, to })).toEqual(wantRoots);
    }
  });

  it('answers point lookups, including deleted and purged keys', () => {
    for (const slot of [120, 150, 240, 330, 387, 400, 401, 420]) {
      expect(db.get('meta', Buffer.from(slotHex(slot), 'hex'))?.value.toString('hex')).toBe(expected.meta.find((m) => m.slot === String(slot))?.value);
    }
    for (const slot of [100, 119, 299, 388, 421]) expect(db.get('meta', Buffer.from(slotHex(slot), 'hex'))).toBeNull();
    for (const slot of [351, 354]) expect(db.get('root', Buffer.from(slotHex(slot), 'hex'))).toBeNull();
    expect(db.get('root', Buffer.from(slotHex(355), 'hex'))).not.toBeNull();
  });

  it('keeps the newest slots only in the WAL', () => {
    const largest = db.liveFiles('meta').map((f) => userKeyOf(f.largest).toString('hex'));
    expect(largest.every((k) => k < slotHex(401))).toBe(true);
    expect(db.memtableSize('meta')).toBeGreaterThan(0);
    expect(metaKeys).toContain(slotHex(420));
  });

  it('applies the purge although the MANIFEST bounds still start at the purged slots', () => {
    const smallest = db.liveFiles('meta').map((f) => userKeyOf(f.smallest).toString('hex')).sort();
    expect(smallest[0]).toBe(slotHex(100));
    expect(metaKeys[0]).toBe(slotHex(120));
  });

  it('proves purged ranges deleted from the tombstone and table metadata, without reading them', () => {
    const key = (slot: number): Buffer => Buffer.from(slotHex(slot), 'hex');
    const run = db.deletedRunAt('meta', key(105));
    expect(run && { start: run.start.toString('hex'), end: run.end.toString('hex') }).toEqual({ start: slotHex(100), end: slotHex(120) });
    expect(db.deletedRunAt('meta', key(120))).toBeNull();
    expect(db.deletedRunAt('meta', key(99))).toBeNull();
    // the WAL-only range delete of roots, over roots written earlier in the same WAL
    const roots = db.deletedRunAt('root', key(352));
    expect(roots && { start: roots.start.toString('hex'), end: roots.end.toString('hex') }).toEqual({ start: slotHex(351), end: slotHex(355) });
  });

  it('reads tables of the fixture format version', () => {
    const want = Number(/^fv(\d)/.exec(name)?.[1]);
    for (const f of db.liveFiles('meta')) {
      const t = new SstTable(openReadOnly(join(dbDir(name), tableFileName(f.number))), { blocksRead: 0, bytesRead: 0 });
      expect(t.footer.formatVersion).toBe(want);
      t.close();
    }
  });

  it('created, changed and removed nothing in the database folder', () => {
    expect(listing(dbDir(name))).toBe(before);
  });
});

describe.each(['fv5-snappy', 'fv5-lz4', 'fv5-zstd'])('compressed fixture %s', (name) => {
  it('really holds compressed data blocks of its codec', async () => {
    const codec = { 'fv5-snappy': 1, 'fv5-lz4': 4, 'fv5-zstd': 7 }[name];
    const db = await RocksDbSnapshot.open(dbDir(name), { columnFamilies: ['meta'] });
    let compressed = 0;
    for (const f of db.liveFiles('meta')) {
      const file = openReadOnly(join(dbDir(name), tableFileName(f.number)));
      const t = new SstTable(file, { blocksRead: 0, bytesRead: 0 });
      for (let i = 0; i < t.blockCount; i++) {
        const h = t.index.handle(i);
        if (file.read(h.offset + h.size, 1)[0] === codec) compressed++;
      }
      t.close();
    }
    db.close();
    expect(compressed).toBeGreaterThan(20);
  });
});

describe('reading only what a question needs', () => {
  it('a point lookup in a compacted table reads a few blocks, not the table', async () => {
    const db = await RocksDbSnapshot.open(dbDir('fv5-compacted'), { columnFamilies: ['meta'] });
    const totalBlocks = db.stats.blocksRead;
    expect(totalBlocks).toBe(0);
    db.get('meta', Buffer.from(slotHex(200), 'hex'));
    const perLookup = db.stats.blocksRead;
    db.close();
    // per table: metaindex, properties, index, maybe range_del, one data block
    expect(perLookup).toBeLessThan(db.liveFiles('meta').length * 5 + 2);
    expect(perLookup).toBeLessThan(30);
  });
});

const ldb = hasLdb();
describe.skipIf(!ldb && !LDB_REQUIRED).each(LDB_FIXTURES)('cross-check with ldb scan: %s', (name) => {
  it.each(['meta', 'root', 'data_shred'])('column %s', async (cf) => {
    if (!ldb) throw new Error('ldb (rocksdb-tools) is required in CI for the cross-checks');
    const db = await RocksDbSnapshot.open(dbDir(name), { columnFamilies: [cf] });
    const ours = keysOf(db, cf);
    db.close();
    const theirs = ldbKeys(name, cf);
    expect(theirs.length).toBeGreaterThan(100);
    expect(ours).toEqual(theirs);
  });
});

function listing(dir: string): string {
  return readdirSync(dir)
    .sort()
    .map((f) => {
      const s = statSync(join(dir, f));
      return `${f}:${s.size}:${s.mtimeMs}`;
    })
    .join('\n');
}
