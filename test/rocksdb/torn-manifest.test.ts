import { readFileSync, readdirSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlockstoreFormatError } from '../../src/core/errors.js';
import { RocksDbSnapshot } from '../../src/agave/rocksdb/rocksdb-snapshot.js';
import { copyFixture } from './helpers.js';

/** Start offsets of the physical records of a log file (7-byte headers, 32 KiB blocks). */
function recordStarts(bytes: Buffer): number[] {
  const starts: number[] = [];
  let p = 0;
  while (p + 7 <= bytes.length) {
    const room = 32768 - (p % 32768);
    if (room < 7) {
      p += room;
      continue;
    }
    starts.push(p);
    p += 7 + bytes.readUInt16LE(p + 4);
  }
  return starts;
}

async function answer(dir: string): Promise<string> {
  try {
    const db = await RocksDbSnapshot.open(dir, { columnFamilies: ['meta', 'root'], maxAttempts: 2, retryDelayMs: 0 });
    const keys = [...db.scan('meta')].map((e) => e.key.toString('hex')).join(',') + '|' + [...db.scan('root')].length;
    db.close();
    return keys;
  } catch (error) {
    if (error instanceof BlockstoreFormatError) return `error:${error.reason}`;
    throw error;
  }
}

describe('a MANIFEST cut mid-record', () => {
  it.each(['fv5-layered', 'fv6-native'])('%s: every cut inside the last record answers as the clean prefix does', async (fixture) => {
    const ledger = copyFixture(fixture);
    const dir = join(ledger, 'rocksdb');
    const manifest = readdirSync(dir).find((f) => f.startsWith('MANIFEST-')) as string;
    const path = join(dir, manifest);
    const whole = readFileSync(path);
    const starts = recordStarts(whole);
    const last = starts[starts.length - 1] as number;
    truncateSync(path, last);
    const clean = await answer(dir);
    expect(clean).not.toMatch(/^error/);
    for (const cut of [last + 1, last + 6, last + 7, last + 8, Math.floor((last + whole.length) / 2), whole.length - 1]) {
      writeFileSync(path, whole.subarray(0, cut));
      const db = await RocksDbSnapshot.open(dir, { columnFamilies: ['meta'], maxAttempts: 3, retryDelayMs: 0 });
      // it retried from CURRENT before accepting the torn tail, as RocksDB's recovery would
      expect(db.stats.attempts).toBe(3);
      expect(db.stats.manifestStop?.atTail).toBe(true);
      db.close();
      expect(await answer(dir)).toBe(clean);
    }
  });

  it('refuses live tables that are gone while nothing changes, at once and by name', async () => {
    const ledger = copyFixture('fv5-compacted');
    const dir = join(ledger, 'rocksdb');
    const sst = readdirSync(dir).filter((f) => f.endsWith('.sst')).sort();
    for (const f of sst) unlinkSync(join(dir, f));
    const error = await RocksDbSnapshot.open(dir, { columnFamilies: ['meta'], maxAttempts: 5, retryDelayMs: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'corrupt' });
    expect((error as Error).message).toContain(`${sst[0]} (the live table of column family`);
  });

  it('refuses a MANIFEST damaged before its last block', async () => {
    const ledger = copyFixture('fv5-layered');
    const dir = join(ledger, 'rocksdb');
    const manifest = readdirSync(dir).find((f) => f.startsWith('MANIFEST-')) as string;
    const bytes = readFileSync(join(dir, manifest));
    // pad to two blocks with a valid but separate tail so that the damage is not at the tail
    const padded = Buffer.concat([bytes.subarray(0, 20), Buffer.from([bytes[20] as number ^ 0xff]), bytes.subarray(21), Buffer.alloc(40_000)]);
    writeFileSync(join(dir, manifest), padded);
    await expect(RocksDbSnapshot.open(dir, { columnFamilies: ['meta'], maxAttempts: 2, retryDelayMs: 0 })).rejects.toMatchObject({ reason: 'corrupt' });
  });
});
