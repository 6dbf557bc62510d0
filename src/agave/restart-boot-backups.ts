import { lstatSync, readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { formatBytes } from '../core/format.js';

/**
 * The copies a validator's restart boot leaves in the ledger folder. With
 * --wait-for-supermajority and --expected-shred-version, it looks for shreds above the restart
 * slot that carry another shred version, copies them into `<ledger>/rocksdb_backup_<shred
 * version>_<first>_<last>` (older builds: `backup_rocksdb_<random>`) and purges them from the
 * blockstore (core/src/validator.rs, backup_and_clear_blockstore). They are not snapshots, but
 * they take space and hold the only copy of the purged blocks.
 */
export const RESTART_BOOT_BACKUP = /^(rocksdb_backup_|backup_rocksdb_)/;

export interface RestartBootBackup {
  readonly path: string;
  readonly name: string;
  /** Bytes of every file below it (links not followed). */
  readonly bytes: number;
}

/** Lists them, read-only; a ledger that cannot be read lists none (the scan reports that). */
export function findRestartBootBackups(ledger: string): RestartBootBackup[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(ledger, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && RESTART_BOOT_BACKUP.test(e.name))
    .map((e) => ({ path: path.join(ledger, e.name), name: e.name, bytes: treeBytes(path.join(ledger, e.name)) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Synchronous like the scanner: a local folder of RocksDB files, read once. */
function treeBytes(dir: string): number {
  let total = 0;
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(full);
    else if (entry.isFile()) {
      try {
        total += lstatSync(full).size;
      } catch {
        // Vanished while listed: it no longer takes space.
      }
    }
  }
  return total;
}

/**
 * What the next restart boot may copy: the blocks above the restart slot R, estimated as the
 * blockstore's size times the share of its slot range above R. An estimate for the free-space
 * check, not a promise: the boot copies only shreds with another shred version.
 */
export function restartBootCopyEstimate(rocksdbBytes: number, slots: { readonly first: bigint; readonly last: bigint } | null, restartSlot: bigint): number {
  if (slots === null || slots.last <= restartSlot || rocksdbBytes <= 0) return 0;
  const span = slots.last - slots.first + 1n;
  const above = slots.last - (restartSlot > slots.first ? restartSlot : slots.first - 1n);
  return Math.ceil((rocksdbBytes * Number(above)) / Number(span));
}

export interface RestartBootSpaceInput {
  readonly ledger: string;
  /** Bytes of `<ledger>/rocksdb`. */
  readonly rocksdbBytes: number;
  readonly slots: { readonly first: bigint; readonly last: bigint } | null;
  /** R: the slot the validator will wait at. */
  readonly restartSlot: bigint;
  /** Free bytes on the ledger's file system, and what apply already needs there (new archive, copies). */
  readonly freeBytes: number;
  readonly alreadyNeeded: number;
}

/**
 * apply's preflight for the restart boot: the copy of the blocks above R must fit next to the
 * ledger, after what apply itself writes there, or the first boot fails mid-way with the purge
 * half done. Returns the estimate; throws UserError (exit 2, nothing changed) when it cannot fit.
 */
export function checkRestartBootSpace(input: RestartBootSpaceInput): number {
  const copy = restartBootCopyEstimate(input.rocksdbBytes, input.slots, input.restartSlot);
  if (copy > 0 && copy + input.alreadyNeeded > input.freeBytes) {
    throw new UserError(
      `Not enough free space in ${input.ledger} for the restart boot: it copies the blocks above slot ${input.restartSlot} (about ${formatBytes(copy)}) into rocksdb_backup_* there, and after this apply about ${formatBytes(Math.max(0, input.freeBytes - input.alreadyNeeded))} are free.`,
      { hint: 'Free space on the ledger\'s file system first (old rocksdb_backup_* folders, logs), then run apply again.' },
    );
  }
  return copy;
}
