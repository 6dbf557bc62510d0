import { corrupt } from './errors.js';

/**
 * A cursor over a byte buffer with RocksDB's encodings (util/coding.h): little-endian fixed
 * ints, LEB128 varints and varint-length-prefixed slices. Every read checks bounds and throws a
 * `corrupt` error naming `what`, so a damaged file never becomes a wrong answer.
 */
export class ByteReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
    readonly file?: string,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  private fail(what: string): never {
    throw corrupt(`truncated or malformed ${what} at byte ${this.pos}`, this.file);
  }

  u8(what = 'byte'): number {
    if (this.pos >= this.end) this.fail(what);
    return this.buf[this.pos++] as number;
  }

  fixed32(what = 'fixed32'): number {
    if (this.pos + 4 > this.end) this.fail(what);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  fixed64(what = 'fixed64'): bigint {
    if (this.pos + 8 > this.end) this.fail(what);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A varint of at most 32 bits. */
  varint32(what = 'varint32'): number {
    let result = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      if (this.pos >= this.end) this.fail(what);
      const byte = this.buf[this.pos++] as number;
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) {
        if (result > 0xffffffff) this.fail(what);
        return result;
      }
    }
    return this.fail(what);
  }

  /** A varint of up to 64 bits, exact. */
  varint64Big(what = 'varint64'): bigint {
    let result = 0n;
    for (let shift = 0n; shift <= 63n; shift += 7n) {
      if (this.pos >= this.end) this.fail(what);
      const byte = this.buf[this.pos++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
    }
    return this.fail(what);
  }

  /** A varint64 that must fit a JS number exactly (file numbers, offsets, sizes, counts). */
  varint64(what = 'varint64'): number {
    // fast path for the common small values
    let result = 0;
    for (let shift = 0; shift < 49; shift += 7) {
      if (this.pos >= this.end) this.fail(what);
      const byte = this.buf[this.pos++] as number;
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
    }
    // longer: decode exactly and check the range
    this.pos -= 7;
    const big = this.varint64Big(what);
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(`${what} ${big} is too large`, this.file);
    return Number(big);
  }

  /** Zig-zag signed varint64 (util/coding.h, used by delta-encoded index values). */
  varsigned64(what = 'signed varint'): number {
    const u = this.varint64Big(what);
    const v = (u >> 1n) ^ -(u & 1n);
    return Number(v);
  }

  bytes(n: number, what = 'bytes'): Buffer {
    if (n < 0 || this.pos + n > this.end) this.fail(what);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  lengthPrefixed(what = 'length-prefixed slice'): Buffer {
    const n = this.varint32(what);
    return this.bytes(n, what);
  }
}
