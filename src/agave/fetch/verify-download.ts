import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { OperationCancelledError } from '../../core/errors.js';
import { parseArchiveName, type ArchiveFormat, type ParsedArchiveName } from '../archive-name.js';
import { TarStreamCheck } from './tar-stream-check.js';

export interface ExpectedArchive {
  readonly name: string;
  readonly archive: ParsedArchiveName;
  /** The size the server announced, when it did. */
  readonly size: number | null;
}

/**
 * The checks a downloaded `.partial` must pass before it is renamed into place: the size the
 * server announced, a name Agave accepts with the expected kind and slots, and the whole
 * compressed stream decoded to its end (nothing is extracted) with a well-formed tar stream
 * inside. Returns null when all pass, else one sentence.
 */
export async function verifyDownload(
  file: string,
  expected: ExpectedArchive,
  options: { signal?: AbortSignal | undefined; onProgress?: ((bytesRead: number) => void) | undefined } = {},
): Promise<string | null> {
  const { size } = await stat(file);
  if (expected.size !== null && size !== expected.size) return `it has ${size} bytes, the server announced ${expected.size}`;
  if (size === 0) return 'it is empty';
  const verdict = parseArchiveName(expected.name);
  if (!verdict.ok) return `its name ${expected.name} is not one Agave accepts`;
  const a = verdict.archive;
  if (a.kind !== expected.archive.kind || a.slot !== expected.archive.slot || a.baseSlot !== expected.archive.baseSlot || a.hash !== expected.archive.hash) {
    return `its name ${expected.name} does not carry the expected slot ${expected.archive.slot}`;
  }
  return checkArchiveStream(file, a.format, options);
}

const DECODERS: Record<ArchiveFormat, readonly [string, readonly string[]] | null> = {
  'tar.zst': ['zstd', ['-d', '-c', '-q', '--no-progress']],
  'tar.lz4': ['lz4', ['-d', '-c', '-q']],
  'tar.gz': ['gzip', ['-d', '-c']],
  'tar.bz2': ['bzip2', ['-d', '-c']],
  tar: null,
};

/**
 * Decodes the whole file with the format's own tool (zstd, lz4, gzip, bzip2: each checks its
 * frames and, where the format has one, the checksum) and walks the tar stream it produces.
 */
export async function checkArchiveStream(
  file: string,
  format: ArchiveFormat,
  options: { signal?: AbortSignal | undefined; onProgress?: ((bytesRead: number) => void) | undefined } = {},
): Promise<string | null> {
  const tar = new TarStreamCheck();
  const decoder = DECODERS[format];
  let output: Readable;
  let exit: Promise<string | null> = Promise.resolve(null);
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  let read = 0;
  input.on('data', (chunk) => {
    read += chunk.length;
    options.onProgress?.(read);
  });
  if (decoder === null) {
    output = input;
  } else {
    const [command, args] = decoder;
    const child = spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => void (stderr = (stderr + text).slice(-2000)));
    input.pipe(child.stdin);
    // A decoder that stops reading (bad data) closes its stdin: not an error of ours.
    child.stdin.on('error', () => undefined);
    output = child.stdout;
    exit = new Promise((resolve) => {
      child.on('error', (error) => resolve(`${command} could not be run (${error.message})`));
      child.on('close', (code, signal) => {
        const why = stderr.trim().split('\n').at(-1)?.replace(/^.*?: /, '') ?? '';
        resolve(code === 0 ? null : `${command} cannot decode it${why ? `: ${why}` : ''}${signal ? ` (${signal})` : ''}`);
      });
    });
    options.signal?.addEventListener('abort', () => child.kill('SIGTERM'), { once: true });
  }
  let bad = false;
  for await (const chunk of output) {
    if (options.signal?.aborted) break;
    if (!bad && !tar.push(chunk as Buffer)) bad = true;
  }
  const decoded = await exit;
  if (options.signal?.aborted) throw new OperationCancelledError('The archive check was interrupted.', { hint: 'Run the same snapplan fetch again.' });
  input.destroy();
  return decoded ?? tar.result();
}
