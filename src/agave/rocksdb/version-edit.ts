import { ByteReader } from './byte-reader.js';
import { unsupported, corrupt } from './errors.js';

/**
 * One MANIFEST record: a VersionEdit (db/version_edit.h, db/version_edit.cc). A list of
 * varint32 tags, each followed by its fields. Tags from 8192 up (bit 13) are forward-compatible
 * and length-prefixed, so unknown ones are skipped; every other unknown tag must be understood,
 * so it is an error. Two tags above 8192 predate that rule and are NOT length-prefixed: 8196
 * (WAL addition) and 8197 (WAL deletion); 8194/8195 are the deprecated blob-file tags, also
 * decoded in full.
 */
export interface NewFile {
  readonly level: number;
  readonly number: number;
  readonly pathId: number;
  readonly size: number;
  /** Internal keys: user key + 8-byte trailer (sequence << 8 | type, little-endian). */
  readonly smallest: Buffer;
  readonly largest: Buffer;
  /** Highest sequence number of any entry in the file; null when the edit does not say (tag 7). */
  readonly largestSeq: number | null;
}

export interface VersionEdit {
  columnFamily: number;
  columnFamilyAdd: string | null;
  columnFamilyDrop: boolean;
  comparator: string | null;
  logNumber: number | null;
  prevLogNumber: number | null;
  nextFileNumber: number | null;
  lastSequence: bigint | null;
  maxColumnFamily: number | null;
  minLogNumberToKeep: number | null;
  deletedFiles: { level: number; number: number }[];
  newFiles: NewFile[];
  /** WALs the MANIFEST tracks (only with track_and_verify_wals_in_manifest): number and synced size if known. */
  walAdditions: { number: number; syncedSize: bigint | null }[];
  /** WalDeletion: every tracked WAL numbered below this is obsolete. */
  walDeletionBefore: number | null;
  /** Set when the edit belongs to an atomic group: how many edits of the group follow it. */
  atomicGroupRemaining: number | null;
  hasBlobFiles: boolean;
}

const enum Tag {
  Comparator = 1,
  LogNumber = 2,
  NextFileNumber = 3,
  LastSequence = 4,
  CompactCursor = 5,
  DeletedFile = 6,
  NewFile = 7,
  PrevLogNumber = 9,
  MinLogNumberToKeep = 10,
  NewFile2 = 100,
  NewFile3 = 102,
  NewFile4 = 103,
  ColumnFamily = 200,
  ColumnFamilyAdd = 201,
  ColumnFamilyDrop = 202,
  MaxColumnFamily = 203,
  InAtomicGroup = 300,
  BlobFileAddition = 400,
  BlobFileGarbage = 401,
  SafeIgnoreMask = 1 << 13,
  BlobFileAdditionDeprecated = 8194,
  BlobFileGarbageDeprecated = 8195,
  WalAddition = 8196,
  WalDeletion = 8197,
  WalAddition2 = 8199,
  WalDeletion2 = 8200,
}

/** Custom fields of NewFile4 with this bit set must be understood (version_edit.h). */
const CUSTOM_TAG_MUST_UNDERSTAND = 1 << 6;
const CUSTOM_TERMINATE = 1;
const CUSTOM_MIN_LOG_NUMBER_TO_KEEP_HACK = 3;
const CUSTOM_PATH_ID = 65;

export function decodeVersionEdit(record: Buffer, file?: string): VersionEdit {
  const r = new ByteReader(record, 0, record.length, file);
  const edit: VersionEdit = {
    columnFamily: 0,
    columnFamilyAdd: null,
    columnFamilyDrop: false,
    comparator: null,
    logNumber: null,
    prevLogNumber: null,
    nextFileNumber: null,
    lastSequence: null,
    maxColumnFamily: null,
    minLogNumberToKeep: null,
    deletedFiles: [],
    newFiles: [],
    walAdditions: [],
    walDeletionBefore: null,
    atomicGroupRemaining: null,
    hasBlobFiles: false,
  };
  while (!r.done) {
    const tag = r.varint32('version edit tag');
    switch (tag) {
      case Tag.Comparator:
        edit.comparator = r.lengthPrefixed('comparator name').toString('latin1');
        break;
      case Tag.LogNumber:
        edit.logNumber = r.varint64('log number');
        break;
      case Tag.NextFileNumber:
        edit.nextFileNumber = r.varint64('next file number');
        break;
      case Tag.LastSequence:
        edit.lastSequence = r.varint64Big('last sequence');
        break;
      case Tag.CompactCursor:
        r.varint32('compact cursor level');
        r.lengthPrefixed('compact cursor key');
        break;
      case Tag.DeletedFile:
        edit.deletedFiles.push({ level: r.varint32('deleted file level'), number: r.varint64('deleted file number') });
        break;
      case Tag.NewFile:
      case Tag.NewFile2:
      case Tag.NewFile3: {
        const level = r.varint32('new file level');
        const number = r.varint64('new file number');
        const pathId = tag === Tag.NewFile3 ? r.varint32('path id') : 0;
        const size = r.varint64('file size');
        const smallest = r.lengthPrefixed('smallest key');
        const largest = r.lengthPrefixed('largest key');
        let largestSeq: number | null = null;
        if (tag !== Tag.NewFile) {
          r.varint64Big('smallest seqno');
          largestSeq = seqNumber(r.varint64Big('largest seqno'));
        }
        edit.newFiles.push({ level, number, pathId, size, smallest, largest, largestSeq });
        break;
      }
      case Tag.NewFile4:
        edit.newFiles.push(decodeNewFile4(r, edit, file));
        break;
      case Tag.PrevLogNumber:
        edit.prevLogNumber = r.varint64('prev log number');
        break;
      case Tag.MinLogNumberToKeep:
        edit.minLogNumberToKeep = r.varint64('min log number to keep');
        break;
      case Tag.ColumnFamily:
        edit.columnFamily = r.varint32('column family id');
        break;
      case Tag.ColumnFamilyAdd:
        edit.columnFamilyAdd = r.lengthPrefixed('column family name').toString('utf8');
        break;
      case Tag.ColumnFamilyDrop:
        edit.columnFamilyDrop = true;
        break;
      case Tag.MaxColumnFamily:
        edit.maxColumnFamily = r.varint32('max column family');
        break;
      case Tag.InAtomicGroup:
        edit.atomicGroupRemaining = r.varint32('atomic group remaining entries');
        break;
      case Tag.BlobFileAddition:
      case Tag.BlobFileAdditionDeprecated:
        // blob_file_addition.cc: number, count, bytes, checksum method, checksum value, custom fields
        r.varint64('blob file number');
        r.varint64Big('blob count');
        r.varint64Big('blob bytes');
        r.lengthPrefixed('blob checksum method');
        r.lengthPrefixed('blob checksum value');
        skipBlobCustomFields(r, file);
        edit.hasBlobFiles = true;
        break;
      case Tag.BlobFileGarbage:
      case Tag.BlobFileGarbageDeprecated:
        r.varint64('blob file number');
        r.varint64Big('garbage count');
        r.varint64Big('garbage bytes');
        skipBlobCustomFields(r, file);
        break;
      case Tag.WalAddition:
        edit.walAdditions.push(decodeWalAddition(r, file));
        break;
      case Tag.WalDeletion:
        edit.walDeletionBefore = r.varint64('WAL number');
        break;
      case Tag.WalAddition2: {
        // the same fields, length-prefixed
        const inner = r.lengthPrefixed('WAL addition');
        edit.walAdditions.push(decodeWalAddition(new ByteReader(inner, 0, inner.length, file), file));
        break;
      }
      case Tag.WalDeletion2: {
        const inner = r.lengthPrefixed('WAL deletion');
        edit.walDeletionBefore = new ByteReader(inner, 0, inner.length, file).varint64('WAL number');
        break;
      }
      default:
        if (tag & Tag.SafeIgnoreMask) {
          // forward-compatible: e.g. DB id 8193, WalAddition2/Deletion2 8199/8200, 8201..8203
          r.lengthPrefixed(`field of tag ${tag}`);
        } else {
          throw unsupported(`MANIFEST version-edit tag ${tag}`, file);
        }
    }
  }
  return edit;
}

function decodeNewFile4(r: ByteReader, edit: VersionEdit, file?: string): NewFile {
  const level = r.varint32('new file level');
  const number = r.varint64('new file number');
  const size = r.varint64('file size');
  const smallest = r.lengthPrefixed('smallest key');
  const largest = r.lengthPrefixed('largest key');
  r.varint64Big('smallest seqno');
  const largestSeq = seqNumber(r.varint64Big('largest seqno'));
  let pathId = 0;
  for (;;) {
    const custom = r.varint32('new file custom tag');
    if (custom === CUSTOM_TERMINATE) break;
    const field = r.lengthPrefixed('new file custom field');
    if (custom === CUSTOM_PATH_ID) {
      if (field.length !== 1) throw corrupt('path id field of the wrong size', file);
      pathId = field[0] as number;
    } else if (custom === CUSTOM_MIN_LOG_NUMBER_TO_KEEP_HACK) {
      if (field.length !== 8) throw corrupt('min-log-number field of the wrong size', file);
      edit.minLogNumberToKeep = Number(field.readBigUInt64LE(0));
    } else if (custom & CUSTOM_TAG_MUST_UNDERSTAND) {
      throw unsupported(`new-file custom field ${custom} (marked must-understand)`, file);
    }
    // others (need-compaction, times, checksums, temperature, unique id, epoch, tail size ...)
    // do not change which keys a file holds
  }
  return { level, number, pathId, size, smallest, largest, largestSeq };
}

/** Sequence numbers are 56 bits; the reader compares them as doubles, exact below 2^53. */
function seqNumber(seq: bigint): number | null {
  return seq <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(seq) : null;
}

/** wal_edit.cc: the log number, then sub-tags (2 = synced size) until 1. */
function decodeWalAddition(r: ByteReader, file?: string): { number: number; syncedSize: bigint | null } {
  const number = r.varint64('WAL number');
  let syncedSize: bigint | null = null;
  for (;;) {
    const sub = r.varint32('WAL addition tag');
    if (sub === 1) break;
    if (sub === 2) syncedSize = r.varint64Big('WAL synced size');
    else throw unsupported(`WAL addition field ${sub} in the MANIFEST`, file);
  }
  return { number, syncedSize };
}

function skipBlobCustomFields(r: ByteReader, file?: string): void {
  for (;;) {
    const custom = r.varint32('blob custom tag');
    if (custom === 1) return;
    r.lengthPrefixed('blob custom field');
    if (custom & CUSTOM_TAG_MUST_UNDERSTAND) throw unsupported(`blob-file custom field ${custom}`, file);
  }
}
