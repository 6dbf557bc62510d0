/**
 * Walks a tar stream header by header without keeping any data: each header's checksum must
 * match, each entry's data must be there in full, and the stream must end with the
 * end-of-archive marker (zero blocks) followed by nothing but zero padding. A stream cut at an
 * entry boundary passes `tar -t` silently; it does not pass here.
 */
export class TarStreamCheck {
  private header = new Uint8Array(BLOCK);
  private headerFill = 0;
  /** Data (and padding) bytes of the current entry still to skip. */
  private skip = 0;
  private zeroBlocks = 0;
  private entries = 0;
  private problem: string | null = null;
  private offset = 0;

  /** Feeds the next bytes; returns false once the stream is known to be bad (see `result`). */
  push(chunk: Uint8Array): boolean {
    let at = 0;
    while (at < chunk.length && this.problem === null) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        this.skip -= n;
        at += n;
        this.offset += n;
        continue;
      }
      const n = Math.min(BLOCK - this.headerFill, chunk.length - at);
      this.header.set(chunk.subarray(at, at + n), this.headerFill);
      this.headerFill += n;
      at += n;
      this.offset += n;
      if (this.headerFill === BLOCK) {
        this.headerFill = 0;
        this.block(this.offset - BLOCK);
      }
    }
    return this.problem === null;
  }

  /** Call at the end of the stream: null when well-formed, else what is wrong. */
  result(): string | null {
    if (this.problem !== null) return this.problem;
    if (this.skip > 0 || this.headerFill > 0) return `the tar stream is cut short at byte ${this.offset}, inside an entry`;
    if (this.zeroBlocks === 0) {
      return this.entries === 0 ? 'the tar stream is empty' : `the tar stream ends at byte ${this.offset} without its end-of-archive marker (cut at an entry boundary)`;
    }
    return null;
  }

  private block(at: number): void {
    if (isZero(this.header)) {
      this.zeroBlocks++;
      return;
    }
    if (this.zeroBlocks > 0) {
      this.problem = `the tar stream has data at byte ${at}, after its end-of-archive marker`;
      return;
    }
    const stored = parseOctal(this.header.subarray(148, 156));
    let sum = 8 * 0x20;
    for (let i = 0; i < BLOCK; i++) if (i < 148 || i >= 156) sum += this.header[i] as number;
    if (stored === null || stored !== sum) {
      this.problem = `the tar header at byte ${at} is damaged (checksum mismatch)`;
      return;
    }
    const size = parseSize(this.header.subarray(124, 136));
    if (size === null) {
      this.problem = `the tar header at byte ${at} has an unreadable size`;
      return;
    }
    this.entries++;
    const type = String.fromCharCode(this.header[156] as number);
    // Links, devices, folders and fifos carry no data, whatever their size field says.
    const hasData = !'123456'.includes(type) || type === '';
    this.skip = hasData ? Math.ceil(size / BLOCK) * BLOCK : 0;
  }
}

const BLOCK = 512;

function isZero(block: Uint8Array): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

function parseOctal(field: Uint8Array): number | null {
  let text = '';
  for (const byte of field) {
    if (byte === 0 || byte === 0x20) {
      if (text.length > 0) break;
      continue;
    }
    if (byte < 0x30 || byte > 0x37) return null;
    text += String.fromCharCode(byte);
  }
  return text.length === 0 ? 0 : parseInt(text, 8);
}

/** Octal, or GNU's base-256 for sizes of 8 GiB and more (first byte's high bit set). */
function parseSize(field: Uint8Array): number | null {
  if (((field[0] as number) & 0x80) !== 0) {
    let value = (field[0] as number) & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] as number);
    return Number.isSafeInteger(value) ? value : null;
  }
  return parseOctal(field);
}
