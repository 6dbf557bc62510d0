import type { ArchiveProblem } from './archive-check.js';

const BLOCK = 512;

/**
 * Walks a tar stream without extracting it: every 512-byte header must carry a valid checksum
 * (the one check the Rust `tar` crate that Agave uses makes on every header), each entry's data
 * is skipped by its size, and the stream must reach an end-of-archive (all-zero) block. Data
 * after that block is not read by Agave and is not looked at here. Fed chunk by chunk, so the
 * memory used is one header whatever the archive's size.
 */
export class TarWalker {
  private readonly header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  /** Bytes of entry data (with padding to a whole block) still to skip. */
  private skip = 0n;
  private entries = 0;
  private offset = 0n;
  private ended = false;
  private currentName = '';

  /** Checks one header block as the walker would (for the cheap check of a plain `.tar`). */
  static checkFirstHeader(block: Buffer): ArchiveProblem | null {
    if (block.length < BLOCK) return { code: 'truncated', message: `is ${block.length} bytes long, shorter than one tar header (512 bytes)` };
    if (isZero(block)) return { code: 'bad-tar', message: 'is a tar archive with no entries' };
    return headerChecksumOk(block) ? null : { code: 'bad-tar', message: 'does not start with a tar header (its checksum does not match): it is not a tar file' };
  }

  /** Takes the next decoded bytes; returns the first problem found, then ignores the rest. */
  push(chunk: Buffer): ArchiveProblem | null {
    let at = 0;
    while (at < chunk.length && !this.ended) {
      if (this.skip > 0n) {
        const n = Number(this.skip < BigInt(chunk.length - at) ? this.skip : BigInt(chunk.length - at));
        this.skip -= BigInt(n);
        at += n;
        this.offset += BigInt(n);
        continue;
      }
      const n = Math.min(BLOCK - this.headerFill, chunk.length - at);
      chunk.copy(this.header, this.headerFill, at, at + n);
      this.headerFill += n;
      at += n;
      if (this.headerFill < BLOCK) break;
      this.headerFill = 0;
      const problem = this.takeHeader();
      this.offset += BigInt(BLOCK);
      if (problem) return problem;
    }
    return null;
  }

  /** The stream has ended: it must have ended at the end-of-archive block. */
  end(): ArchiveProblem | null {
    if (this.ended) return null;
    if (this.skip > 0n) return { code: 'truncated', message: `ends inside the data of tar entry ${JSON.stringify(this.currentName)} (${this.skip} bytes short)` };
    if (this.headerFill > 0) return { code: 'truncated', message: `ends inside a tar header at byte ${this.offset} of the decoded stream` };
    if (this.entries === 0) return { code: 'bad-tar', message: 'decodes to an empty stream, not a tar archive' };
    return { code: 'truncated', message: `ends after ${this.entries} tar entries without the end-of-archive block` };
  }

  private takeHeader(): ArchiveProblem | null {
    const block = this.header;
    if (isZero(block)) {
      if (this.entries === 0) return { code: 'bad-tar', message: 'is a tar archive with no entries' };
      this.ended = true;
      return null;
    }
    if (!headerChecksumOk(block)) {
      return { code: 'bad-tar', message: `has a damaged tar header at byte ${this.offset} of the decoded stream (checksum mismatch)` };
    }
    const size = entrySize(block);
    if (size === null) return { code: 'bad-tar', message: `has a tar header at byte ${this.offset} with an unreadable size field` };
    this.entries++;
    this.currentName = block.toString('utf8', 0, 100).replace(/\0.*$/s, '');
    this.skip = ((size + BigInt(BLOCK) - 1n) / BigInt(BLOCK)) * BigInt(BLOCK);
    return null;
  }
}

function isZero(block: Buffer): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/**
 * The header checksum (bytes 148–155, octal): the sum of all header bytes with the checksum
 * field counted as spaces. Old writers summed signed bytes; both sums are accepted, as GNU tar
 * and the Rust tar crate accept them.
 */
function headerChecksumOk(block: Buffer): boolean {
  const field = block.toString('latin1', 148, 156).replace(/[\0 ]+$/, '').replace(/^ +/, '');
  if (!/^[0-7]+$/.test(field)) return false;
  const stored = parseInt(field, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] as number);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

/** The size field (bytes 124–135): octal text, or GNU's base-256 with the high bit set. */
function entrySize(block: Buffer): bigint | null {
  const first = block[124] as number;
  if (first & 0x80) {
    let value = BigInt(first & 0x7f);
    for (let i = 125; i < 136; i++) value = (value << 8n) | BigInt(block[i] as number);
    return value;
  }
  const text = block.toString('latin1', 124, 136).replace(/[\0 ]+$/, '').replace(/^ +/, '');
  if (text === '') return 0n;
  return /^[0-7]+$/.test(text) ? BigInt(`0o${text}`) : null;
}
