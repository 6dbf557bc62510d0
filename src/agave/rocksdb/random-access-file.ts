import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';
import { corrupt } from './errors.js';

/**
 * A file opened read-only, with its size fixed at open time. Reads are synchronous `pread`s:
 * the reader touches a handful of blocks per question, and an open descriptor keeps a file
 * readable even if a live validator's compaction unlinks it meanwhile (Linux semantics), which
 * is what makes a consistent snapshot possible without taking RocksDB's LOCK.
 */
export interface RandomAccessFile {
  readonly name: string;
  readonly size: number;
  /** Exactly `length` bytes at `offset`, or a corrupt error if the file is shorter. */
  read(offset: number, length: number): Buffer;
  /** Up to `length` bytes into `dst`; returns how many were read. */
  readInto(dst: Buffer, offset: number, length: number): number;
  close(): void;
}

export function openReadOnly(path: string, name = path): RandomAccessFile {
  // O_RDONLY only: never create, truncate or lock anything inside the database folder
  const fd = openSync(path, constants.O_RDONLY);
  let size: number;
  try {
    size = fstatSync(fd).size;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  let closed = false;
  const readInto = (dst: Buffer, offset: number, length: number): number => {
    let done = 0;
    while (done < length) {
      const n = readSync(fd, dst, done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  };
  return {
    name,
    size,
    readInto,
    read(offset, length) {
      const dst = Buffer.allocUnsafe(length);
      if (offset + length > size || readInto(dst, offset, length) !== length) {
        throw corrupt(`read past the end (offset ${offset}, length ${length}, size ${size})`, name);
      }
      return dst;
    },
    close() {
      if (!closed) {
        closed = true;
        closeSync(fd);
      }
    },
  };
}

/** An in-memory file, for tests and for bytes already read. */
export function bufferFile(name: string, data: Buffer): RandomAccessFile {
  return {
    name,
    size: data.length,
    read(offset, length) {
      if (offset + length > data.length) throw corrupt(`read past the end (offset ${offset}, length ${length})`, name);
      return data.subarray(offset, offset + length);
    },
    readInto(dst, offset, length) {
      const n = Math.max(0, Math.min(length, data.length - offset));
      data.copy(dst, 0, offset, offset + n);
      return n;
    },
    close() {},
  };
}
