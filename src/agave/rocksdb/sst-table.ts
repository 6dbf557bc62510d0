import { decodeBlock } from './block.js';
import { BlockIndex } from './block-index.js';
import type { BlockHandle } from './block.js';
import { ByteReader } from './byte-reader.js';
import { decompressBlock } from './compression.js';
import { corrupt, unsupported } from './errors.js';
import { isPointType, trailerSequence, trailerType, ValueType } from './internal-key.js';
import type { RandomAccessFile } from './random-access-file.js';
import type { RangeTombstone } from './range-tombstones.js';
import { readFooter } from './sst-footer.js';
import type { Footer } from './sst-footer.js';

/**
 * One block-based SST (table/block_based/block_based_table_reader.cc). Opening reads the
 * footer, the metaindex, the properties, the index block and the range-deletion block; data
 * blocks are read one at a time when a scan reaches them, so a question reads only the blocks it
 * needs. Block checksums are not verified (RocksDB's readers may skip them too); every decode
 * is bounds-checked instead.
 */
const BYTEWISE = 'leveldb.BytewiseComparator';
const PROP_INDEX_KEY_IS_USER_KEY = 'rocksdb.index.key.is.user.key';
const PROP_INDEX_VALUE_DELTA = 'rocksdb.index.value.is.delta.encoded';
const PROP_INDEX_TYPE = 'rocksdb.block.based.table.index.type';
const PROP_COMPARATOR = 'rocksdb.comparator';
const PROP_EXTERNAL_SST_VERSION = 'rocksdb.external_sst_file.version';
const META_PROPERTIES = 'rocksdb.properties';
const META_INDEX = 'rocksdb.index';
const META_RANGE_DEL = 'rocksdb.range_del';
const META_COMPRESSION_DICT = 'rocksdb.compression_dict';
/** Bytes fetched at once by a sequential scan (see readAhead). */
const READ_AHEAD = 256 * 1024;
/** Index types (table.h BlockBasedTableOptions::IndexType). */
const INDEX_BINARY_SEARCH = 0;
const INDEX_HASH_SEARCH = 1;
const INDEX_TWO_LEVEL = 2;
const INDEX_BINARY_SEARCH_WITH_FIRST_KEY = 3;

/** A data block split into parallel arrays, user keys ascending (then sequence descending). */
export interface DataBlock {
  readonly userKeys: Buffer[];
  readonly seqs: number[];
  readonly types: number[];
  readonly values: Buffer[];
}

export interface ReadCounters {
  blocksRead: number;
  bytesRead: number;
}

export class SstTable {
  readonly footer: Footer;
  readonly properties: Map<string, Buffer>;
  /**
   * The index block: every key of data block i is <= index.key(i). Read when first needed and
   * dropped by releaseReadBuffers: opening a table for its range tombstones alone (every table a
   * scan overlaps is opened so) must not hold its index, the one part that grows with the data.
   */
  private indexBlock: BlockIndex | null = null;
  private readonly readIndex: () => BlockIndex;
  readonly rangeTombstones: RangeTombstone[];
  private readonly hasDictionary: boolean;
  private cachedIndex = -1;
  private cached: DataBlock | null = null;
  /** Read-ahead: the bytes [aheadStart, aheadStart + ahead.length) of the file, or empty. */
  private ahead: Buffer = Buffer.alloc(0);
  private aheadStart = 0;
  private lastOffset = -1;
  /**
   * Set by a scan whose consumer drops each value before asking for the next (counting, the
   * chain walk, seeking): its read-ahead then refills two buffers of its own in turn instead of
   * allocating a window per refill, so reading a whole column makes no garbage. A value read
   * this way stays intact until the second refill after it, past the step that yielded it.
   */
  transient = false;
  private windows: [Buffer, Buffer] | null = null;
  private readonly windowStart = [0, 0];
  private readonly windowLength = [0, 0];
  private readonly windowFills = [0, 0];
  private window = 0;
  /** Which reusable window the cached block lives in (-1: none) and that window's fill count then. */
  private cachedWindow = -1;
  private cachedFill = 0;

  constructor(
    readonly file: RandomAccessFile,
    private readonly counters: ReadCounters,
  ) {
    this.footer = readFooter(file);
    const meta = new Map<string, BlockHandle>();
    const metaindex = decodeBlock(this.readBlock(this.footer.metaindex), file.name);
    metaindex.keys.forEach((k, i) => {
      const v = metaindex.values[i] as Buffer;
      const r = new ByteReader(v, 0, v.length, file.name);
      meta.set(k.toString('latin1'), { offset: r.varint64('meta handle'), size: r.varint64('meta handle') });
    });
    this.hasDictionary = meta.has(META_COMPRESSION_DICT);

    this.properties = new Map();
    const propsHandle = meta.get(META_PROPERTIES);
    if (propsHandle !== undefined) {
      const props = decodeBlock(this.readBlock(propsHandle), file.name);
      props.keys.forEach((k, i) => this.properties.set(k.toString('latin1'), props.values[i] as Buffer));
    }
    const comparator = this.properties.get(PROP_COMPARATOR)?.toString('latin1');
    if (comparator !== undefined && comparator !== BYTEWISE) throw unsupported(`tables ordered by comparator "${comparator}"`, file.name);
    if (this.properties.has(PROP_EXTERNAL_SST_VERSION)) throw unsupported('ingested external SST files (global sequence numbers)', file.name);

    const indexType = this.propertyFixed32(PROP_INDEX_TYPE) ?? INDEX_BINARY_SEARCH;
    if (indexType === INDEX_TWO_LEVEL) throw unsupported('partitioned (two-level) indexes', file.name);
    if (indexType !== INDEX_BINARY_SEARCH && indexType !== INDEX_HASH_SEARCH && indexType !== INDEX_BINARY_SEARCH_WITH_FIRST_KEY) {
      throw unsupported(`index type ${indexType}`, file.name);
    }
    const indexHandle = this.footer.index ?? meta.get(META_INDEX);
    if (indexHandle === undefined) throw corrupt('no index block', file.name);
    const keyIsUserKey = this.propertyVarint(PROP_INDEX_KEY_IS_USER_KEY) === 1;
    const deltaEncoded = this.propertyVarint(PROP_INDEX_VALUE_DELTA) === 1;
    this.readIndex = () => new BlockIndex(this.readBlock(indexHandle), file.name, deltaEncoded, indexType === INDEX_BINARY_SEARCH_WITH_FIRST_KEY, keyIsUserKey);

    this.rangeTombstones = [];
    const rangeDel = meta.get(META_RANGE_DEL);
    if (rangeDel !== undefined) {
      const block = decodeBlock(this.readBlock(rangeDel), file.name);
      block.keys.forEach((k, i) => {
        if (k.length < 8) throw corrupt('range tombstone key shorter than 8 bytes', file.name);
        const o = k.length - 8;
        if (trailerType(k, o) !== ValueType.RangeDeletion) throw corrupt(`range-deletion block entry of type ${trailerType(k, o)}`, file.name);
        this.rangeTombstones.push({ start: k.subarray(0, o), end: block.values[i] as Buffer, seq: trailerSequence(k, o, file.name) });
      });
    }
  }

  get index(): BlockIndex {
    this.indexBlock ??= this.readIndex();
    return this.indexBlock;
  }

  get blockCount(): number {
    return this.index.count;
  }

  private propertyVarint(name: string): number | undefined {
    const v = this.properties.get(name);
    if (v === undefined) return undefined;
    return new ByteReader(v, 0, v.length, this.file.name).varint64(name);
  }

  private propertyFixed32(name: string): number | undefined {
    const v = this.properties.get(name);
    if (v === undefined) return undefined;
    if (v.length !== 4) throw corrupt(`property ${name} of ${v.length} bytes`, this.file.name);
    return v.readUInt32LE(0);
  }

  /** Reads a block and its 5-byte trailer (compression type, checksum), and decompresses it. */
  readBlock(handle: BlockHandle, data = false): Buffer {
    if (handle.offset + handle.size + 5 > this.file.size) throw corrupt(`block handle (${handle.offset}, ${handle.size}) past the end`, this.file.name);
    // only data blocks go through the read-ahead: index and meta blocks are kept for the table's life
    const raw = data ? this.readAhead(handle.offset, handle.size + 5) : this.file.read(handle.offset, handle.size + 5);
    this.counters.blocksRead++;
    this.counters.bytesRead += raw.length;
    const type = raw[handle.size] as number;
    return decompressBlock(type, raw.subarray(0, handle.size), this.file.name, this.hasDictionary);
  }

  /**
   * Scans read neighbouring blocks one after another (forwards, or backwards for a reverse scan
   * or the chain walk): the second read in a row in one direction fetches a whole window of the
   * file in that direction, so a scan costs one read per window instead of one per block (a
   * meta value of Agave 3.1+ is a 4 KiB block of its own).
   */
  private readAhead(offset: number, length: number): Buffer {
    const end = offset + length;
    if (offset >= this.aheadStart && end <= this.aheadStart + this.ahead.length) {
      this.lastOffset = offset;
      return this.ahead.subarray(offset - this.aheadStart, end - this.aheadStart);
    }
    const w = this.window;
    const ws = this.windowStart[w] as number;
    if (this.transient && this.windows !== null && offset >= ws && end <= ws + (this.windowLength[w] as number)) {
      this.lastOffset = offset;
      this.readFrom = w;
      return (this.windows[w] as Buffer).subarray(offset - ws, end - ws);
    }
    const sequential = this.lastOffset >= 0;
    const backwards = sequential && offset < this.lastOffset;
    this.lastOffset = offset;
    this.readFrom = -1;
    if (!sequential || length >= READ_AHEAD) return this.file.read(offset, length);
    const start = backwards ? Math.max(0, end - READ_AHEAD) : offset;
    const stop = backwards ? end : Math.min(this.file.size, offset + READ_AHEAD);
    if (!this.transient) {
      this.ahead = this.file.read(start, stop - start);
      this.aheadStart = start;
      return this.ahead.subarray(offset - start, end - start);
    }
    this.windows ??= [Buffer.allocUnsafe(READ_AHEAD), Buffer.allocUnsafe(READ_AHEAD)];
    const next = 1 - this.window;
    const buffer = this.windows[next] as Buffer;
    if (this.file.readInto(buffer, start, stop - start) !== stop - start) throw corrupt(`read past the end (offset ${start}, length ${stop - start})`, this.file.name);
    this.window = next;
    this.windowStart[next] = start;
    this.windowLength[next] = stop - start;
    this.windowFills[next] = (this.windowFills[next] as number) + 1;
    this.readFrom = next;
    return buffer.subarray(offset - start, end - start);
  }

  /**
   * Drops the index, the read-ahead buffers and the cached block. A level's scan calls it when it moves on
   * to the next table, so a scan of a whole column holds one table's buffers per level instead of
   * every table's it has passed (its index, and 2 × 256 KiB of buffers each): memory stays flat as the column grows. Values
   * already handed out keep their bytes (their buffer is only unreferenced here, not reused);
   * a later read of this table simply reads from the file again.
   */
  releaseReadBuffers(): void {
    this.indexBlock = null;
    this.windows = null;
    this.windowLength[0] = 0;
    this.windowLength[1] = 0;
    this.ahead = Buffer.alloc(0);
    this.aheadStart = 0;
    this.lastOffset = -1;
    this.cached = null;
    this.cachedIndex = -1;
    this.cachedWindow = -1;
    this.readFrom = -1;
  }

  /** The reusable window the last data block came from, or -1. */
  private readFrom = -1;

  /** Data block `i`, decoded (the last one is kept: scans touch each block once). */
  dataBlock(i: number): DataBlock {
    if (i === this.cachedIndex && this.cached !== null) {
      // a block in a reusable window is good only while that window holds it, and only for transient scans
      const w = this.cachedWindow;
      if (w < 0 || (this.transient && this.windowFills[w] === this.cachedFill)) return this.cached;
    }
    if (i < 0 || i >= this.index.count) throw corrupt(`data block ${i} out of range`, this.file.name);
    const handle = this.index.handle(i);
    const decompressed = this.readBlock(handle, true);
    // a decompressed block is a fresh buffer; a stored one is a view of what was read
    const w = this.readFrom >= 0 && decompressed.buffer === (this.windows?.[this.readFrom] as Buffer).buffer ? this.readFrom : -1;
    const raw = decodeBlock(decompressed, this.file.name);
    const n = raw.keys.length;
    const block: DataBlock = { userKeys: new Array<Buffer>(n), seqs: new Array<number>(n), types: new Array<number>(n), values: raw.values };
    for (let j = 0; j < n; j++) {
      const k = raw.keys[j] as Buffer;
      if (k.length < 8) throw corrupt('internal key shorter than 8 bytes', this.file.name);
      const o = k.length - 8;
      const type = trailerType(k, o);
      if (!isPointType(type)) throw unsupported(`entries of value type 0x${type.toString(16)} in a data block`, this.file.name);
      block.userKeys[j] = k.subarray(0, o);
      block.seqs[j] = trailerSequence(k, o, this.file.name);
      block.types[j] = type;
    }
    this.cachedIndex = i;
    this.cached = block;
    this.cachedWindow = w;
    this.cachedFill = w < 0 ? 0 : (this.windowFills[w] as number);
    return block;
  }

  /** First block whose last key may be >= userKey (blockCount if none). */
  firstBlockAtOrAfter(userKey: Buffer): number {
    return this.index.firstAtOrAfter(userKey);
  }

  /** First block whose separator is > userKey (blockCount if none). */
  firstBlockAfter(userKey: Buffer): number {
    return this.index.firstAfter(userKey);
  }

  /** Whether any point entry has a user key in [start, end): the index, then one data block. */
  hasEntryIn(start: Buffer, end: Buffer): boolean {
    for (let i = this.firstBlockAtOrAfter(start); i < this.blockCount; i++) {
      const keys = this.dataBlock(i).userKeys;
      for (const k of keys) {
        if (Buffer.compare(k, start) < 0) continue;
        return Buffer.compare(k, end) < 0;
      }
    }
    return false;
  }

  close(): void {
    this.file.close();
  }
}
