import { restartsOf } from './block.js';
import type { BlockHandle } from './block.js';
import { decodeIndexBlock } from './block.js';
import { ByteReader } from './byte-reader.js';
import { corrupt } from './errors.js';

/**
 * A table's index block, searched in place. RocksDB writes index blocks with a restart point at
 * every entry (index_block_restart_interval 1), so entry i starts at restart i with its whole key
 * and, delta-encoded or not, its whole block handle: a binary search decodes ~log2(n) entries
 * and a scan only the entries it passes, instead of every entry of a 64 MiB table (16,000 for
 * 4 KiB blocks) up front. An index written with a longer interval is decoded whole, as before.
 *
 * Keys are the user-key part of each separator: every key of block i is <= key(i).
 */
export class BlockIndex {
  readonly count: number;
  private readonly keys: (Buffer | undefined)[];
  private readonly handles: (BlockHandle | undefined)[];
  private readonly restarts: Uint32Array | null;
  private readonly entriesEnd: number;

  constructor(
    private readonly data: Buffer,
    private readonly file: string,
    private readonly deltaEncoded: boolean,
    private readonly haveFirstKey: boolean,
    private readonly keyIsUserKey: boolean,
  ) {
    const { entriesEnd, restarts } = restartsOf(data, file);
    this.entriesEnd = entriesEnd;
    if (entriesEnd === 0) {
      // an empty index: a table holding only range tombstones
      this.restarts = restarts;
      this.count = 0;
      this.keys = [];
      this.handles = [];
      return;
    }
    const firstEnd = this.decodeAt(restarts[0] as number, entriesEnd).next;
    const everyEntryRestarts = restarts.length === 1 ? firstEnd === entriesEnd : restarts[1] === firstEnd;
    if (everyEntryRestarts) {
      this.restarts = restarts;
      this.count = restarts.length;
      this.keys = new Array<Buffer | undefined>(this.count);
      this.handles = new Array<BlockHandle | undefined>(this.count);
    } else {
      const all = decodeIndexBlock(data, file, deltaEncoded, haveFirstKey);
      this.restarts = null;
      this.count = all.keys.length;
      this.keys = keyIsUserKey ? all.keys : all.keys.map((k) => internalUserKey(k, file));
      this.handles = all.handles;
    }
  }

  key(i: number): Buffer {
    const k = this.keys[i];
    if (k !== undefined) return k;
    this.load(i);
    return this.keys[i] as Buffer;
  }

  /** Decoded on each call, never kept: a scan over every block must not hold an object per block. */
  handle(i: number): BlockHandle {
    const h = this.handles[i];
    if (h !== undefined) return h;
    return this.entry(i).handle;
  }

  /** First block whose last key may be >= userKey (count if none). */
  firstAtOrAfter(userKey: Buffer): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Buffer.compare(this.key(mid), userKey) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First block whose separator is > userKey (count if none). */
  firstAfter(userKey: Buffer): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Buffer.compare(this.key(mid), userKey) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Keys are kept once decoded: binary searches come back to the same few. */
  private load(i: number): void {
    const { key } = this.entry(i);
    this.keys[i] = this.keyIsUserKey ? key : internalUserKey(key, this.file);
  }

  private entry(i: number): { key: Buffer; handle: BlockHandle } {
    if (this.restarts === null || i < 0 || i >= this.count) throw corrupt(`index entry ${i} out of range`, this.file);
    const end = i + 1 < this.count ? (this.restarts[i + 1] as number) : this.entriesEnd;
    return this.decodeAt(this.restarts[i] as number, end);
  }

  /** The entry at a restart point: its key is whole (shared 0), its handle too. */
  private decodeAt(at: number, end: number): { key: Buffer; handle: BlockHandle; next: number } {
    const r = new ByteReader(this.data, at, end, this.file);
    const shared = r.varint32('index entry');
    const nonShared = r.varint32('index entry');
    if (shared !== 0) throw corrupt(`index restart point shares ${shared} bytes`, this.file);
    let handle: BlockHandle;
    let key: Buffer;
    if (this.deltaEncoded) {
      key = r.bytes(nonShared, 'index key');
      handle = { offset: r.varint64('block handle'), size: r.varint64('block handle') };
      if (this.haveFirstKey) r.lengthPrefixed('index first key');
    } else {
      const valueLength = r.varint32('index entry');
      key = r.bytes(nonShared, 'index key');
      const value = r.bytes(valueLength, 'index value');
      const v = new ByteReader(value, 0, value.length, this.file);
      handle = { offset: v.varint64('block handle'), size: v.varint64('block handle') };
    }
    return { key, handle, next: r.pos };
  }
}

function internalUserKey(k: Buffer, file: string): Buffer {
  if (k.length < 8) throw corrupt('index key shorter than 8 bytes (expected an internal key)', file);
  return k.subarray(0, k.length - 8);
}
