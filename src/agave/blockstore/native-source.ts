import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BlockstoreFormatError, UserError } from '../../core/errors.js';
import type { Slot } from '../../core/slot.js';
import { isErrno } from '../rocksdb/errors.js';
import { RocksDbSnapshot } from '../rocksdb/rocksdb-snapshot.js';
import type { BlockstoreQuery, BlockstoreReport, BlockstoreSource, SlotCount } from './blockstore-source.js';
import { walkChain } from './chain-walk.js';
import { slotFromKey } from './slot-key.js';

export interface NativeSourceOptions {
  /** Attempts from CURRENT when the database changes under the reader (default 8). */
  readonly maxAttempts?: number;
  readonly retryDelayMs?: number;
}

/** Agave keeps its RocksDB blockstore in this folder of the ledger (BLOCKSTORE_DIRECTORY_ROCKS_LEVEL). */
export const ROCKSDB_FOLDER = 'rocksdb';

/**
 * Answers from the blockstore's own RocksDB files, read-only, without agave-ledger-tool: the
 * same slot range and root counts `agave-ledger-tool bounds` prints (every key of `meta`, full
 * or not; every key of `root`), plus the parent-chain check from the target down to the base.
 * Safe while the validator runs: no LOCK, no file created, retries when files move.
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
      const slots = countSlots(db, 'meta', query.signal);
      const roots = db.hasColumnFamily('root') ? countSlots(db, 'root', query.signal) : null;
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

/**
 * Count, first and last live slot of a slot-keyed column: one streaming pass over its keys
 * (what `agave-ledger-tool bounds` does too); memory stays at one data block per SST.
 */
export function countSlots(db: RocksDbSnapshot, column: string, signal?: AbortSignal): SlotCount | null {
  let total = 0n;
  let first: Slot | null = null;
  let last: Slot | null = null;
  for (const entry of db.scan(column, { signal })) {
    const slot = slotFromKey(entry.key, column);
    first ??= slot;
    last = slot;
    total++;
  }
  return first === null || last === null ? null : { total, first, last };
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
