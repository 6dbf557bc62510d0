import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInterface } from 'node:readline';
import { ExternalError, UserError } from '../core/errors.js';
import { fsyncDirectory, wrapFsError } from './fs-util.js';
import { listMembers, type ListedTotals } from './archive-list.js';

/**
 * Streaming archive: `tar` reads an explicit file list and writes to `zstd -T0` through a
 * kernel pipe (no copy through Node); Node reads only the compressed stream, hashing it with
 * sha256 while it is written to `<name>.partial`, then renames it. Beside it go
 * `<name>.sha256` (sha256sum format) and `<name>.manifest.json`. Memory stays flat: the file
 * list is streamed to temp files, never held whole.
 */

export interface ArchiveGroup {
  /** tar's `-C`: member paths are relative to it. */
  readonly root: string;
  /** Relative paths under root; folders are walked. */
  readonly members: readonly string[];
  /** The data folder's name when root is its parent: exclude patterns are relative to the data folder. */
  readonly matchPrefix?: string | undefined;
}

export interface ArchiveRequest {
  readonly groups: readonly ArchiveGroup[];
  readonly outDir: string;
  /** File name, ending in .tar.zst. */
  readonly name: string;
  readonly exclude: readonly string[];
  readonly zstdLevel: number;
  /** Anything else the manifest should say (chain, set, node version, height, host, time). */
  readonly manifest: Readonly<Record<string, unknown>>;
  /** Free space wanted in outDir, as a fraction of the uncompressed size. */
  readonly spaceFactor: number;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((written: number) => void) | undefined;
}

export interface ArchiveResult {
  readonly path: string;
  readonly sha256Path: string;
  readonly manifestPath: string;
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
  readonly files: number;
  readonly bytes: number;
}

export const MANIFEST_SUFFIX = '.manifest.json';
export const SHA256_SUFFIX = '.sha256';

export async function createArchive(request: ArchiveRequest): Promise<ArchiveResult> {
  const finalPath = path.join(request.outDir, request.name);
  const partial = `${finalPath}.partial`;
  const temps: string[] = [];
  try {
    // 1. The list, streamed to files: tar's NUL-separated list per group, the manifest's entries.
    const filesJsonl = `${finalPath}.files.partial`;
    temps.push(filesJsonl);
    const lists: string[] = [];
    let totals: ListedTotals = { files: 0, bytes: 0, entries: 0 };
    for (const [index, group] of request.groups.entries()) {
      const list = `${finalPath}.list-${index}.partial`;
      temps.push(list);
      lists.push(list);
      totals = await listMembers(group, request.exclude, list, filesJsonl, totals, index > 0);
    }
    if (totals.entries === 0) throw new UserError('Nothing to archive: every path is missing or excluded.');

    // 2. Free space for the compressed result.
    const fs = await statfs(request.outDir);
    const free = fs.bavail * fs.bsize;
    const wanted = Math.ceil(totals.bytes * request.spaceFactor);
    if (free < wanted) {
      throw new UserError(`${request.outDir} has ${gib(free)} free; the archive of ${gib(totals.bytes)} needs about ${gib(wanted)}.`, {
        hint: 'Free some space, write elsewhere (--work-dir for s3:// destinations), or lower the estimate with --space-factor.',
      });
    }

    // 3. tar | zstd → hash → file.
    const tarArgs = ['--create', '--file=-', '--null', '--no-recursion', '--format=posix', '--pax-option=delete=atime,delete=ctime'];
    for (const [index, group] of request.groups.entries()) tarArgs.push('-C', group.root, '-T', lists[index] as string);
    const tar = spawn('tar', tarArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    const zstdArgs = ['-T0', `-${request.zstdLevel}`, '-q', '-c'];
    // tar's stdout is handed to zstd as its stdin: the two talk through a kernel pipe.
    const zstd = spawn('zstd', zstdArgs, { stdio: [tar.stdout, 'pipe', 'pipe'] });
    // zstd has its own copy of the pipe now; ours would keep tar's 'close' from ever firing.
    tar.stdout.destroy();
    const tarDone = finished(tar, 'tar', tarArgs);
    const zstdDone = finished(zstd, 'zstd', zstdArgs);
    const abort = () => {
      tar.kill('SIGTERM');
      zstd.kill('SIGTERM');
    };
    request.signal?.addEventListener('abort', abort, { once: true });
    const hash = createHash('sha256');
    let written = 0;
    let lastReport = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        written += chunk.length;
        if (request.onProgress && written - lastReport >= 64 * 1024 * 1024) {
          lastReport = written;
          request.onProgress(written);
        }
        done(null, chunk);
      },
    });
    temps.push(partial);
    try {
      await Promise.all([
        pipeline(zstd.stdout as NodeJS.ReadableStream, tap, createWriteStream(partial, { highWaterMark: 1024 * 1024 })).catch((error: unknown) => {
          abort();
          throw wrapFsError(error, 'write', partial);
        }),
        tarDone,
        zstdDone,
      ]);
    } finally {
      request.signal?.removeEventListener('abort', abort);
    }
    if (request.signal?.aborted) throw new ExternalError('Archive cancelled.', { command: 'tar', args: tarArgs });
    const sha256 = hash.digest('hex');
    await fsyncFile(partial);
    await rename(partial, finalPath);
    temps.splice(temps.indexOf(partial), 1);

    // 4. Checksum and manifest beside it.
    const sha256Path = `${finalPath}${SHA256_SUFFIX}`;
    await writeFile(sha256Path, `${sha256}  ${request.name}\n`);
    const manifestPath = `${finalPath}${MANIFEST_SUFFIX}`;
    await writeManifest(manifestPath, { schemaVersion: 1, ...request.manifest, archive: { name: request.name, size: written, sha256, files: totals.files, bytes: totals.bytes, compression: 'zstd', format: 'tar (posix)' } }, filesJsonl);
    await fsyncDirectory(request.outDir);
    return { path: finalPath, sha256Path, manifestPath, name: request.name, size: written, sha256, files: totals.files, bytes: totals.bytes };
  } finally {
    for (const temp of temps) await rm(temp, { force: true });
  }
}

/** The manifest is a JSON document whose `files` array is copied line by line from the temp list. */
async function writeManifest(file: string, head: Record<string, unknown>, filesJsonl: string): Promise<void> {
  const out = createWriteStream(file);
  const headText = JSON.stringify(head, null, 2);
  out.write(headText.slice(0, -2) + ',\n  "files": [');
  let first = true;
  for await (const line of createInterface({ input: createReadStream(filesJsonl), crlfDelay: Infinity })) {
    if (line === '') continue;
    out.write(`${first ? '\n    ' : ',\n    '}${line}`);
    first = false;
  }
  out.write('\n  ]\n}\n');
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  await fsyncFile(file);
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Resolves when the child exits 0; rejects with its last stderr lines otherwise. */
function finished(child: ChildProcess, command: string, args: readonly string[]): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    child.once('error', (error) => reject(new ExternalError(`${command} could not be started: ${error.message}`, { command, args }, { cause: error })));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      // GNU tar exits 1 when a file changed while it was read: the copy is not consistent.
      else reject(new ExternalError(`${command} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}.`, { command, args, exitCode: code ?? undefined, outputTail: stderr.trim().split('\n').slice(-5).join('\n') }));
    });
  });
}

export function gib(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
