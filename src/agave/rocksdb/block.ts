import { ByteReader } from './byte-reader.js';
import { corrupt, unsupported } from './errors.js';

/**
 * Block contents (table/block_based/block_builder.cc, block.cc): entries, then the restart
 * array (u32 offsets), then a u32 footer. Each entry is varint32 shared, varint32 non_shared,
 * varint32 value_length, the key bytes after the shared prefix, then the value; a restart point
 * stores its key whole (shared = 0).
 *
 * The footer packs the restart count with flags (table/block_based/data_block_footer.cc): bit 31
 * marks a data-block hash index, stored between the restarts and the footer as one byte per
 * bucket followed by a u16 bucket count. Blocks over 64 KiB never carry flags (block.cc reads
 * the footer as a plain count then). Bits 28..30 are newer layouts (uniform keys, separated
 * key/value sections): refused by name.
 */
const MAX_BLOCK_SIZE_WITH_FLAGS = 1 << 16;

export interface BlockHandle {
  readonly offset: number;
  readonly size: number;
}

export interface RawEntries {
  readonly keys: Buffer[];
  readonly values: Buffer[];
}

export function restartsOf(data: Buffer, file: string): { entriesEnd: number; restarts: Uint32Array } {
  if (data.length < 4) throw corrupt('block shorter than its footer', file);
  const footer = data.readUInt32LE(data.length - 4);
  let numRestarts = footer;
  let restartsEnd = data.length - 4;
  if (data.length <= MAX_BLOCK_SIZE_WITH_FLAGS) {
    if ((footer & 0x70000000) !== 0) throw unsupported(`block layout flags 0x${(footer >>> 28).toString(16)} (uniform keys / separated key-value sections)`, file);
    if (footer & 0x80000000) {
      if (restartsEnd < 2) throw corrupt('block hash index truncated', file);
      const buckets = data.readUInt16LE(restartsEnd - 2);
      restartsEnd -= 2 + buckets;
    }
    numRestarts = footer & 0x0fffffff;
  }
  const entriesEnd = restartsEnd - 4 * numRestarts;
  if (numRestarts === 0 || entriesEnd < 0) throw corrupt(`block with a bad restart array (${numRestarts} restarts, ${data.length} bytes)`, file);
  const restarts = new Uint32Array(numRestarts);
  for (let i = 0; i < numRestarts; i++) restarts[i] = data.readUInt32LE(entriesEnd + 4 * i);
  return { entriesEnd, restarts };
}

/** Every key and value of a block, keys rebuilt from their shared prefixes. */
export function decodeBlock(data: Buffer, file: string): RawEntries {
  const { entriesEnd } = restartsOf(data, file);
  const keys: Buffer[] = [];
  const values: Buffer[] = [];
  const r = new ByteReader(data, 0, entriesEnd, file);
  let prev: Buffer = Buffer.alloc(0);
  while (!r.done) {
    const shared = r.varint32('block entry');
    const nonShared = r.varint32('block entry');
    const valueLength = r.varint32('block entry');
    const key = joinKey(prev, shared, r.bytes(nonShared, 'block key'), file);
    keys.push(key);
    values.push(r.bytes(valueLength, 'block value'));
    prev = key;
  }
  return { keys, values };
}

export interface IndexEntries {
  readonly keys: Buffer[];
  readonly handles: BlockHandle[];
}

/**
 * An index block: keys separate data blocks, values are block handles (varint64 offset, size).
 * With `deltaEncoded` (table format 4+, property rocksdb.index.value.is.delta.encoded) the
 * value length is not stored, a restart point's value is a full handle, and the others store
 * only a zig-zag size delta: the block follows the previous one plus its 5-byte trailer
 * (table/format.cc IndexValue). With `haveFirstKey` (index type kBinarySearchWithFirstKey) a
 * length-prefixed first key follows each handle.
 */
export function decodeIndexBlock(data: Buffer, file: string, deltaEncoded: boolean, haveFirstKey: boolean): IndexEntries {
  if (!deltaEncoded) {
    const raw = decodeBlock(data, file);
    const handles = raw.values.map((v) => {
      const r = new ByteReader(v, 0, v.length, file);
      const h = { offset: r.varint64('block handle'), size: r.varint64('block handle') };
      if (haveFirstKey) r.lengthPrefixed('index first key');
      return h;
    });
    return { keys: raw.keys, handles };
  }
  const { entriesEnd, restarts } = restartsOf(data, file);
  const restartSet = new Set(restarts);
  const keys: Buffer[] = [];
  const handles: BlockHandle[] = [];
  const r = new ByteReader(data, 0, entriesEnd, file);
  let prev: Buffer = Buffer.alloc(0);
  let prevHandle: BlockHandle | null = null;
  while (!r.done) {
    const at = r.pos;
    const shared = r.varint32('index entry');
    const nonShared = r.varint32('index entry');
    const key = joinKey(prev, shared, r.bytes(nonShared, 'index key'), file);
    let handle: BlockHandle;
    if (restartSet.has(at) || prevHandle === null) {
      handle = { offset: r.varint64('block handle'), size: r.varint64('block handle') };
    } else {
      const delta = r.varsigned64('index size delta');
      handle = { offset: prevHandle.offset + prevHandle.size + 5, size: prevHandle.size + delta };
    }
    if (haveFirstKey) r.lengthPrefixed('index first key');
    keys.push(key);
    handles.push(handle);
    prev = key;
    prevHandle = handle;
  }
  return { keys, handles };
}

function joinKey(prev: Buffer, shared: number, tail: Buffer, file: string): Buffer {
  if (shared === 0) return tail;
  if (shared > prev.length) throw corrupt(`block entry shares ${shared} bytes of a ${prev.length}-byte key`, file);
  const key = Buffer.allocUnsafe(shared + tail.length);
  prev.copy(key, 0, 0, shared);
  tail.copy(key, shared);
  return key;
}
