import { crc32c, unmaskCrc } from './crc32c.js';
import { unsupported } from './errors.js';
import type { RandomAccessFile } from './random-access-file.js';

/**
 * Reader of RocksDB's log format, shared by the MANIFEST and the WALs (db/log_format.h,
 * db/log_reader.cc). The file is a series of 32 KiB blocks; a physical record never crosses a
 * block boundary. Header: masked crc32c (u32), length (u16), type (u8), and for the recyclable
 * types the low 32 bits of the log number (u32). The CRC covers the type byte, the log number
 * (recyclable only) and the payload. Logical records are FULL, or FIRST + MIDDLE* + LAST.
 *
 * Stopping rule, as RocksDB's point-in-time recovery: at a truncated header or payload, a CRC
 * mismatch, an incomplete fragment group, or a recycled record of another log, stop and keep
 * everything before. `stop` says where and why, and whether that spot is in the file's last
 * block (a torn tail that a live writer may still be completing).
 */
export const LOG_BLOCK_SIZE = 32 * 1024;
const LEGACY_HEADER = 7;
const RECYCLABLE_HEADER = 11;

export interface LogStop {
  readonly offset: number;
  readonly why: string;
  /** True when the problem is in the last block of the file (a torn tail, not damage inside). */
  readonly atTail: boolean;
}

export class LogReader {
  /** Set when reading ended before the end of the file. */
  stop: LogStop | null = null;

  constructor(
    private readonly file: RandomAccessFile,
    /** The file's number, checked against recyclable headers (old records of a reused file). */
    private readonly logNumber: number | null = null,
  ) {}

  private halt(offset: number, why: string): void {
    this.stop = { offset, why, atTail: offset >= this.file.size - LOG_BLOCK_SIZE };
  }

  /** Logical records in file order, each as one Buffer (fragments joined). */
  *records(): Generator<Buffer> {
    const file = this.file;
    const chunkBlocks = 32;
    const chunk = Buffer.allocUnsafe(LOG_BLOCK_SIZE * chunkBlocks);
    let fragments: Buffer[] | null = null;
    let fragmentStart = 0;
    for (let chunkOffset = 0; chunkOffset < file.size; chunkOffset += chunk.length) {
      const n = file.readInto(chunk, chunkOffset, Math.min(chunk.length, file.size - chunkOffset));
      for (let blockStart = 0; blockStart < n; blockStart += LOG_BLOCK_SIZE) {
        const blockEnd = Math.min(n, blockStart + LOG_BLOCK_SIZE);
        let p = blockStart;
        let zeroed = false;
        while (blockEnd - p >= LEGACY_HEADER) {
          const at = chunkOffset + p;
          const length = chunk.readUInt16LE(p + 4);
          const type = chunk[p + 6] as number;
          if (type === 0) {
            // zero / preallocated space (log_reader.cc skips the rest of the block)
            zeroed = true;
            break;
          }
          if (type === 9) throw unsupported('WAL compression (log record type 9, streaming Zstd)', file.name);
          if (type === 10 || type === 11) throw unsupported(`user-defined timestamp size records (log record type ${type})`, file.name);
          const recyclable = (type >= 5 && type <= 8) || type === 131;
          const known = (type >= 1 && type <= 8) || type >= 128;
          if (!known) throw unsupported(`log record type ${type}`, file.name);
          const headerSize = recyclable ? RECYCLABLE_HEADER : LEGACY_HEADER;
          if (blockEnd - p < headerSize || p + headerSize + length > blockEnd) {
            this.halt(at, 'truncated record');
            return;
          }
          const expected = unmaskCrc(chunk.readUInt32LE(p));
          const actual = crc32c(chunk, p + 6, p + headerSize + length);
          if (expected !== actual) {
            this.halt(at, 'checksum mismatch');
            return;
          }
          if (recyclable && this.logNumber !== null && chunk.readUInt32LE(p + 7) !== this.logNumber % 2 ** 32) {
            // the tail of a recycled WAL: records of the file's previous life
            this.halt(at, 'record of a recycled log');
            return;
          }
          const payload = chunk.subarray(p + headerSize, p + headerSize + length);
          p += headerSize + length;
          if (type >= 128) continue; // ignorable metadata records (e.g. predecessor WAL info)
          const kind = recyclable ? type - 4 : type;
          if (kind === 1) {
            if (fragments !== null) {
              this.halt(fragmentStart, 'fragmented record without its last part');
              return;
            }
            yield Buffer.from(payload);
          } else if (kind === 2) {
            if (fragments !== null) {
              this.halt(fragmentStart, 'fragmented record without its last part');
              return;
            }
            fragments = [Buffer.from(payload)];
            fragmentStart = at;
          } else {
            if (fragments === null) {
              this.halt(at, 'fragment without its first part');
              return;
            }
            fragments.push(Buffer.from(payload));
            if (kind === 4) {
              const whole = Buffer.concat(fragments);
              fragments = null;
              yield whole;
            }
          }
        }
        const isLastPartialBlock = chunkOffset + blockEnd === file.size && blockEnd - blockStart < LOG_BLOCK_SIZE;
        if (!zeroed && isLastPartialBlock && p < blockEnd) {
          // fewer bytes than a header at the very end: a header that is still being written
          this.halt(chunkOffset + p, 'truncated header');
          return;
        }
      }
    }
    if (fragments !== null) this.halt(fragmentStart, 'incomplete fragmented record at the end');
  }
}
