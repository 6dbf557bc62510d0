import { unsupported } from './errors.js';

/**
 * Internal keys (db/dbformat.h): the user key followed by an 8-byte little-endian trailer
 * `(sequence << 8) | type`. Sequence numbers are 56-bit; they are kept as JS numbers, which is
 * exact up to 2^53, and anything above that is refused rather than rounded.
 */
export const ValueType = {
  Deletion: 0x0,
  Value: 0x1,
  Merge: 0x2,
  SingleDeletion: 0x7,
  RangeDeletion: 0xf,
  BlobIndex: 0x11,
  DeletionWithTimestamp: 0x14,
  WideColumnEntity: 0x16,
  ValuePreferredSeqno: 0x18,
} as const;

/** Types a point entry (SST data block or memtable) may carry. */
export function isPointType(type: number): boolean {
  return (
    type === ValueType.Deletion ||
    type === ValueType.Value ||
    type === ValueType.Merge ||
    type === ValueType.SingleDeletion ||
    type === ValueType.BlobIndex ||
    type === ValueType.DeletionWithTimestamp ||
    type === ValueType.WideColumnEntity ||
    type === ValueType.ValuePreferredSeqno
  );
}

/** The newest entry of this type means the key has no value. */
export function isDeletion(type: number): boolean {
  return type === ValueType.Deletion || type === ValueType.SingleDeletion || type === ValueType.DeletionWithTimestamp;
}

const TWO_POW_24 = 2 ** 24;

/** Sequence number of the trailer at `offset`. */
export function trailerSequence(key: Buffer, offset: number, file?: string): number {
  const lo = key.readUInt32LE(offset);
  const hi = key.readUInt32LE(offset + 4);
  if (hi >= 2 ** 29) throw unsupported('sequence numbers above 2^53', file);
  return hi * TWO_POW_24 + (lo >>> 8);
}

export function trailerType(key: Buffer, offset: number): number {
  return key[offset] as number;
}

export function userKeyOf(internalKey: Buffer): Buffer {
  return internalKey.subarray(0, internalKey.length - 8);
}

/** True when the internal key carries the sentinel sequence (2^56 - 1) RocksDB uses for
 * range-tombstone file boundaries: then the user key itself is an exclusive bound. */
export function isMaxSequenceSentinel(internalKey: Buffer): boolean {
  if (internalKey.length < 8) return false;
  const o = internalKey.length - 8;
  return internalKey.readUInt32LE(o + 4) === 0x00ffffff && internalKey.readUInt32LE(o) >>> 8 === 0xffffff;
}
