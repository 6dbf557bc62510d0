import { ByteReader } from './byte-reader.js';
import type { BlockHandle } from './block.js';
import { corrupt, unsupported } from './errors.js';
import type { RandomAccessFile } from './random-access-file.js';

/**
 * The last 53 bytes of a block-based table (table/format.cc, Footer::DecodeFrom):
 *   checksum type (1) | part 2 (40) | format_version (u32 LE) | magic (u64 LE).
 * Part 2 up to format 5: metaindex handle, index handle (varints), zero padding.
 * From format 6: extended magic 3e 00 7a 00, footer checksum (u32), base context checksum (u32),
 * metaindex size (u32; the metaindex ends right before the footer, less one 5-byte block
 * trailer), 16 unchecked reserved bytes and 8 reserved bytes that must be zero; the index handle
 * then comes from the metaindex entry "rocksdb.index".
 */
export const FOOTER_SIZE = 53;
const BLOCK_BASED_MAGIC_LO = 0x85f4cff7;
const BLOCK_BASED_MAGIC_HI = 0x88e241b7;
const OTHER_MAGICS: Record<string, string> = {
  '8b80fb57:db477524': 'block-based tables of format_version 0 (legacy footer)',
  '63bf9564:82422296': 'PlainTable files',
  '7a8f13b8:4f3418eb': 'PlainTable files (legacy)',
  'c5f17873:926789d0': 'CuckooTable files',
};
export const MIN_FORMAT_VERSION = 2;
export const MAX_FORMAT_VERSION = 7;

export interface Footer {
  readonly formatVersion: number;
  readonly checksumType: number;
  readonly metaindex: BlockHandle;
  /** Null from format 6 on: look it up in the metaindex. */
  readonly index: BlockHandle | null;
}

export function readFooter(file: RandomAccessFile): Footer {
  if (file.size < FOOTER_SIZE) throw corrupt(`file of ${file.size} bytes is too short to be an SST`, file.name);
  const footerOffset = file.size - FOOTER_SIZE;
  const f = file.read(footerOffset, FOOTER_SIZE);
  const magicLo = f.readUInt32LE(45);
  const magicHi = f.readUInt32LE(49);
  if (magicLo !== BLOCK_BASED_MAGIC_LO || magicHi !== BLOCK_BASED_MAGIC_HI) {
    const other = OTHER_MAGICS[`${magicLo.toString(16).padStart(8, '0')}:${magicHi.toString(16).padStart(8, '0')}`];
    if (other !== undefined) throw unsupported(other, file.name);
    throw corrupt('not a block-based table (bad magic number)', file.name);
  }
  const formatVersion = f.readUInt32LE(41);
  if (formatVersion < MIN_FORMAT_VERSION || formatVersion > MAX_FORMAT_VERSION) {
    throw unsupported(`table format_version ${formatVersion} (this reader knows ${MIN_FORMAT_VERSION}..${MAX_FORMAT_VERSION})`, file.name);
  }
  const checksumType = f[0] as number;
  if (formatVersion <= 5) {
    const r = new ByteReader(f, 1, 41, file.name);
    const metaindex = { offset: r.varint64('metaindex handle'), size: r.varint64('metaindex handle') };
    const index = { offset: r.varint64('index handle'), size: r.varint64('index handle') };
    return { formatVersion, checksumType, metaindex, index };
  }
  if (f[1] !== 0x3e || f[2] !== 0x00 || f[3] !== 0x7a || f[4] !== 0x00) throw corrupt('bad extended magic in the table footer', file.name);
  const metaindexSize = f.readUInt32LE(13);
  if (f.readUInt32LE(33) !== 0 || f.readUInt32LE(37) !== 0) throw unsupported('a table footer using reserved fields (a newer RocksDB feature)', file.name);
  const metaindexOffset = footerOffset - 5 - metaindexSize;
  if (metaindexOffset < 0) throw corrupt('metaindex larger than the file', file.name);
  return { formatVersion, checksumType, metaindex: { offset: metaindexOffset, size: metaindexSize }, index: null };
}
