import { inflateRawSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { decompressBlock as lz4DecompressBlock } from 'lz4js';
import { uncompress as snappyUncompress } from 'snappyjs';
import { ByteReader } from './byte-reader.js';
import { corrupt, unsupported } from './errors.js';

/**
 * Block decompression by the trailer's type byte (include/rocksdb/compression_type.h,
 * util/compression.h). From table format version 2 on, every codec except Snappy prefixes the
 * compressed bytes with the uncompressed size as a varint32 ("compress format 2"); Snappy carries
 * its own length. LZ4 is a raw block, not a frame; Zlib is raw deflate; Zstd is a frame.
 * Agave writes its slot columns uncompressed, but older ledgers may hold Snappy blocks.
 */
const NAMES: Record<number, string> = {
  0x3: 'BZip2',
  0x6: 'XPRESS',
};

export function decompressBlock(type: number, raw: Buffer, file: string, hasDictionary: boolean): Buffer {
  if (type === 0) return raw;
  if (hasDictionary && type !== 1) {
    // Zstd/LZ4/Zlib blocks may then depend on the table's rocksdb.compression_dict block
    throw unsupported('compression dictionaries (rocksdb.compression_dict)', file);
  }
  try {
    switch (type) {
      case 0x1: {
        const out = snappyUncompress(raw);
        return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
      }
      case 0x2: {
        const { size, body } = sizePrefixed(raw, file);
        const out = inflateRawSync(body);
        return checkSize(out, size, 'Zlib', file);
      }
      case 0x4:
      case 0x5: {
        const { size, body } = sizePrefixed(raw, file);
        const out = Buffer.alloc(size);
        const end = lz4DecompressBlock(body, out, 0, body.length, 0);
        if (end !== size) throw corrupt(`LZ4 block decoded to ${end} bytes, expected ${size}`, file);
        return out;
      }
      case 0x7:
      case 0x40: {
        // 0x40 is "ZSTDNotFinalCompression", the same frames
        const { size, body } = sizePrefixed(raw, file);
        const out = zstdDecompress(body, new Uint8Array(size));
        return checkSize(Buffer.from(out.buffer, out.byteOffset, out.byteLength), size, 'Zstd', file);
      }
      default:
        throw unsupported(
          type >= 0x80 ? `custom compression type 0x${type.toString(16)}` : `${NAMES[type] ?? `compression type 0x${type.toString(16)}`} blocks`,
          file,
        );
    }
  } catch (error) {
    if (error instanceof Error && error.name === 'BlockstoreFormatError') throw error;
    throw corrupt(`cannot decompress a block of type ${type}: ${(error as Error).message}`, file);
  }
}

function sizePrefixed(raw: Buffer, file: string): { size: number; body: Buffer } {
  const r = new ByteReader(raw, 0, raw.length, file);
  const size = r.varint32('uncompressed size');
  return { size, body: raw.subarray(r.pos) };
}

function checkSize(out: Buffer, size: number, codec: string, file: string): Buffer {
  if (out.length !== size) throw corrupt(`${codec} block decoded to ${out.length} bytes, expected ${size}`, file);
  return out;
}
