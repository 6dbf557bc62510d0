import { statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../core/errors.js';
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
    requireDatabase(dir);
    const db = await RocksDbSnapshot.open(dir, {
      columnFamilies: ['meta', 'root'],
      maxAttempts: this.options.maxAttempts,
      retryDelayMs: this.options.retryDelayMs,
      signal: query.signal,
    });
    try {
      if (!db.hasColumnFamily('meta')) {
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
