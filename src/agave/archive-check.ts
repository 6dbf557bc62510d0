import { closeSync, constants, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import type { hash as xxh32Type } from 'lz4js/xxh32.js';
import { ExternalError, OperationCancelledError } from '../core/errors.js';
import type { ArchiveFormat } from './archive-name.js';
import { TarWalker } from './tar-walker.js';

/** Why an archive cannot be loaded. `message` is a phrase about the file, without its path. */
export interface ArchiveProblem {
  readonly code: 'empty' | 'not-a-file' | 'unreadable' | 'bad-magic' | 'bad-frame' | 'truncated' | 'corrupt' | 'bad-tar';
  readonly message: string;
}

// Frame formats: zstd (RFC 8878 §3.1.1), LZ4 frame format 1.6.x (lz4/doc/lz4_Frame_format.md).
const ZSTD_MAGIC = 0xfd2fb528;
const ZSTD_SKIPPABLE_MASK = 0xfffffff0;
const ZSTD_SKIPPABLE = 0x184d2a50;
const ZSTD_MAX_WINDOW_LOG = 31;
const ZSTD_MAX_BLOCK = 128 * 1024;
const LZ4_MAGIC = 0x184d2204;
const LZ4_LEGACY_MAGIC = 0x184c2102;
const LZ4_BLOCK_MAX = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];

/**
 * Cheap and read-only: the entry is a readable regular file (following a link, as Agave does),
 * size > 0, and it starts as its format says: the zstd or lz4 frame magic and, for zstd and
 * lz4, a first frame header (and first block header) that parses. Reads at most a few dozen
 * bytes, so it runs on every archive a plan may choose as its base.
 */
export function checkArchiveHeader(file: string, format: ArchiveFormat): ArchiveProblem | null {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO named like an archive must not make the scan wait for a writer.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return openProblem(error);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return notAFile(info.isDirectory());
    if (info.size === 0) return { code: 'empty', message: 'is empty (0 bytes)' };
    const read = (offset: number, length: number): Buffer => {
      const buffer = Buffer.alloc(length);
      const n = readSync(fd, buffer, 0, length, offset);
      return buffer.subarray(0, n);
    };
    switch (format) {
      case 'tar.zst':
        return zstdHeaderProblem(read, info.size);
      case 'tar.lz4':
        return lz4HeaderProblem(read(0, 64), info.size);
      case 'tar.gz':
        return magicProblem(read(0, 3), [0x1f, 0x8b, 0x08], 'gzip');
      case 'tar.bz2': {
        const head = read(0, 4);
        return head.length >= 4 && head.toString('latin1', 0, 3) === 'BZh' && head[3]! >= 0x31 && head[3]! <= 0x39
          ? null
          : { code: head.length < 4 ? 'truncated' : 'bad-magic', message: head.length < 4 ? `is only ${info.size} bytes long` : 'does not start with the bzip2 magic (BZh1–9): it is not a bzip2 file' };
      }
      case 'tar':
        return info.size < 512 ? { code: 'truncated', message: `is ${info.size} bytes long, shorter than one tar header (512 bytes)` } : TarWalker.checkFirstHeader(read(0, 512));
    }
  } catch (error) {
    return openProblem(error);
  } finally {
    closeSync(fd);
  }
}

/**
 * The problem of an archive-named entry that could not be opened or stat'ed (ENOENT through a
 * link, ELOOP, EACCES…): what the scanner and the header check both report.
 */
export function openProblem(error: unknown): ArchiveProblem {
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'ENOENT':
      return { code: 'unreadable', message: 'is a broken symbolic link (its target does not exist)' };
    case 'ELOOP':
      return { code: 'unreadable', message: 'is a symbolic link loop' };
    case 'EACCES':
    case 'EPERM':
      return { code: 'unreadable', message: 'cannot be read: permission denied' };
    case 'EISDIR':
      return notAFile(true);
    default:
      return { code: 'unreadable', message: `cannot be read (${code ?? String(error)})` };
  }
}

/** A directory or another non-file (FIFO, socket, device) under an archive name. */
export function notAFile(isDirectory: boolean): ArchiveProblem {
  return { code: 'not-a-file', message: isDirectory ? 'is a directory, not an archive file' : 'is not a regular file' };
}

function magicProblem(head: Buffer, magic: readonly number[], name: string): ArchiveProblem | null {
  if (head.length < magic.length) return { code: 'truncated', message: `is only ${head.length} bytes long, shorter than the ${name} magic` };
  if (magic.every((byte, i) => head[i] === byte)) return null;
  return { code: 'bad-magic', message: `does not start with the ${name} magic (${hex(magic)}): it is not a ${name} file` };
}

function zstdHeaderProblem(read: (offset: number, length: number) => Buffer, size: number): ArchiveProblem | null {
  let offset = 0;
  // Skippable frames may come first; the zstd decoder passes over them (at most a few here).
  for (let skipped = 0; ; skipped++) {
    const magic = read(offset, 8);
    if (magic.length < 4) return { code: 'truncated', message: `is only ${size} bytes long, shorter than a zstd frame header` };
    const value = magic.readUInt32LE(0);
    if (value === ZSTD_MAGIC) break;
    if ((value & ZSTD_SKIPPABLE_MASK) >>> 0 !== ZSTD_SKIPPABLE || skipped >= 8) {
      return offset === 0
        ? { code: 'bad-magic', message: `does not start with the zstd frame magic (28 b5 2f fd): it is not a zstd file` }
        : { code: 'bad-frame', message: `has no zstd frame after its skippable frames (byte ${offset})` };
    }
    if (magic.length < 8) return { code: 'truncated', message: 'ends inside a zstd skippable frame header' };
    offset += 8 + magic.readUInt32LE(4);
  }
  const header = read(offset, 4 + 14 + 3);
  const descriptor = header[4];
  if (descriptor === undefined) return { code: 'truncated', message: 'ends right after the zstd frame magic' };
  if (descriptor & 0x08) return { code: 'bad-frame', message: 'has a zstd frame header with its reserved bit set' };
  const singleSegment = (descriptor & 0x20) !== 0;
  const contentSizeFlag = descriptor >> 6;
  const dictionaryFlag = descriptor & 0x03;
  const dictionaryBytes = [0, 1, 2, 4][dictionaryFlag] ?? 0;
  const contentSizeBytes = contentSizeFlag === 0 ? (singleSegment ? 1 : 0) : ([0, 2, 4, 8][contentSizeFlag] ?? 0);
  const headerSize = 5 + (singleSegment ? 0 : 1) + dictionaryBytes + contentSizeBytes;
  if (header.length < headerSize + 3) return { code: 'truncated', message: `is ${size} bytes long and ends inside its first zstd frame header` };
  let at = 5;
  if (!singleSegment) {
    const windowLog = 10 + (header[at++]! >> 3);
    if (windowLog > ZSTD_MAX_WINDOW_LOG) return { code: 'bad-frame', message: `has a zstd frame with a window of 2^${windowLog} bytes, larger than any decoder accepts` };
  }
  if (dictionaryBytes > 0) {
    const id = header.readUIntLE(at, dictionaryBytes);
    // Agave never writes with a dictionary, and cannot load a frame that needs one.
    if (id !== 0) return { code: 'bad-frame', message: `has a zstd frame that needs dictionary ${id}, which Agave does not have` };
  }
  const block = header.readUIntLE(headerSize, 3);
  const blockType = (block >> 1) & 0x03;
  const blockSize = block >>> 3;
  if (blockType === 3) return { code: 'bad-frame', message: 'has a zstd block of the reserved type 3' };
  if (blockType !== 1 && blockSize > ZSTD_MAX_BLOCK) return { code: 'bad-frame', message: `has a zstd block of ${blockSize} bytes, over the 128 KiB limit` };
  const firstBlockEnd = offset + headerSize + 3 + (blockType === 1 ? 1 : blockSize);
  if (firstBlockEnd > size) return { code: 'truncated', message: `is ${size} bytes long and ends inside its first zstd block` };
  return null;
}

function lz4HeaderProblem(head: Buffer, size: number): ArchiveProblem | null {
  if (head.length < 4) return { code: 'truncated', message: `is only ${size} bytes long, shorter than an lz4 frame header` };
  const magic = head.readUInt32LE(0);
  if (magic === LZ4_LEGACY_MAGIC) return { code: 'bad-magic', message: 'is in the legacy lz4 format; Agave reads the lz4 frame format only' };
  if (magic !== LZ4_MAGIC) return { code: 'bad-magic', message: 'does not start with the lz4 frame magic (04 22 4d 18): it is not an lz4 file' };
  const flags = head[4];
  const blockDescriptor = head[5];
  if (flags === undefined || blockDescriptor === undefined) return { code: 'truncated', message: 'ends inside its lz4 frame header' };
  if (flags >> 6 !== 1) return { code: 'bad-frame', message: `has an lz4 frame of version ${flags >> 6} (only version 1 exists)` };
  if (flags & 0x02 || blockDescriptor & 0x8f) return { code: 'bad-frame', message: 'has an lz4 frame header with reserved bits set' };
  const blockMax = LZ4_BLOCK_MAX[(blockDescriptor >> 4) & 0x07] ?? 0;
  if (blockMax === 0) return { code: 'bad-frame', message: 'has an lz4 frame header with an invalid block size' };
  const descriptorEnd = 6 + (flags & 0x08 ? 8 : 0) + (flags & 0x01 ? 4 : 0);
  if (head.length < descriptorEnd + 1 + 4) return { code: 'truncated', message: `is ${size} bytes long and ends inside its first lz4 frame header` };
  // The header checksum: the second byte of xxh32 over the descriptor (FLG to before HC).
  if (((xxh32(0, head, 4, descriptorEnd - 4) >>> 8) & 0xff) !== head[descriptorEnd]) {
    return { code: 'bad-frame', message: 'has an lz4 frame header whose checksum does not match' };
  }
  const blockSize = head.readUInt32LE(descriptorEnd + 1) & 0x7fffffff;
  if (blockSize > blockMax) return { code: 'bad-frame', message: `has an lz4 block of ${blockSize} bytes, over the frame's ${blockMax}-byte limit` };
  return null;
}

// Loaded on the first lz4 archive only: plan's start-up pays for nothing it does not use.
type Xxh32 = typeof xxh32Type;
let xxh32Cache: Xxh32 | undefined;
function xxh32(seed: number, src: Uint8Array, index: number, len: number): number {
  xxh32Cache ??= (createRequire(import.meta.url)('lz4js/xxh32.js') as { hash: Xxh32 }).hash;
  return xxh32Cache(seed, src, index, len);
}

function hex(bytes: readonly number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** The external decoder of each format that has no decoder inside Node, and its package. */
const DECODERS: Partial<Record<ArchiveFormat, { readonly command: string; readonly args: readonly string[]; readonly install: string }>> = {
  'tar.zst': { command: 'zstd', args: ['-d', '-c', '-q'], install: 'apt-get install zstd' },
  'tar.lz4': { command: 'lz4', args: ['-d', '-c', '-q'], install: 'apt-get install lz4' },
  'tar.bz2': { command: 'bzip2', args: ['-d', '-c'], install: 'apt-get install bzip2' },
};

export interface VerifyOptions {
  readonly signal?: AbortSignal | undefined;
  /** Compressed bytes read so far, called as the file is read. */
  readonly onProgress?: ((bytesRead: number) => void) | undefined;
  /** The environment the decoder runs in (its PATH finds zstd, lz4 or bzip2). */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/**
 * Whole file: stream-decodes the compression to its end (nothing is extracted or written) and
 * walks the tar stream to its end-of-archive block. zstd, lz4 and bzip2 go through their own
 * command-line decoders (the fastest there are, and the same library versions Agave links);
 * gzip through Node's zlib. Read-only.
 */
export async function verifyArchive(file: string, format: ArchiveFormat, options: VerifyOptions = {}): Promise<ArchiveProblem | null> {
  const header = checkArchiveHeader(file, format);
  if (header) return header;
  if (options.signal?.aborted) throw new OperationCancelledError(`Verifying ${file} was interrupted.`);
  // 1 MiB reads: with the default 64 KiB, feeding the decoder cost more than decoding (×3).
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  let bytesRead = 0;
  input.on('data', (chunk) => {
    bytesRead += chunk.length;
    options.onProgress?.(bytesRead);
  });
  let readError: unknown = null;
  input.on('error', (error) => (readError = error));
  const decoder = DECODERS[format];
  const walker = new TarWalker();
  const onAbort = () => input.destroy();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let problem: ArchiveProblem | null;
    if (decoder) problem = await decodeWithCommand(input, walker, decoder, options);
    else if (format === 'tar.gz') problem = await walkStream(input.pipe((await import('node:zlib')).createGunzip()), walker, 'gzip');
    else problem = await walkStream(input, walker, null);
    options.signal?.throwIfAborted();
    if (readError !== null) return openProblem(readError);
    return problem;
  } catch (error) {
    if (options.signal?.aborted) throw new OperationCancelledError(`Verifying ${file} was interrupted.`, { cause: error });
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    input.destroy();
  }
}

/** Feeds the tar walker from a stream; a decoder error (gzip) is the archive's problem. */
async function walkStream(stream: Readable, walker: TarWalker, decoderName: string | null): Promise<ArchiveProblem | null> {
  let problem: ArchiveProblem | null = null;
  try {
    for await (const chunk of stream) {
      if (problem === null) problem = walker.push(chunk as Buffer);
    }
  } catch (error) {
    if (decoderName === null) throw error;
    const text = error instanceof Error ? error.message : String(error);
    return /unexpected end/i.test(text)
      ? { code: 'truncated', message: `ends before its ${decoderName} stream does (${text})` }
      : { code: 'corrupt', message: `has a damaged ${decoderName} stream (${text})` };
  }
  return problem ?? walker.end();
}

/**
 * Runs `<decoder> -d -c` with the file on its stdin and the tar walker on its stdout. When the
 * walker finds a problem, the rest of the output is still drained so that the decoder's own
 * verdict (a checksum or a truncated frame) wins: it names the cause, the tar only the effect.
 */
async function decodeWithCommand(
  input: Readable,
  walker: TarWalker,
  decoder: NonNullable<(typeof DECODERS)[ArchiveFormat]>,
  options: VerifyOptions,
): Promise<ArchiveProblem | null> {
  // Loaded here, not at start-up: only --verify-archives runs a decoder.
  const { spawn } = await import('node:child_process');
  const child = spawn(decoder.command, [...decoder.args], { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  try {
    await spawned;
  } catch (error) {
    const missing = (error as { code?: string }).code === 'ENOENT';
    throw new ExternalError(
      missing ? `--verify-archives needs ${decoder.command} to decode ${decoder.command} archives, and it is not on PATH.` : `${decoder.command} could not be started: ${(error as Error).message}.`,
      { command: decoder.command, args: decoder.args },
      { hint: missing ? `Install it (${decoder.install}), or run without --verify-archives.` : 'Check that it runs, or run without --verify-archives.', cause: error },
    );
  }
  const onAbort = () => child.kill('SIGTERM');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
  // The decoder may stop reading early (a damaged frame): its closed stdin is expected then.
  child.stdin.on('error', () => {});
  input.pipe(child.stdin);
  try {
    let problem: ArchiveProblem | null = null;
    for await (const chunk of child.stdout) {
      if (problem === null) problem = walker.push(chunk as Buffer);
    }
    const { code, signal } = await exited;
    options.signal?.throwIfAborted();
    if (code !== 0) {
      const said = stderr.trim().split('\n').pop()?.replace(/^.*?: /, '') ?? '';
      const why = said || (signal ? `${decoder.command} ended by ${signal}` : `${decoder.command} exit ${code}`);
      return /premature end|truncated|unexpected end|unfinished|incomplete/i.test(stderr)
        ? { code: 'truncated', message: `ends before its ${decoder.command} stream does (${why})` }
        : { code: 'corrupt', message: `has a damaged ${decoder.command} stream (${why})` };
    }
    return problem ?? walker.end();
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
