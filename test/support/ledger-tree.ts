import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import bs58 from 'bs58';
import { compress as lz4Compress } from 'lz4js';
import { parseArchiveName } from '../../src/agave/archive-name.js';

/** A valid snapshot hash (base58 of 32 bytes), deterministic per seed. */
export function hashFor(seed: string): string {
  return bs58.encode(createHash('sha256').update(seed).digest());
}

export function fullName(slot: bigint | number, ext = 'tar.zst'): string {
  return `snapshot-${slot}-${hashFor(`full-${slot}`)}.${ext}`;
}

export function incrementalName(base: bigint | number, slot: bigint | number, ext = 'tar.zst'): string {
  return `incremental-snapshot-${base}-${slot}-${hashFor(`inc-${base}-${slot}`)}.${ext}`;
}

/**
 * Writes a small file (parents created) and returns its absolute path. Without a body, a file
 * named like a snapshot archive gets a real one (see archiveBytes), since plan checks the
 * header of every archive it may use as a base; any other file gets a line of text.
 */
export async function touch(root: string, rel: string, body?: string | Buffer): Promise<string> {
  const file = path.join(root, rel);
  await mkdir(path.dirname(file), { recursive: true });
  const name = path.basename(rel);
  await writeFile(file, body ?? (parseArchiveName(name).ok ? archiveBytes(name) : `stand-in ${name}\n`));
  return file;
}

/**
 * A small but real snapshot archive for `name`: a tar holding one `version` file with `text`,
 * compressed as the name says (zstd: one frame of raw blocks, which every zstd decoder reads;
 * lz4: an lz4js frame; gz: zlib; bz2: the bzip2 binary; tar: as it is).
 */
export function archiveBytes(name: string, text = `stand-in ${name}\n`): Buffer {
  const tar = tarOf('version', Buffer.from(text));
  if (name.endsWith('.tar.zst')) return zstdRawFrame(tar);
  if (name.endsWith('.tar.lz4')) return Buffer.from(lz4Compress(tar));
  if (name.endsWith('.tar.gz')) return gzipSync(tar);
  if (name.endsWith('.tar.bz2')) return execFileSync('bzip2', ['-c'], { input: tar });
  return tar;
}

/** A ustar archive of one file, with its end-of-archive blocks. */
function tarOf(entry: string, data: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, text: string) => header.write(text, offset, length, 'latin1');
  field(0, 100, entry);
  field(100, 8, '0000644\0');
  field(108, 8, '0000000\0');
  field(116, 8, '0000000\0');
  field(124, 12, `${data.length.toString(8).padStart(11, '0')}\0`);
  field(136, 12, '15000000000\0');
  field(148, 8, '        ');
  field(156, 1, '0');
  field(257, 8, 'ustar\x0000');
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  data.copy(padded);
  return Buffer.concat([header, padded, Buffer.alloc(1024)]);
}

/** One zstd frame (RFC 8878) of raw blocks: magic, single-segment header with the size, blocks. */
function zstdRawFrame(data: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32LE(0xfd2fb528, 0);
  header[4] = 0xe0; // 8-byte content size, single segment, no checksum, no dictionary
  header.writeBigUInt64LE(BigInt(data.length), 5);
  const parts: Buffer[] = [header];
  for (let at = 0; at < data.length; at += 128 * 1024) {
    const chunk = data.subarray(at, Math.min(data.length, at + 128 * 1024));
    const last = at + chunk.length >= data.length ? 1 : 0;
    const block = Buffer.alloc(3);
    block.writeUIntLE((chunk.length << 3) | last, 0, 3); // block type 0: raw
    parts.push(block, chunk);
  }
  return Buffer.concat(parts);
}

/** A bank snapshot folder `<parent>/<slot>/` as Agave writes it (complete unless told). */
export async function bankSnapshot(parent: string, slot: bigint | number, options: { omit?: string[] } = {}): Promise<string> {
  const dir = path.join(parent, String(slot));
  await mkdir(dir, { recursive: true });
  const files: Record<string, string> = { version: '1.2.0', [String(slot)]: 'bank', status_cache: 'cache' };
  for (const [name, body] of Object.entries(files)) {
    if (!options.omit?.includes(name)) await writeFile(path.join(dir, name), body);
  }
  return dir;
}
