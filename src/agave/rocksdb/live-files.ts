import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BlockstoreFormatError } from '../../core/errors.js';
import { tableFileName } from './file-names.js';
import type { ManifestState } from './manifest.js';

/**
 * What RocksDB checks before it opens a database, and so what agave-ledger-tool and the
 * validator would trip over (stat only, nothing is read):
 *
 *  - every live table of every column family the MANIFEST lists exists with the size the
 *    MANIFEST records (db_impl.cc `DBImpl::CheckConsistency`, run on open with paranoid_checks,
 *    the default: "Can't access 000051.sst" / "Sst file size mismatch"). A table is looked for
 *    as `NNNNNN.sst`, then as LevelDB's `NNNNNN.ldb`, as RocksDB does; a missing one is named
 *    as RocksDB names it, `.sst`.
 *  - the WALs the MANIFEST tracks (only written with track_and_verify_wals_in_manifest) exist
 *    with their synced size, by the rule of wal_edit.cc `WalSet::CheckWals`: from the first WAL
 *    on disk that the MANIFEST tracks, every tracked WAL must follow. A WAL that is simply
 *    absent (the default: nothing tracked, or no WAL on disk at all) is not an error there.
 */
export interface LiveFileProblem {
  readonly kind: 'missing' | 'size';
  /** File name as RocksDB names it (`000051.sst`, `000077.log`). */
  readonly file: string;
  /** Column family of a table; null for a WAL. */
  readonly family: string | null;
  readonly recorded: bigint | null;
  readonly actual: bigint | null;
}

/** Names in the folder (one readdir) and a stat per live table: a few ms for thousands of files. */
export function checkLiveTables(dir: string, manifest: ManifestState, names: ReadonlySet<string>): LiveFileProblem[] {
  const problems: LiveFileProblem[] = [];
  for (const cf of manifest.columnFamilies.values()) {
    for (const f of cf.files.values()) {
      const sst = tableFileName(f.number);
      const ldb = tableFileName(f.number, 'ldb');
      const present = names.has(sst) ? sst : names.has(ldb) ? ldb : null;
      if (present === null) {
        problems.push({ kind: 'missing', file: sst, family: cf.name, recorded: BigInt(f.size), actual: null });
        continue;
      }
      const size = BigInt(statSync(join(dir, present)).size);
      if (size !== BigInt(f.size)) problems.push({ kind: 'size', file: present, family: cf.name, recorded: BigInt(f.size), actual: size });
    }
  }
  return problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** WalSet::CheckWals over the WALs on disk (number → size). */
export function checkTrackedWals(manifest: ManifestState, onDisk: ReadonlyMap<number, bigint>): LiveFileProblem | null {
  const tracked = [...manifest.trackedWals.entries()].sort((a, b) => a[0] - b[0]);
  const disk = [...onDisk.keys()].filter((n) => n >= manifest.minWalNumberToKeep).sort((a, b) => a - b);
  if (tracked.length === 0 || disk.length === 0) return null;
  const start = tracked.findIndex(([n]) => n === disk[0]);
  // the newest synced WALs may not be in the MANIFEST yet: nothing to check from there
  if (start < 0) return null;
  for (let i = start, d = 0; i < tracked.length; i++, d++) {
    const [number, synced] = tracked[i] as [number, bigint | null];
    const name = `${String(number).padStart(6, '0')}.log`;
    if (disk[d] !== number) return { kind: 'missing', file: name, family: null, recorded: synced, actual: null };
    const size = onDisk.get(number) as bigint;
    if (synced !== null && synced !== size) return { kind: 'size', file: name, family: null, recorded: synced, actual: size };
  }
  return null;
}

/** The refusal: exit 1, naming the files, and saying that RocksDB (so the ledger tool) refuses it too. */
export function liveFileError(dir: string, manifestName: string, problems: readonly LiveFileProblem[]): BlockstoreFormatError {
  const describe = (p: LiveFileProblem): string => {
    const what = p.family === null ? 'the WAL' : `the live table of column family "${p.family}"`;
    return p.kind === 'missing'
      ? `${p.file} (${what}) is missing`
      : `${p.file} (${what}) has ${p.actual} bytes where ${manifestName} records ${p.recorded}`;
  };
  const first = problems[0] as LiveFileProblem;
  const more = problems.length > 1 ? `; ${problems.length - 1} more: ${problems.slice(1, 6).map((p) => p.file).join(', ')}${problems.length > 6 ? ', …' : ''}` : '';
  const rocksdbSays = first.kind === 'missing' ? (first.family === null ? `"Missing WAL with log number"` : `"Can't access ${first.file}"`) : first.family === null ? '"Size mismatch: WAL"' : '"Sst file size mismatch"';
  return new BlockstoreFormatError(`${dir}: ${describe(first)}${more}.`, 'corrupt', first.file, {
    hint: `RocksDB refuses to open this database (${rocksdbSays}), so agave-ledger-tool and the validator would fail on it too: restore the blockstore from a copy, or start the node from a snapshot with a fresh ledger.`,
  });
}
