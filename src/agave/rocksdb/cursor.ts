import type { SstTable, DataBlock } from './sst-table.js';

/**
 * A position in one sorted source of internal entries: one SST, one level of non-overlapping
 * SSTs, or the memtable rebuilt from the WALs. Forward cursors go up in user-key order, reverse
 * ones down; entries of one user key come together (their order does not matter: the merge
 * keeps the highest sequence).
 */
export interface Cursor {
  valid: boolean;
  userKey: Buffer;
  seq: number;
  type: number;
  value: Buffer;
  next(): void;
}

const EMPTY = Buffer.alloc(0);

function lowerBound(keys: Buffer[], key: Buffer): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Buffer.compare(keys[mid] as Buffer, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(keys: Buffer[], key: Buffer): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Buffer.compare(keys[mid] as Buffer, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Entries of one SST from `start` (inclusive; the lower bound forward, the upper in reverse). */
export class TableCursor implements Cursor {
  valid = false;
  userKey: Buffer = EMPTY;
  seq = 0;
  type = 0;
  value: Buffer = EMPTY;
  private bi: number;
  private ei = 0;
  private block: DataBlock | null = null;

  constructor(
    private readonly table: SstTable,
    private readonly reverse: boolean,
    start: Buffer | null,
  ) {
    const count = table.blockCount;
    if (!reverse) {
      this.bi = start === null ? 0 : table.firstBlockAtOrAfter(start);
      if (this.bi < count) {
        this.block = table.dataBlock(this.bi);
        this.ei = start === null ? 0 : lowerBound(this.block.userKeys, start);
      }
    } else {
      this.bi = start === null ? count - 1 : Math.min(table.firstBlockAfter(start), count - 1);
      if (this.bi >= 0) {
        this.block = table.dataBlock(this.bi);
        this.ei = (start === null ? this.block.userKeys.length : upperBound(this.block.userKeys, start)) - 1;
      }
    }
    this.settle();
  }

  private settle(): void {
    const t = this.table;
    if (!this.reverse) {
      while (this.block !== null && this.ei >= this.block.userKeys.length) {
        this.bi++;
        this.block = this.bi < t.blockCount ? t.dataBlock(this.bi) : null;
        this.ei = 0;
      }
    } else {
      while (this.block !== null && this.ei < 0) {
        this.bi--;
        this.block = this.bi >= 0 ? t.dataBlock(this.bi) : null;
        this.ei = this.block === null ? -1 : this.block.userKeys.length - 1;
      }
    }
    const b = this.block;
    if (b === null) {
      this.valid = false;
      return;
    }
    this.valid = true;
    this.userKey = b.userKeys[this.ei] as Buffer;
    this.seq = b.seqs[this.ei] as number;
    this.type = b.types[this.ei] as number;
    this.value = b.values[this.ei] as Buffer;
  }

  next(): void {
    this.ei += this.reverse ? -1 : 1;
    this.settle();
  }

  /** Done with this table: let it drop its read buffers (see SstTable.releaseReadBuffers). */
  release(): void {
    this.block = null;
    this.table.releaseReadBuffers();
  }
}

export interface LevelFile {
  readonly smallest: Buffer;
  readonly largest: Buffer;
  readonly open: () => SstTable;
}

/** A level >= 1: files that do not overlap, sorted by key; each opened when reached. */
export class LevelCursor implements Cursor {
  valid = false;
  userKey: Buffer = EMPTY;
  seq = 0;
  type = 0;
  value: Buffer = EMPTY;
  private fi: number;
  private current: TableCursor | null = null;

  constructor(
    private readonly files: readonly LevelFile[],
    private readonly reverse: boolean,
    start: Buffer | null,
  ) {
    if (!reverse) {
      this.fi = start === null ? 0 : files.findIndex((f) => Buffer.compare(f.largest, start) >= 0);
      if (this.fi < 0) this.fi = files.length;
    } else {
      this.fi = files.length - 1;
      if (start !== null) while (this.fi >= 0 && Buffer.compare((files[this.fi] as LevelFile).smallest, start) > 0) this.fi--;
    }
    const f = files[this.fi];
    if (f !== undefined) this.current = new TableCursor(f.open(), reverse, start);
    this.settle();
  }

  private settle(): void {
    while (this.current !== null && !this.current.valid) {
      this.current.release();
      this.fi += this.reverse ? -1 : 1;
      const f = this.files[this.fi];
      this.current = f === undefined ? null : new TableCursor(f.open(), this.reverse, null);
    }
    const c = this.current;
    if (c === null) {
      this.valid = false;
      return;
    }
    this.valid = true;
    this.userKey = c.userKey;
    this.seq = c.seq;
    this.type = c.type;
    this.value = c.value;
  }

  next(): void {
    this.current?.next();
    this.settle();
  }
}

export interface MemEntry {
  readonly userKey: Buffer;
  readonly seq: number;
  readonly type: number;
  readonly value: Buffer;
}

/** The memtable: one newest entry per key, sorted by key. */
export class MemCursor implements Cursor {
  valid = false;
  userKey: Buffer = EMPTY;
  seq = 0;
  type = 0;
  value: Buffer = EMPTY;
  private i: number;

  constructor(
    private readonly entries: readonly MemEntry[],
    private readonly reverse: boolean,
    start: Buffer | null,
  ) {
    const keys = entries.map((e) => e.userKey);
    if (!reverse) this.i = start === null ? 0 : lowerBound(keys, start);
    else this.i = (start === null ? entries.length : upperBound(keys, start)) - 1;
    this.settle();
  }

  private settle(): void {
    const e = this.entries[this.i];
    if (e === undefined) {
      this.valid = false;
      return;
    }
    this.valid = true;
    this.userKey = e.userKey;
    this.seq = e.seq;
    this.type = e.type;
    this.value = e.value;
  }

  next(): void {
    this.i += this.reverse ? -1 : 1;
    this.settle();
  }
}
