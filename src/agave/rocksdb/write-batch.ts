import { ByteReader } from './byte-reader.js';
import { corrupt, unsupported } from './errors.js';
import { ValueType } from './internal-key.js';

/**
 * A WAL record's payload is a WriteBatch (db/write_batch.cc): fixed64 first sequence number,
 * fixed32 count, then records, each a tag byte and its fields. Every counted operation takes the
 * next sequence number. The "column family" variants carry a varint32 family id first; the
 * plain ones belong to family 0.
 */
export interface BatchOp {
  readonly columnFamily: number;
  /** An internal value type (ValueType), RangeDeletion for DeleteRange. */
  readonly type: number;
  readonly key: Buffer;
  /** The value, or the exclusive end key of a range deletion, or an empty buffer. */
  readonly value: Buffer;
  readonly seq: number;
}

const TAG_TO_TYPE = new Map<number, { type: number; cf: boolean; hasValue: boolean }>([
  [0x1, { type: ValueType.Value, cf: false, hasValue: true }],
  [0x5, { type: ValueType.Value, cf: true, hasValue: true }],
  [0x0, { type: ValueType.Deletion, cf: false, hasValue: false }],
  [0x4, { type: ValueType.Deletion, cf: true, hasValue: false }],
  [0x7, { type: ValueType.SingleDeletion, cf: false, hasValue: false }],
  [0x8, { type: ValueType.SingleDeletion, cf: true, hasValue: false }],
  [0x2, { type: ValueType.Merge, cf: false, hasValue: true }],
  [0x6, { type: ValueType.Merge, cf: true, hasValue: true }],
  [0xf, { type: ValueType.RangeDeletion, cf: false, hasValue: true }],
  [0xe, { type: ValueType.RangeDeletion, cf: true, hasValue: true }],
  [0x11, { type: ValueType.BlobIndex, cf: false, hasValue: true }],
  [0x10, { type: ValueType.BlobIndex, cf: true, hasValue: true }],
  [0x16, { type: ValueType.WideColumnEntity, cf: false, hasValue: true }],
  [0x17, { type: ValueType.WideColumnEntity, cf: true, hasValue: true }],
  [0x18, { type: ValueType.ValuePreferredSeqno, cf: false, hasValue: true }],
  [0x19, { type: ValueType.ValuePreferredSeqno, cf: true, hasValue: true }],
]);
const LOG_DATA = 0x3;
const NOOP = 0xd;
/** Two-phase-commit markers: the ops between them are applied only at commit. */
const TWO_PC_MARKERS = new Set([0x9, 0xa, 0xb, 0xc, 0x12, 0x13, 0x15]);

export function* decodeWriteBatch(record: Buffer, file?: string): Generator<BatchOp> {
  if (record.length < 12) throw corrupt(`write batch of ${record.length} bytes, shorter than its header`, file);
  const r = new ByteReader(record, 0, record.length, file);
  const first = r.fixed64('write batch sequence');
  const count = r.fixed32('write batch count');
  if (first + BigInt(count) > BigInt(Number.MAX_SAFE_INTEGER)) throw unsupported('sequence numbers above 2^53', file);
  let seq = Number(first);
  let seen = 0;
  while (!r.done) {
    const tag = r.u8('write batch tag');
    const spec = TAG_TO_TYPE.get(tag);
    if (spec !== undefined) {
      const columnFamily = spec.cf ? r.varint32('column family id') : 0;
      const key = r.lengthPrefixed('write batch key');
      const value = spec.hasValue ? r.lengthPrefixed('write batch value') : Buffer.alloc(0);
      yield { columnFamily, type: spec.type, key, value, seq };
      seq++;
      seen++;
    } else if (tag === LOG_DATA) {
      r.lengthPrefixed('log data');
    } else if (tag === NOOP) {
      // nothing
    } else if (TWO_PC_MARKERS.has(tag)) {
      throw unsupported(`transactions (two-phase-commit marker 0x${tag.toString(16)}) in the WAL`, file);
    } else {
      throw unsupported(`write batch record tag 0x${tag.toString(16)}`, file);
    }
  }
  if (seen !== count) throw corrupt(`write batch says ${count} operations but holds ${seen}`, file);
}
