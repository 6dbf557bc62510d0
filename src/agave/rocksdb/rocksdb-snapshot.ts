import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { BlockstoreFormatError } from '../../core/errors.js';
import { LevelCursor, MemCursor, TableCursor } from './cursor.js';
import type { Cursor, LevelFile } from './cursor.js';
import { corrupt, isErrno, unsupported } from './errors.js';
import { parseCurrent, tableFileName, walNumber } from './file-names.js';
import { isMaxSequenceSentinel, userKeyOf } from './internal-key.js';
import { LogReader } from './log-reader.js';
import type { LogStop } from './log-reader.js';
import { checkLiveTables, checkTrackedWals, liveFileError } from './live-files.js';
import type { LiveFileProblem } from './live-files.js';
import { readManifest } from './manifest.js';
import type { ColumnFamilyState, ManifestState } from './manifest.js';
import { MemTable } from './memtable.js';
import { mergingScan } from './merging-scan.js';
import type { LiveEntry } from './merging-scan.js';
import { openReadOnly } from './random-access-file.js';
import type { RandomAccessFile } from './random-access-file.js';
import { TombstoneIndex } from './range-tombstones.js';
import type { RangeTombstone } from './range-tombstones.js';
import { SstTable } from './sst-table.js';
import type { ReadCounters } from './sst-table.js';
import type { NewFile } from './version-edit.js';
import { decodeWriteBatch } from './write-batch.js';

export type { LiveEntry } from './merging-scan.js';

/**
 * A read-only, consistent view of some column families of a RocksDB folder, taken without
 * RocksDB and without its LOCK, so it works while the owner (a running validator) writes:
 *
 *  1. read CURRENT and replay the MANIFEST it names (live SSTs and log numbers per family);
 *  2. check, as RocksDB does before it opens a database, that every live table of every family
 *     exists with its recorded size, and the WALs the MANIFEST tracks (live-files.ts);
 *  3. open every live SST of the wanted families and every WAL that may still hold their
 *     unflushed writes (an open descriptor survives the file's deletion by a compaction);
 *  4. check that CURRENT and the MANIFEST's size did not change meanwhile.
 *
 * A vanished file (ENOENT), a changed MANIFEST or a torn MANIFEST tail means the writer moved
 * on: start again from CURRENT, a bounded number of times. A live file that is missing (or of
 * the wrong size) twice with the same CURRENT and MANIFEST is not a writer moving on: it is
 * refused at once, by name, as RocksDB refuses it. A torn tail that persists is what a
 * crashed writer leaves, and RocksDB's own recovery then uses the records before it, as here.
 *
 * Nothing is ever created, locked or written inside the folder.
 */
export interface OpenOptions {
  readonly columnFamilies: readonly string[];
  /** Attempts from CURRENT before giving up (default 8). */
  readonly maxAttempts?: number;
  /** Pause before attempt n is n × this (default 25 ms). */
  readonly retryDelayMs?: number;
  readonly signal?: AbortSignal | undefined;
}

export interface ScanOptions {
  /** Inclusive user-key bounds. */
  readonly from?: Buffer | undefined;
  readonly to?: Buffer | undefined;
  readonly reverse?: boolean;
  /**
   * The caller drops each entry's value before it asks for the next one (counting keys,
   * decoding and discarding): the tables may then reuse their read buffers, and a value is
   * only valid until the scan is resumed.
   */
  readonly transient?: boolean;
  readonly signal?: AbortSignal | undefined;
}

export interface SnapshotStats {
  attempts: number;
  /** Where the MANIFEST stopped early on the attempt that was used, if it did. */
  manifestStop: LogStop | null;
  walFiles: number;
  walStops: number;
  tablesOpened: number;
  blocksRead: number;
  bytesRead: number;
}

interface OpenedFile {
  readonly meta: NewFile;
  readonly file: RandomAccessFile;
  table: SstTable | null;
}

interface Family {
  readonly state: ColumnFamilyState;
  readonly files: OpenedFile[];
  readonly mem: MemTable;
}

export class RocksDbSnapshot {
  private readonly counters: ReadCounters;

  private constructor(
    readonly dir: string,
    readonly manifestName: string,
    readonly manifest: ManifestState,
    private readonly families: Map<string, Family>,
    readonly stats: SnapshotStats,
  ) {
    this.counters = stats;
  }

  static async open(dir: string, options: OpenOptions): Promise<RocksDbSnapshot> {
    const maxAttempts = options.maxAttempts ?? 8;
    const retryDelayMs = options.retryDelayMs ?? 25;
    let lastReason = '';
    let lastDamage: string | null = null;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      options.signal?.throwIfAborted();
      if (attempt > 1 && retryDelayMs > 0) await delay(retryDelayMs * (attempt - 1));
      const result = tryOpen(dir, options.columnFamilies, attempt, attempt === maxAttempts, lastDamage);
      if (result instanceof RocksDbSnapshot) return result;
      lastReason = result.retry;
      lastDamage = result.damage ?? null;
    }
    throw new BlockstoreFormatError(`${dir}: the database kept changing while it was read (${maxAttempts} attempts; last: ${lastReason}).`, 'unstable', dir, {
      hint: 'The validator is compacting heavily; try again in a moment.',
    });
  }

  /** @internal used by tryOpen */
  static create(dir: string, manifestName: string, manifest: ManifestState, families: Map<string, Family>, stats: SnapshotStats): RocksDbSnapshot {
    return new RocksDbSnapshot(dir, manifestName, manifest, families, stats);
  }

  hasColumnFamily(name: string): boolean {
    return this.families.has(name);
  }

  /** Live SST files of a family (for reports and tests). */
  liveFiles(name: string): readonly NewFile[] {
    return this.family(name).files.map((f) => f.meta);
  }

  /**
   * The smallest and largest user key any source of a family may hold (table boundaries from
   * the MANIFEST, WAL keys): every live key lies within, deleted ones may too. Null if empty.
   */
  keyRange(name: string): { smallest: Buffer; largest: Buffer } | null {
    const fam = this.family(name);
    let smallest: Buffer | null = null;
    let largest: Buffer | null = null;
    const widen = (lo: Buffer, hi: Buffer): void => {
      if (smallest === null || Buffer.compare(lo, smallest) < 0) smallest = lo;
      if (largest === null || Buffer.compare(hi, largest) > 0) largest = hi;
    };
    for (const f of fam.files) widen(userKeyOf(f.meta.smallest), userKeyOf(f.meta.largest));
    const mem = fam.mem.entries();
    const first = mem[0];
    const last = mem[mem.length - 1];
    if (first !== undefined && last !== undefined) widen(first.userKey, last.userKey);
    return smallest === null || largest === null ? null : { smallest, largest };
  }

  /** Keys only in the WALs (memtable) of a family. */
  memtableSize(name: string): number {
    return this.family(name).mem.size;
  }

  private family(name: string): Family {
    const f = this.families.get(name);
    if (f === undefined) throw new Error(`column family ${name} was not opened`);
    return f;
  }

  private table(f: OpenedFile): SstTable {
    if (f.table === null) {
      f.table = new SstTable(f.file, this.counters);
      this.stats.tablesOpened++;
    }
    return f.table;
  }

  /** Live entries of a family in key order (or reverse), within inclusive bounds. */
  *scan(name: string, options: ScanOptions = {}): Generator<LiveEntry> {
    const fam = this.family(name);
    const from = options.from ?? null;
    const to = options.to ?? null;
    const reverse = options.reverse ?? false;
    const overlapping = overlappingFiles(fam, from, to);
    const tombstones = this.tombstonesOf(fam, overlapping);
    const start = reverse ? to : from;
    const transient = options.transient ?? false;
    const open = (f: OpenedFile): SstTable => {
      const t = this.table(f);
      t.transient = transient;
      return t;
    };
    const cursors: Cursor[] = [new MemCursor(fam.mem.entries(), reverse, start)];
    const levels = new Map<number, OpenedFile[]>();
    for (const f of overlapping) {
      const list = levels.get(f.meta.level) ?? [];
      list.push(f);
      levels.set(f.meta.level, list);
    }
    for (const [level, files] of levels) {
      if (level === 0) {
        // level 0 files overlap each other: one cursor each
        for (const f of files) cursors.push(new TableCursor(open(f), reverse, start));
      } else {
        const sorted = [...files].sort((a, b) => Buffer.compare(userKeyOf(a.meta.smallest), userKeyOf(b.meta.smallest)));
        const levelFiles: LevelFile[] = sorted.map((f) => ({ smallest: userKeyOf(f.meta.smallest), largest: userKeyOf(f.meta.largest), open: () => open(f) }));
        cursors.push(new LevelCursor(levelFiles, reverse, start));
      }
    }
    yield* mergingScan(cursors, new TombstoneIndex(tombstones), { reverse, lower: from, upper: to, signal: options.signal });
  }

  /**
   * Range tombstones of the memtable and of the given files, each cut to its file's own key range
   * (RocksDB truncates them so; a largest key with the sentinel sequence is an exclusive end).
   */
  private tombstonesOf(fam: Family, files: readonly OpenedFile[]): RangeTombstone[] {
    const tombstones: RangeTombstone[] = [...fam.mem.tombstones];
    for (const f of files) {
      const t = this.table(f);
      if (t.rangeTombstones.length === 0) continue;
      const lo = userKeyOf(f.meta.smallest);
      const hi = userKeyOf(f.meta.largest);
      const end = isMaxSequenceSentinel(f.meta.largest) ? hi : Buffer.concat([hi, Buffer.from([0])]);
      for (const r of t.rangeTombstones) {
        const start = Buffer.compare(r.start, lo) < 0 ? lo : r.start;
        const stop = Buffer.compare(r.end, end) > 0 ? end : r.end;
        if (Buffer.compare(start, stop) < 0) tombstones.push({ start, end: stop, seq: r.seq });
      }
    }
    return tombstones;
  }

  /**
   * The key range [start, end) around `key` in which a range tombstone deletes everything the
   * family holds, proven without reading that data: every table overlapping it is older than the
   * tombstone (its largest sequence number, from the MANIFEST), or has no entry inside it (its
   * index and one data block say so), and no newer WAL write lies inside. Null when `key` is not
   * in such a range. A seek uses this to step over data that a purge deleted but compaction has
   * not removed yet (Agave purges slot columns with DeleteRange), instead of reading it.
   */
  deletedRunAt(name: string, key: Buffer): { start: Buffer; end: Buffer } | null {
    const fam = this.family(name);
    const fragment = new TombstoneIndex(this.tombstonesOf(fam, overlappingFiles(fam, key, key))).fragmentAt(key);
    if (fragment === null) return null;
    const { start, end, seq } = fragment;
    for (const e of fam.mem.entries()) {
      if (Buffer.compare(e.userKey, start) >= 0 && Buffer.compare(e.userKey, end) < 0 && e.seq >= seq) return null;
    }
    for (const f of fam.files) {
      const lo = userKeyOf(f.meta.smallest);
      const hi = userKeyOf(f.meta.largest);
      if (Buffer.compare(lo, end) >= 0 || Buffer.compare(hi, start) < 0) continue;
      if (f.meta.largestSeq !== null && f.meta.largestSeq < seq) continue;
      if (this.table(f).hasEntryIn(start, end)) return null;
    }
    return { start, end };
  }

  /** The live value of one key, or null. */
  get(name: string, key: Buffer): LiveEntry | null {
    for (const e of this.scan(name, { from: key, to: key })) return e;
    return null;
  }

  close(): void {
    for (const fam of this.families.values()) for (const f of fam.files) f.file.close();
  }
}

interface Retry {
  readonly retry: string;
  /** CURRENT, MANIFEST size and the damaged files: the same twice means the damage is real. */
  readonly damage?: string;
}

/** Files of a family whose key range meets [from, to] (inclusive; null = unbounded). */
function overlappingFiles(fam: Family, from: Buffer | null, to: Buffer | null): OpenedFile[] {
  return fam.files.filter((f) => {
    const lo = userKeyOf(f.meta.smallest);
    const hi = userKeyOf(f.meta.largest);
    return (to === null || Buffer.compare(lo, to) <= 0) && (from === null || Buffer.compare(hi, from) >= 0);
  });
}

function tryOpen(dir: string, wanted: readonly string[], attempt: number, lastAttempt: boolean, previousDamage: string | null): RocksDbSnapshot | Retry {
  const opened: RandomAccessFile[] = [];
  const closeAll = (): void => {
    for (const f of opened) f.close();
  };
  try {
    const currentText = readFileSync(join(dir, 'CURRENT'), 'latin1');
    const manifestName = parseCurrent(currentText);
    if (manifestName === null) {
      if (!lastAttempt) return { retry: 'CURRENT is being replaced' };
      throw corrupt(`CURRENT does not name a MANIFEST (${JSON.stringify(currentText.slice(0, 40))})`, join(dir, 'CURRENT'));
    }
    const manifestFile = openReadOnly(join(dir, manifestName), manifestName);
    opened.push(manifestFile);
    const manifest = readManifest(manifestFile);
    if (manifest.stop !== null) {
      if (!lastAttempt) {
        closeAll();
        return { retry: `MANIFEST ends in a torn record (${manifest.stop.why} at byte ${manifest.stop.offset})` };
      }
      if (!manifest.stop.atTail) throw corrupt(`MANIFEST damaged before its end (${manifest.stop.why} at byte ${manifest.stop.offset})`, manifestName);
    }

    // what RocksDB checks before opening: every live table of every family, the tracked WALs
    const names = new Set(readdirSync(dir));
    const problems: LiveFileProblem[] = checkLiveTables(dir, manifest, names);
    const walSizes = new Map<number, bigint>();
    for (const name of names) {
      const n = walNumber(name);
      if (n !== null) walSizes.set(n, BigInt(statSync(join(dir, name)).size));
    }
    const walProblem = checkTrackedWals(manifest, walSizes);
    if (walProblem !== null) problems.push(walProblem);
    if (problems.length > 0) {
      const damage = `${currentText}|${manifestFile.size}|${problems.map((p) => `${p.file}:${p.kind}:${p.actual}`).join(',')}`;
      if (lastAttempt || damage === previousDamage) throw liveFileError(dir, manifestName, problems);
      closeAll();
      return { retry: `${problems[0]?.file} missing or of another size`, damage };
    }

    const byName = new Map<string, ColumnFamilyState>();
    for (const cf of manifest.columnFamilies.values()) byName.set(cf.name, cf);
    const families = new Map<string, Family>();
    for (const name of wanted) {
      const state = byName.get(name);
      if (state === undefined) continue;
      if (state.comparator !== null && state.comparator !== 'leveldb.BytewiseComparator') {
        throw unsupported(`column family "${name}" ordered by comparator "${state.comparator}"`, manifestName);
      }
      const files: OpenedFile[] = [];
      for (const meta of state.files.values()) {
        const file = openTable(dir, meta.number);
        opened.push(file);
        files.push({ meta, file, table: null });
      }
      families.set(name, { state, files, mem: new MemTable() });
    }

    // WALs that may hold unflushed writes of a wanted family: numbers from the smallest log
    // number among them (each family skips the WALs below its own number, db_impl_open.cc)
    const famList = [...families.values()];
    const minLog = famList.length === 0 ? Infinity : Math.min(...famList.map((f) => f.state.logNumber));
    const wals = [...names]
      .map((name) => ({ name, number: walNumber(name) }))
      .filter((w): w is { name: string; number: number } => w.number !== null && w.number >= minLog)
      .sort((a, b) => a.number - b.number);
    const walFiles: { number: number; file: RandomAccessFile }[] = [];
    for (const w of wals) {
      const file = openReadOnly(join(dir, w.name), w.name);
      opened.push(file);
      walFiles.push({ number: w.number, file });
    }

    // the view is consistent if nothing was switched or appended to the MANIFEST meanwhile
    if (readFileSync(join(dir, 'CURRENT'), 'latin1') !== currentText) {
      closeAll();
      return { retry: 'CURRENT changed' };
    }
    if (statSync(join(dir, manifestName)).size !== manifestFile.size) {
      closeAll();
      return { retry: 'MANIFEST changed' };
    }
    manifestFile.close();

    const byId = new Map<number, Family>();
    for (const f of famList) byId.set(f.state.id, f);
    let walStops = 0;
    for (const w of walFiles) {
      const reader = new LogReader(w.file, w.number);
      for (const record of reader.records()) {
        for (const op of decodeWriteBatch(record, w.file.name)) {
          const fam = byId.get(op.columnFamily);
          // already in an SST when the WAL is older than the family's log number
          if (fam === undefined || w.number < fam.state.logNumber) continue;
          fam.mem.add(op);
        }
      }
      if (reader.stop !== null) walStops++;
      w.file.close();
    }

    const stats: SnapshotStats = {
      attempts: attempt,
      manifestStop: manifest.stop,
      walFiles: walFiles.length,
      walStops,
      tablesOpened: 0,
      blocksRead: 0,
      bytesRead: 0,
    };
    return RocksDbSnapshot.create(dir, manifestName, manifest, families, stats);
  } catch (error) {
    closeAll();
    if (isErrno(error, 'ENOENT') && !lastAttempt) return { retry: `a file vanished (${(error as Error).message})` };
    if (isErrno(error, 'ENOENT')) {
      throw new BlockstoreFormatError(`${dir}: a file named by CURRENT or the MANIFEST is missing (${(error as Error).message}).`, 'unstable', dir, {
        cause: error,
        hint: 'The database kept changing or is damaged: try again, or use --bounds-from ledger-tool (or --blocks FIRST..LAST).',
      });
    }
    throw error;
  }
}

function openTable(dir: string, number: number): RandomAccessFile {
  try {
    return openReadOnly(join(dir, tableFileName(number)), tableFileName(number));
  } catch (error) {
    // very old databases name tables .ldb
    if (!isErrno(error, 'ENOENT')) throw error;
    return openReadOnly(join(dir, tableFileName(number, 'ldb')), tableFileName(number, 'ldb'));
  }
}
