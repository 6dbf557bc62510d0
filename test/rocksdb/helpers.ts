import { afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c, maskCrc } from '../../src/agave/rocksdb/crc32c.js';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'rocksdb');
export const LDB_FIXTURES = ['fv5-layered', 'fv5-compacted', 'fv5-snappy', 'fv5-lz4', 'fv5-zstd', 'fv5-v2', 'fv5-mixed'];
export const NATIVE_FIXTURES = ['fv6-native', 'fv7-native', 'fv6-native-v2', 'fv7-native-v2', 'fv6-native-mixed', 'fv7-native-mixed'];
/** SlotMeta layout of each fixture's `meta` values (v1: a u32 set, v2: Agave 3.1+'s bit vector). */
export const LAYOUT_OF = (fixture: string): 'v1' | 'v2' | 'mixed' => (fixture.endsWith('-v2') ? 'v2' : fixture.endsWith('-mixed') ? 'mixed' : 'v1');
export const ALL_FIXTURES = [...LDB_FIXTURES, ...NATIVE_FIXTURES];

export interface Expected {
  layout?: 'v2' | 'mixed';
  meta: { slot: string; value: string; layout?: 'v1' | 'v2' }[];
  root: string[];
  cases: {
    base: string;
    target: string;
    complete: boolean;
    firstProblem: { slot: string; problem: string } | null;
    missing: { first: string; last: string }[];
  }[];
}

export function expectedOf(fixture: string): Expected {
  return JSON.parse(readFileSync(join(FIXTURES, fixture, 'expected.json'), 'utf8')) as Expected;
}

export function dbDir(fixture: string): string {
  return join(FIXTURES, fixture, 'rocksdb');
}

// Folders made here are removed after the test file that made them (they are also made in
// beforeAll hooks, where onTestFinished is not available). Registered while the importing test
// file is collected, so the hook belongs to that file.
const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder under the OS temp dir, removed when the test worker exits. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A private copy of a fixture folder (for ldb, which opens read-write, and for damage tests). */
export function copyFixture(fixture: string): string {
  const dir = scratchDir(`snapplan-${fixture}-`);
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  return dir;
}

export function hasLdb(): boolean {
  try {
    execFileSync('ldb', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    try {
      execFileSync('which', ['ldb'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }
}

/** In CI the ldb cross-checks must run (`.ci/run` installs rocksdb-tools); locally they may be skipped. */
export const LDB_REQUIRED = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

/** `ldb scan --key_hex --no_value` of a column family, on a copy of the database. */
export function ldbKeys(fixture: string, column: string): string[] {
  const copy = copyFixture(fixture);
  const out = execFileSync('ldb', [`--db=${join(copy, 'rocksdb')}`, `--column_family=${column}`, '--key_hex', 'scan', '--no_value'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return out
    .split('\n')
    .map((l) => /^0x([0-9A-Fa-f]+)/.exec(l.trim())?.[1]?.toLowerCase())
    .filter((k): k is string => k !== undefined);
}

/** Writes records in RocksDB's log format (legacy or recyclable headers), for reader tests. */
export class LogWriter {
  private readonly chunks: Buffer[] = [];
  private blockOffset = 0;

  constructor(private readonly recyclableLogNumber: number | null = null) {}

  private physical(type: number, payload: Buffer): void {
    const recyclable = this.recyclableLogNumber !== null;
    const header = Buffer.alloc(recyclable ? 11 : 7);
    header.writeUInt16LE(payload.length, 4);
    header[6] = recyclable ? type + 4 : type;
    if (recyclable) header.writeUInt32LE(this.recyclableLogNumber as number, 7);
    const crc = crc32c(Buffer.concat([header.subarray(6), payload]));
    header.writeUInt32LE(maskCrc(crc), 0);
    this.chunks.push(header, payload);
    this.blockOffset += header.length + payload.length;
  }

  add(record: Buffer): this {
    const headerSize = this.recyclableLogNumber !== null ? 11 : 7;
    let left = record;
    let first = true;
    for (;;) {
      const room = 32768 - this.blockOffset;
      if (room < headerSize) {
        if (room > 0) this.chunks.push(Buffer.alloc(room));
        this.blockOffset = 0;
        continue;
      }
      const n = Math.min(left.length, room - headerSize);
      const last = n === left.length;
      const type = first && last ? 1 : first ? 2 : last ? 4 : 3;
      this.physical(type, left.subarray(0, n));
      left = left.subarray(n);
      first = false;
      if (last) return this;
    }
  }

  raw(bytes: Buffer): this {
    this.chunks.push(bytes);
    this.blockOffset = (this.blockOffset + bytes.length) % 32768;
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export function varint(n: number | bigint): Buffer {
  let v = BigInt(n);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

export function lp(b: Buffer | string): Buffer {
  const buf = typeof b === 'string' ? Buffer.from(b) : b;
  return Buffer.concat([varint(buf.length), buf]);
}

/** An internal key: user key + little-endian (seq << 8 | type). */
export function ikey(user: Buffer, seq: number, type: number): Buffer {
  const t = Buffer.alloc(8);
  t.writeBigUInt64LE((BigInt(seq) << 8n) | BigInt(type));
  return Buffer.concat([user, t]);
}
