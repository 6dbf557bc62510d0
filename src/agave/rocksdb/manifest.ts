import { corrupt, unsupported } from './errors.js';
import { LogReader } from './log-reader.js';
import type { LogStop } from './log-reader.js';
import type { RandomAccessFile } from './random-access-file.js';
import { decodeVersionEdit } from './version-edit.js';
import type { NewFile, VersionEdit } from './version-edit.js';

/**
 * The state a MANIFEST describes, obtained by replaying its VersionEdits in order
 * (db/version_set.cc): column families (id → name), each with its comparator, its log number
 * (WALs numbered below it hold nothing unflushed for that family) and its live SST files.
 */
export interface ColumnFamilyState {
  readonly id: number;
  readonly name: string;
  comparator: string | null;
  logNumber: number;
  /** Live SST files by file number. */
  readonly files: Map<number, NewFile>;
  hasBlobFiles: boolean;
}

export interface ManifestState {
  readonly columnFamilies: Map<number, ColumnFamilyState>;
  lastSequence: bigint;
  nextFileNumber: number;
  minLogNumberToKeep: number;
  /** How many edits were applied. */
  edits: number;
  /** Where reading stopped early (torn tail), or null. */
  stop: LogStop | null;
  /** Edits of an atomic group that never completed at the end of the file (ignored). */
  danglingAtomicEdits: number;
  /**
   * WALs the MANIFEST says must exist (db/wal_edit.cc WalSet), by number, with the synced size
   * when recorded. Empty unless the writer ran with track_and_verify_wals_in_manifest.
   */
  readonly trackedWals: Map<number, bigint | null>;
  /** WalSet's min WAL number to keep: tracked WALs below it were deleted. */
  minWalNumberToKeep: number;
}

export function readManifest(file: RandomAccessFile): ManifestState {
  const state: ManifestState = {
    columnFamilies: new Map([[0, { id: 0, name: 'default', comparator: null, logNumber: 0, files: new Map(), hasBlobFiles: false }]]),
    lastSequence: 0n,
    nextFileNumber: 0,
    minLogNumberToKeep: 0,
    edits: 0,
    stop: null,
    danglingAtomicEdits: 0,
    trackedWals: new Map(),
    minWalNumberToKeep: 0,
  };
  const reader = new LogReader(file);
  let group: VersionEdit[] = [];
  for (const record of reader.records()) {
    const edit = decodeVersionEdit(record, file.name);
    if (edit.atomicGroupRemaining !== null) {
      // an atomic group is applied only once its last edit (remaining 0) has been read
      group.push(edit);
      if (edit.atomicGroupRemaining === 0) {
        for (const e of group) applyEdit(state, e, file.name);
        group = [];
      }
      continue;
    }
    if (group.length > 0) throw corrupt('atomic group interrupted by an edit outside it', file.name);
    applyEdit(state, edit, file.name);
  }
  state.danglingAtomicEdits = group.length;
  state.stop = reader.stop;
  return state;
}

function applyEdit(state: ManifestState, edit: VersionEdit, fileName: string): void {
  state.edits++;
  if (edit.lastSequence !== null) state.lastSequence = edit.lastSequence;
  if (edit.nextFileNumber !== null) state.nextFileNumber = edit.nextFileNumber;
  if (edit.minLogNumberToKeep !== null) state.minLogNumberToKeep = edit.minLogNumberToKeep;
  for (const w of edit.walAdditions) {
    // a later addition of the same WAL (closed, so its final size) replaces the earlier one
    const known = state.trackedWals.get(w.number);
    state.trackedWals.set(w.number, w.syncedSize ?? known ?? null);
  }
  if (edit.walDeletionBefore !== null) {
    state.minWalNumberToKeep = Math.max(state.minWalNumberToKeep, edit.walDeletionBefore);
    for (const n of [...state.trackedWals.keys()]) if (n < edit.walDeletionBefore) state.trackedWals.delete(n);
  }
  const id = edit.columnFamily;
  if (edit.columnFamilyAdd !== null) {
    if (state.columnFamilies.has(id)) throw corrupt(`column family ${id} added twice`, fileName);
    state.columnFamilies.set(id, { id, name: edit.columnFamilyAdd, comparator: null, logNumber: 0, files: new Map(), hasBlobFiles: false });
  } else if (edit.columnFamilyDrop) {
    state.columnFamilies.delete(id);
    return;
  }
  const cf = state.columnFamilies.get(id);
  if (cf === undefined) {
    // RocksDB tolerates edits for a family dropped earlier in the same MANIFEST only if they
    // carry no files; anything else means we misread the file
    if (edit.newFiles.length > 0) throw corrupt(`files added to unknown column family ${id}`, fileName);
    return;
  }
  if (edit.comparator !== null) cf.comparator = edit.comparator;
  if (edit.logNumber !== null) cf.logNumber = edit.logNumber;
  if (edit.hasBlobFiles) cf.hasBlobFiles = true;
  for (const d of edit.deletedFiles) cf.files.delete(d.number);
  for (const f of edit.newFiles) {
    if (f.pathId !== 0) throw unsupported(`SST files in extra db_paths (path id ${f.pathId})`, fileName);
    cf.files.set(f.number, f);
  }
}
