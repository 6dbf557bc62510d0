import { appendFileSync, readdirSync, renameSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NativeBlockstoreSource } from '../../src/agave/blockstore/native-source.js';
import { RocksDbSnapshot } from '../../src/agave/rocksdb/rocksdb-snapshot.js';
import { BlockstoreFormatError } from '../../src/core/errors.js';
import { LogWriter, copyFixture, lp, scratchDir, varint } from './helpers.js';

const source = new NativeBlockstoreSource({ retryDelayMs: 0 });

async function refusal(ledger: string): Promise<BlockstoreFormatError> {
  const error = await source.read({ ledger, target: 420n, base: 390n }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BlockstoreFormatError);
  return error as BlockstoreFormatError;
}

describe('refusing what RocksDB refuses to open', () => {
  it.each([
    ['fv5-layered', '000061.sst', 'data_shred'],
    ['fv5-layered', '000051.sst', 'meta'],
    ['fv6-native', '000011.sst', 'data_shred'],
    ['fv7-native-v2', null, 'root'],
  ])('%s: a missing live table %s of any family is refused by name (.sst), exit 1', async (fixture, file, family) => {
    const ledger = copyFixture(fixture);
    const dir = join(ledger, 'rocksdb');
    let name = file;
    if (name === null) {
      const db = await RocksDbSnapshot.open(dir, { columnFamilies: ['root'] });
      name = `${String(db.liveFiles('root')[0]?.number).padStart(6, '0')}.sst`;
      db.close();
    }
    unlinkSync(join(dir, name));
    const error = await refusal(ledger);
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain(`${name} (the live table of column family "${family}") is missing`);
    expect(error.message).not.toContain('.ldb');
    expect(error.hint).toMatch(/agave-ledger-tool and the validator would fail on it too/);
    expect(error.hint).not.toMatch(/--bounds-from ledger-tool/);
  });

  it('names every missing table, the first in full', async () => {
    const ledger = copyFixture('fv5-layered');
    const dir = join(ledger, 'rocksdb');
    for (const f of ['000061.sst', '000071.sst', '000056.sst']) unlinkSync(join(dir, f));
    const error = await refusal(ledger);
    expect(error.message).toMatch(/000056\.sst \(the live table of column family "root"\) is missing; 2 more: 000061\.sst, 000071\.sst\./);
  });

  it('refuses a live table whose size differs from the MANIFEST (RocksDB: "Sst file size mismatch")', async () => {
    const ledger = copyFixture('fv5-layered');
    appendFileSync(join(ledger, 'rocksdb', '000061.sst'), Buffer.alloc(3));
    const grown = await refusal(ledger);
    expect(grown.message).toMatch(/000061\.sst \(the live table of column family "data_shred"\) has \d+ bytes where MANIFEST-\d+ records \d+/);
    expect(grown.hint).toMatch(/Sst file size mismatch/);
  });

  it('finds a table RocksDB would find under its LevelDB name (.ldb)', async () => {
    const ledger = copyFixture('fv5-layered');
    renameSync(join(ledger, 'rocksdb', '000051.sst'), join(ledger, 'rocksdb', '000051.ldb'));
    const report = await source.read({ ledger, target: 420n, base: null });
    expect(report.slots).toMatchObject({ first: 120n, last: 420n });
  });

  it('reads a database whose WALs are simply gone, as RocksDB does (the WAL-only slots are then not there)', async () => {
    const ledger = copyFixture('fv5-layered');
    const dir = join(ledger, 'rocksdb');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.log'))) unlinkSync(join(dir, f));
    const report = await source.read({ ledger, target: 400n, base: 390n });
    expect(report.slots).toMatchObject({ first: 120n, last: 400n });
    expect(report.chain?.complete).toBe(true);
  });
});

const tag = (t: number, ...fields: Buffer[]): Buffer => Buffer.concat([varint(t), ...fields]);
/** WalAddition (8196): number, then synced size (sub-tag 2) if given, then 1. */
const walAdd = (n: number, size?: number): Buffer => tag(8196, varint(n), ...(size === undefined ? [] : [varint(2), varint(size)]), varint(1));

/** A MANIFEST-and-WAL database whose writer tracked its WALs in the MANIFEST. */
function trackedDb(edits: Buffer[], wals: Record<number, Buffer>): string {
  const dir = scratchDir('snapplan-tracked-');
  const manifest = new LogWriter()
    .add(Buffer.concat([tag(1, lp('leveldb.BytewiseComparator')), tag(2, varint(3)), tag(3, varint(20)), tag(4, varint(0))]))
    .add(Buffer.concat([tag(200, varint(1)), tag(201, lp('meta')), tag(2, varint(3))]));
  for (const e of edits) manifest.add(e);
  writeFileSync(join(dir, 'MANIFEST-000001'), manifest.bytes());
  writeFileSync(join(dir, 'CURRENT'), 'MANIFEST-000001\n');
  for (const [n, bytes] of Object.entries(wals)) writeFileSync(join(dir, `${String(n).padStart(6, '0')}.log`), bytes);
  return dir;
}

const open = (dir: string) => RocksDbSnapshot.open(dir, { columnFamilies: ['meta'], retryDelayMs: 0 });
/** A WAL holding one empty write batch (sequence 1, no operations). */
const walBytes = new LogWriter().add(Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]), Buffer.alloc(4)])).bytes();

describe('WALs the MANIFEST tracks (track_and_verify_wals_in_manifest)', () => {
  it('refuses a tracked WAL missing between two present ones (RocksDB: "Missing WAL with log number")', async () => {
    const dir = trackedDb([walAdd(4), walAdd(5), walAdd(6)], { 4: walBytes, 6: walBytes });
    const error = await open(dir).then(() => null, (e: unknown) => e as BlockstoreFormatError);
    expect(error).toBeInstanceOf(BlockstoreFormatError);
    expect(error?.message).toMatch(/000005\.log \(the WAL\) is missing/);
    expect(error?.hint).toMatch(/Missing WAL with log number/);
  });

  it('refuses a tracked WAL whose size differs from its synced size', async () => {
    const dir = trackedDb([walAdd(4, walBytes.length + 10)], { 4: walBytes });
    await expect(open(dir)).rejects.toThrow(/000004\.log \(the WAL\) has \d+ bytes where MANIFEST-000001 records \d+/);
  });

  it('accepts what RocksDB accepts: no WAL on disk, WALs deleted by a WalDeletion, untracked newer WALs', async () => {
    const none = await open(trackedDb([walAdd(4), walAdd(5)], {}));
    none.close();
    const deleted = await open(trackedDb([walAdd(4), walAdd(5), tag(8197, varint(6))], { 6: walBytes }));
    deleted.close();
    const newer = await open(trackedDb([walAdd(4)], { 7: walBytes }));
    newer.close();
    const closedLater = trackedDb([walAdd(4), walAdd(4, walBytes.length)], { 4: walBytes });
    (await open(closedLater)).close();
    truncateSync(join(closedLater, '000004.log'), 1);
    await expect(open(closedLater)).rejects.toThrow(/000004\.log/);
  });
});

describe('a purge proven deleted only when nothing newer lies inside it', () => {
  const batch = (seq: number, ...ops: Buffer[]): Buffer => {
    const h = Buffer.alloc(12);
    h.writeBigUInt64LE(BigInt(seq));
    h.writeUInt32LE(ops.length, 8);
    return Buffer.concat([h, ...ops]);
  };
  const put = (k: string, v: string): Buffer => Buffer.concat([Buffer.from([0x5]), varint(1), lp(k), lp(v)]);
  const delRange = (a: string, b: string): Buffer => Buffer.concat([Buffer.from([0xe]), varint(1), lp(a), lp(b)]);

  it('steps over a range deleted after its writes, not over one rewritten after the delete', async () => {
    const wal = new LogWriter().add(batch(1, put('b', '1'), put('c', '1'))).add(batch(3, delRange('a', 'd'))).add(batch(4, put('f', '1'), delRange('e', 'h'))).add(batch(6, put('g', '2'))).bytes();
    const dir = trackedDb([], { 4: wal });
    const db = await open(dir);
    const run = db.deletedRunAt('meta', Buffer.from('b'));
    expect(run && [run.start.toString(), run.end.toString()]).toEqual(['a', 'd']);
    expect(db.deletedRunAt('meta', Buffer.from('f'))).toBeNull(); // g was written after the delete
    expect([...db.scan('meta')].map((e) => e.key.toString())).toEqual(['g']);
    db.close();
  });
});
