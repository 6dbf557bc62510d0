import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BlockstoreFormatError, UserError } from '../../core/errors.js';
import { U64_MAX, type Slot } from '../../core/slot.js';
import { isErrno } from '../rocksdb/errors.js';
import { RocksDbSnapshot } from '../rocksdb/rocksdb-snapshot.js';
import type { BlockstoreQuery, BlockstoreReport, BlockstoreSource, SlotCount } from './blockstore-source.js';
import { walkChain } from './chain-walk.js';
import { slotFromKey, slotKey } from './slot-key.js';

export interface NativeSourceOptions {
  /** Attempts from CURRENT when the database changes under the reader (default 8). */
  readonly maxAttempts?: number;
  readonly retryDelayMs?: number;
}

/** Agave keeps its RocksDB blockstore in this folder of the ledger (BLOCKSTORE_DIRECTORY_ROCKS_LEVEL). */
export const ROCKSDB_FOLDER = 'rocksdb';

/**
 * Answers from the blockstore's own RocksDB files, read-only, without agave-ledger-tool: the
 * slot range and roots `agave-ledger-tool bounds` prints (every key of `meta`, full or not; every
 * key of `root`), plus the parent-chain check from the target down to the base. Safe while the
 * validator runs: no LOCK, no file created, retries when files move.
 *
 * Without `count`, it never reads a whole column: the first and last live slot come from seeking
 * (the tables that bound the key range: their index blocks and the data blocks at the edge, range
 * tombstones applied), and the chain walk reads only (base, target]. `count` adds the exact
 * totals, which take one pass over every key of `meta` and `root`.
 */
export class NativeBlockstoreSource implements BlockstoreSource {
  readonly id = 'native' as const;

  constructor(private readonly options: NativeSourceOptions = {}) {}

  async read(query: BlockstoreQuery): Promise<BlockstoreReport> {
    const dir = join(query.ledger, ROCKSDB_FOLDER);
    try {
      return await this.readDatabase(dir, query);
    } catch (error) {
      throw unreadable(error, dir) ?? error;
    }
  }

  private async readDatabase(dir: string, query: BlockstoreQuery): Promise<BlockstoreReport> {
    requireDatabase(dir);
    const db = await RocksDbSnapshot.open(dir, {
      columnFamilies: ['meta', 'root'],
      maxAttempts: this.options.maxAttempts,
      retryDelayMs: this.options.retryDelayMs,
      signal: query.signal,
    });
    try {
      if (!db.hasColumnFamily('meta')) {
        const stop = db.stats.manifestStop;
        if (stop !== null) {
          // a MANIFEST cut short before the families were defined is damage, not a wrong folder
          throw new BlockstoreFormatError(
            `${join(dir, db.manifestName)} is truncated or damaged: it ends in a broken record (${stop.why} at byte ${stop.offset}) after ${db.manifest.edits} readable edits, before the "meta" column family is defined.`,
            'corrupt',
            db.manifestName,
            { hint: 'RocksDB cannot open this database either (agave-ledger-tool and the validator would fail on it): restore the blockstore from a copy, or start the node from a snapshot with a fresh ledger.' },
          );
        }
        throw new UserError(`${dir} is a RocksDB database without a "meta" column family: not an Agave blockstore.`, {
          hint: 'Pass the ledger folder of an Agave (or Solana) validator as --ledger.',
        });
      }
      const measure = (column: string): SlotCount | null =>
        query.count === true ? countSlots(db, column, query.signal, query.onCountProgress) : slotEdges(db, column, query.signal);
      const slots = measure('meta');
      const roots = db.hasColumnFamily('root') ? measure('root') : null;
      const chain = query.base === null ? undefined : walkChain(db, query.base, query.target, query.signal);
      return { source: 'native', slots, roots, chain };
    } finally {
      db.close();
    }
  }
}

function requireDatabase(dir: string): void {
  try {
    if (!statSync(dir).isDirectory()) throw new UserError(`${dir} is not a folder.`);
    statSync(join(dir, 'CURRENT'));
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) {
      throw new UserError(`No blockstore at ${dir} (no RocksDB CURRENT file).`, {
        hint: 'Pass the validator\'s ledger folder as --ledger (the one holding "rocksdb/").',
        cause: error,
      });
    }
    throw error;
  }
}

/** Keys between two progress reports while counting. */
const PROGRESS_EVERY = 1n << 16n;

/**
 * Count, first and last live slot of a slot-keyed column: one streaming pass over its keys
 * (what `agave-ledger-tool bounds` does too); memory stays at one data block per SST.
 */
export function countSlots(
  db: RocksDbSnapshot,
  column: string,
  signal?: AbortSignal,
  onProgress?: (column: string, keys: bigint) => void,
): SlotCount | null {
  let total = 0n;
  let first: Slot | null = null;
  let last: Slot | null = null;
  for (const entry of db.scan(column, { signal, transient: true })) {
    const slot = slotFromKey(entry.key, column);
    first ??= slot;
    last = slot;
    total++;
    if (onProgress !== undefined && total % PROGRESS_EVERY === 0n) onProgress(column, total);
  }
  return first === null || last === null ? null : { total, first, last };
}

/** The first window of slots a seek looks at; each next one is four times wider. */
const FIRST_WINDOW = 1n << 10n;

/**
 * First and last live slot of a slot-keyed column without reading it all: a bounded scan of a
 * small window of slots at each end of the key range the tables and WALs may hold, widened
 * until a live key turns up. A bounded scan opens only the tables overlapping its window (their
 * index and range-deletion blocks) and reads only the data blocks inside it, so the cost
 * follows what lies at the edges (keys deleted but not yet compacted away), not the column.
 */
export function slotEdges(db: RocksDbSnapshot, column: string, signal?: AbortSignal): SlotCount | null {
  const range = db.keyRange(column);
  if (range === null) return null;
  const lo = slotFromKey(range.smallest, column);
  const hi = slotFromKey(range.largest, column);
  const first = seekEdge(db, column, lo, hi, false, signal);
  if (first === null) return null;
  const last = seekEdge(db, column, first, hi, true, signal) ?? first;
  return { total: null, first, last };
}

function seekEdge(db: RocksDbSnapshot, column: string, lo: Slot, hi: Slot, reverse: boolean, signal?: AbortSignal): Slot | null {
  let width = FIRST_WINDOW;
  let from = lo;
  let to = hi;
  while (from <= to) {
    // step over what a range tombstone provably deleted (a purge not compacted yet) unread
    for (let run = db.deletedRunAt(column, slotKey(reverse ? to : from)); run !== null && from <= to; run = db.deletedRunAt(column, slotKey(reverse ? to : from))) {
      signal?.throwIfAborted();
      const next = reverse ? slotBelow(run.start) : slotAtOrAbove(run.end);
      if (next === null) return null;
      if (reverse) to = next;
      else from = next;
    }
    if (from > to) break;
    const a = reverse ? (to - from + 1n > width ? to - width + 1n : from) : from;
    const b = reverse ? to : to - from + 1n > width ? from + width - 1n : to;
    for (const entry of db.scan(column, { from: slotKey(a), to: slotKey(b), reverse, signal, transient: true })) return slotFromKey(entry.key, column);
    if (reverse) to = a - 1n;
    else from = b + 1n;
    width *= 4n;
  }
  return null;
}

/** The lowest slot (8-byte key) >= `key`, any length (a tombstone end is exclusive); null past the last. */
function slotAtOrAbove(key: Buffer): Slot | null {
  const prefix = slotOfPrefix(key);
  if (key.length <= 8) return prefix; // equal, or a shorter key sorts just before its zero padding
  return prefix === U64_MAX ? null : prefix + 1n; // a longer key sorts after its 8-byte prefix
}

/** The highest slot (8-byte key) < `key`, any length (a tombstone start is inclusive); null below 0. */
function slotBelow(key: Buffer): Slot | null {
  const prefix = slotOfPrefix(key);
  if (key.length > 8) return prefix;
  return prefix === 0n ? null : prefix - 1n;
}

/** The first 8 bytes of a key as a big-endian slot, zero-padded when shorter. */
function slotOfPrefix(key: Buffer): Slot {
  const b = Buffer.alloc(8);
  key.copy(b, 0, 0, Math.min(8, key.length));
  return b.readBigUInt64BE(0);
}

/**
 * A file of the database this user may not read (running as another user than the validator's
 * is common) or cannot read at all: one sentence naming the file, and what to do. Null for
 * errors that are not about reading a file.
 */
function unreadable(error: unknown, dir: string): Error | null {
  if (!(error instanceof Error) || typeof (error as NodeJS.ErrnoException).code !== 'string') return null;
  const { code, path: file = dir, syscall } = error as NodeJS.ErrnoException;
  if (code === 'EACCES' || code === 'EPERM') {
    const uid = process.getuid?.();
    return new UserError(`Permission denied reading ${file}${uid === undefined ? '' : ` (snapplan runs as uid ${uid})`}.`, {
      hint: `Run snapplan as the validator's user (for example sudo -u <that user> snapplan …) or as root, or grant this user read access to ${dir}; snapplan only reads it.`,
      cause: error,
    });
  }
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ELOOP' || code === 'EIO' || code === 'ENXIO') {
    return new BlockstoreFormatError(`Cannot read ${file} (${code}${syscall === undefined ? '' : ` in ${syscall}`}).`, 'corrupt', file, {
      hint: 'Check that the ledger\'s rocksdb/ folder is intact and its disk healthy; agave-ledger-tool would not open it either.',
      cause: error,
    });
  }
  return null;
}
