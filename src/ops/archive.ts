import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { open, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { ExternalError, FileOperationError, UserError } from '../core/errors.js';
import { isErrno } from '../core/fs-errors.js';
import { fsyncDirectory, wrapFsError } from './fs-util.js';
import { BufferedFile, LinkCollector, listMembers, manifestLine, Tally, throwIfCancelled, walkMembers, WALK_SLICE, type ListedTotals } from './archive-list.js';
import { freeBytes, usedBytesBound } from './archive-space.js';
import { compileExcludes, type ExcludeMatcher } from './exclude-patterns.js';
import { formatBytes } from '../core/format.js';

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
  /** List every file before tar starts, even when the destination's room is not in doubt (tests). */
  readonly listFirst?: boolean | undefined;
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
  /** True when tar started before the walk ended (the destination had room beyond doubt). */
  readonly streamedList: boolean;
  /** --exclude patterns that left nothing out (a typo, or a path written from the wrong folder). */
  readonly unmatchedExcludes: readonly string[];
}

export const MANIFEST_SUFFIX = '.manifest.json';
export const SHA256_SUFFIX = '.sha256';

export async function createArchive(request: ArchiveRequest): Promise<ArchiveResult> {
  const finalPath = path.join(request.outDir, request.name);
  const partial = `${finalPath}.partial`;
  const temps: string[] = [];
  const exclude = request.exclude.length === 0 ? null : compileExcludes(request.exclude);
  try {
    // 1. Room for the result. The exact need is known only once every file is listed, which
    // takes a while on a big folder; if the destination has room even for everything on the
    // source's file systems, the archive starts at once and tar is fed the list as it is
    // walked (checked exactly when the walk ends). Otherwise the list comes first.
    const free = await freeBytes(request.outDir);
    const [only] = request.groups;
    const bound = request.groups.length === 1 && only && !request.listFirst ? await usedBytesBound(only.members.map((m) => path.join(only.root, m))) : null;
    const streamed = only !== undefined && bound !== null && free >= Math.ceil(bound * request.spaceFactor) ? only : undefined;

    // 2. The list, streamed to files: tar's NUL-separated list per group, the manifest's entries.
    const filesJsonl = `${finalPath}.files.partial`;
    temps.push(filesJsonl);
    const lists: string[] = [];
    for (const index of request.groups.keys()) lists.push(`${finalPath}.list-${index}.partial`);
    temps.push(...lists);
    let totals: ListedTotals = { files: 0, bytes: 0, entries: 0 };
    if (!streamed) {
      for (const [index, group] of request.groups.entries()) totals = await listMembers(group, exclude, lists[index] as string, filesJsonl, totals, index > 0, request.signal);
      checkListed(totals, free, request);
    }

    // 3. tar | zstd → file; Node follows the file as it grows, hashing what is on disk.
    // 64 KiB records (the pipe's size) instead of tar's 10 KiB: a sixth of the read and write
    // calls for tar and zstd; readers ignore the extra zero padding at the end.
    const tarArgs = ['--create', '--file=-', '--blocking-factor=128', '--null', '--no-recursion', '--format=posix', '--pax-option=delete=atime,delete=ctime'];
    if (streamed) tarArgs.push('-C', streamed.root, '-T', '-');
    else for (const [index, group] of request.groups.entries()) tarArgs.push('-C', group.root, '-T', lists[index] as string);
    const feed = streamed
      ? async (stdin: Writable) => {
        totals = await feedWhileListing(streamed, exclude, lists[0] as string, filesJsonl, stdin, (listed) => checkListed(listed, free, request), request.signal);
      }
      : undefined;
    const zstdArgs = ['-T0', `-${request.zstdLevel}`, '-q', '-c'];
    const sha256Path = `${finalPath}${SHA256_SUFFIX}`;
    const manifestPath = `${finalPath}${MANIFEST_SUFFIX}`;
    const sha256Partial = `${sha256Path}.partial`;
    const manifestPartial = `${manifestPath}.partial`;
    temps.push(partial, sha256Partial, manifestPartial);
    // A Ctrl-C that came during the listing: tar is not even started.
    throwIfCancelled(request.signal);
    const out = await openPartial(partial);
    let followed: Followed;
    try {
      followed = await compressInto(out, partial, tarArgs, zstdArgs, request, feed);
      const { size, sha256 } = followed;
      // 4. The archive's fsync (the bytes hashed are the bytes synced) and the files beside it,
      // written at the same time under temporary names; the names appear archive first.
      await settleAll([
        out.sync(),
        writeFile(sha256Partial, `${sha256}  ${request.name}\n`),
        writeManifest(manifestPartial, { schemaVersion: 1, ...request.manifest, archive: { name: request.name, size, sha256, files: totals.files, bytes: totals.bytes, compression: 'zstd', format: 'tar (posix)' } }, filesJsonl),
      ]);
    } finally {
      await out.close();
    }
    const { size: written, sha256 } = followed;
    await rename(partial, finalPath);
    await rename(sha256Partial, sha256Path);
    await rename(manifestPartial, manifestPath);
    temps.splice(temps.indexOf(partial), 3);
    await fsyncDirectory(request.outDir);
    return { path: finalPath, sha256Path, manifestPath, name: request.name, size: written, sha256, files: totals.files, bytes: totals.bytes, streamedList: streamed !== undefined, unmatchedExcludes: exclude?.unmatched() ?? [] };
  } finally {
    for (const temp of temps) await rm(temp, { force: true });
  }
}

/** Refuses an empty archive, and one the destination has no room for. */
function checkListed(totals: ListedTotals, free: number, request: ArchiveRequest): void {
  if (totals.entries === 0) throw new UserError('Nothing to archive: every path is missing or excluded.');
  const wanted = Math.ceil(totals.bytes * request.spaceFactor);
  if (free < wanted) {
    throw new UserError(`${request.outDir} has ${formatBytes(free)} free; the archive of ${formatBytes(totals.bytes)} needs about ${formatBytes(wanted)}.`, {
      hint: 'Free some space, write elsewhere (--work-dir for s3:// destinations), or lower the estimate with --space-factor.',
    });
  }
}

const FEED_CHUNK = 64 * 1024;

/**
 * Walks a group and feeds tar's stdin (`-T -`) at the same time. The walk runs ahead at full
 * speed into the list file (so its end, and the exact size check, come early); a pump sends
 * that file to tar as fast as tar takes names. Memory holds one chunk, whatever the count.
 */
async function feedWhileListing(group: ArchiveGroup, exclude: ExcludeMatcher | null, listFile: string, jsonlFile: string, stdin: Writable, check: (totals: ListedTotals) => void, signal: AbortSignal | undefined): Promise<ListedTotals> {
  const list = openSync(listFile, 'w+');
  let pumpError: { error: unknown } | undefined;
  const jsonl = new BufferedFile(jsonlFile, 'w');
  let written = 0;
  let walked = false;
  let failed = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };

  const pump = async (): Promise<void> => {
    let sent = 0;
    for (;;) {
      if (failed) return;
      if (sent < written) {
        // A fresh buffer per chunk: the stream holds on to it until tar has read it.
        const chunk = Buffer.allocUnsafe(Math.min(FEED_CHUNK, written - sent));
        const bytes = readSync(list, chunk, 0, chunk.length, sent);
        sent += bytes;
        if (!stdin.write(chunk.subarray(0, bytes))) await drained(stdin);
        continue;
      }
      if (walked) {
        await new Promise<void>((resolve, reject) => stdin.end((error?: Error | null) => (error ? reject(error) : resolve())));
        return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };

  const walk = async (): Promise<ListedTotals> => {
    const tally = new Tally();
    const links = new LinkCollector();
    let pending = '';
    const flush = () => {
      const data = Buffer.from(pending, 'utf8');
      let done = 0;
      while (done < data.length) done += writeSync(list, data, done, data.length - done, written + done);
      written += data.length;
      pending = '';
      notify();
    };
    for (const item of walkMembers(group, exclude, (member) => tally.missing.push(member))) {
      pending += `${item.rel}\0`;
      jsonl.write(manifestLine(item));
      tally.add(item);
      links.add(item);
      if (pending.length >= FEED_CHUNK) flush();
      if (tally.entries % WALK_SLICE === 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        // No point walking on once tar is gone or the archive is cancelled.
        if (pumpError) throw pumpError.error;
        throwIfCancelled(signal);
      }
    }
    flush();
    links.check(group.root);
    return tally.totals();
  };

  const pumping = pump();
  // If tar goes away while the walk is still running, the pump fails before anyone awaits it:
  // noted here (so it is not an unhandled rejection), it stops the walk and is reported.
  pumping.catch((error: unknown) => {
    pumpError ??= { error };
  });
  try {
    const totals = await walk();
    jsonl.close();
    check(totals);
    walked = true;
    notify();
    await pumping;
    return totals;
  } catch (error) {
    failed = true;
    notify();
    stdin.destroy();
    await pumping.catch(() => undefined);
    throw error;
  } finally {
    jsonl.close();
    closeSync(list);
  }
}

class TarInputClosed extends Error {
  constructor() {
    super('tar closed its input early');
  }
}

/** Resolves when `stream` wants more, rejects if it fails or closes first. */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      stream.off('drain', onDrain);
      stream.off('error', done);
      stream.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new TarInputClosed());
    stream.once('drain', onDrain);
    stream.once('error', done);
    stream.once('close', onClose);
  });
}

/** Waits for every promise, then throws the first failure (nothing is left writing behind it). */
async function settleAll(promises: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}

/**
 * The manifest is a JSON document whose `files` array is copied from the temp list of JSON
 * lines, 1 MiB at a time (memory stays flat however many files there are).
 */
async function writeManifest(file: string, head: Record<string, unknown>, filesJsonl: string): Promise<void> {
  const out = await open(file, 'w');
  try {
    const headText = JSON.stringify(head, null, 2);
    let text = headText.slice(0, -2) + ',\n  "files": [';
    let first = true;
    let carry = '';
    const decoder = new StringDecoder('utf8');
    const input = await open(filesJsonl, 'r');
    try {
      const buffer = Buffer.allocUnsafe(1024 * 1024);
      for (;;) {
        const { bytesRead } = await input.read(buffer, 0, buffer.length, null);
        const lines = (carry + (bytesRead > 0 ? decoder.write(buffer.subarray(0, bytesRead)) : decoder.end())).split('\n');
        carry = bytesRead > 0 ? (lines.pop() as string) : '';
        for (const line of lines) {
          if (line === '') continue;
          text += `${first ? '\n    ' : ',\n    '}${line}`;
          first = false;
        }
        if (bytesRead === 0) break;
        await out.write(text);
        text = '';
      }
    } finally {
      await input.close();
    }
    await out.write(text + '\n  ]\n}\n');
    await out.sync();
  } finally {
    await out.close();
  }
}

interface Followed {
  readonly size: number;
  readonly sha256: string;
}

async function openPartial(partial: string): Promise<FileHandle> {
  try {
    // Read-write: zstd writes through its copy of this descriptor, Node reads back with pread.
    return await open(partial, 'w+');
  } catch (error) {
    throw wrapFsError(error, 'write', partial);
  }
}

const FOLLOW_CHUNK = 4 * 1024 * 1024;
/** How often the bytes written are reported (a progress bar redraws; a log line comes every 64 MiB). */
const PROGRESS_EVERY = 4 * 1024 * 1024;
const FOLLOW_IDLE_MS = 4;
/** An fdatasync is started in the background each time this much more has been written. */
const SYNC_EVERY = 256 * 1024 * 1024;

/**
 * Runs `tar … | zstd … > partial`: tar's stdout is zstd's stdin (a kernel pipe) and zstd's
 * stdout is the partial file itself, so the compressed stream never passes through a pipe into
 * Node. Node follows the file as zstd extends it (positional reads from the page cache, 4 MiB at
 * a time), hashing exactly the bytes in the file, and starts an fdatasync in the background
 * every 256 MiB so that the final fsync only has the tail left to write.
 */
async function compressInto(out: FileHandle, partial: string, tarArgs: string[], zstdArgs: string[], request: ArchiveRequest, feed?: (stdin: Writable) => Promise<void>): Promise<Followed> {
  const tar = spawn('tar', tarArgs, { stdio: [feed ? 'pipe' : 'ignore', 'pipe', 'pipe'] }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
  // A write after tar died fails with EPIPE: the feed sees it; this keeps it from being thrown.
  tar.stdin?.on('error', () => undefined);
  // tar's stdout is handed to zstd as its stdin: the two talk through a kernel pipe.
  const zstd = spawn('zstd', zstdArgs, { stdio: [tar.stdout, out.fd, 'pipe'] });
  // zstd has its own copy of the pipe now; ours would keep tar's 'close' from ever firing.
  tar.stdout.destroy();
  const tarDone = finished(tar, 'tar', tarArgs);
  const zstdDone = finished(zstd, 'zstd', zstdArgs);
  let zstdFailure: { error: unknown } | undefined;
  zstdDone.catch((error: unknown) => {
    zstdFailure = { error };
  });
  let zstdSettled = false;
  let wake: (() => void) | undefined;
  const settle = () => {
    zstdSettled = true;
    wake?.();
  };
  zstdDone.then(settle, settle);
  let stop = false;
  const abort = () => {
    stop = true;
    tar.kill('SIGTERM');
    zstd.kill('SIGTERM');
  };
  // A listener added to a signal that is already aborted never fires: kill at once instead.
  if (request.signal?.aborted) abort();
  else request.signal?.addEventListener('abort', abort, { once: true });

  const follow = async (): Promise<Followed> => {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(FOLLOW_CHUNK);
    let position = 0;
    let lastReport = 0;
    let syncedTo = 0;
    let syncing: Promise<void> | undefined;
    let syncError: unknown;
    while (!stop) {
      // Read after checking: once zstd has exited, a short read really is the end.
      const ended = zstdSettled;
      const { bytesRead } = await out.read(buffer, 0, buffer.length, position);
      if (bytesRead > 0) {
        hash.update(buffer.subarray(0, bytesRead));
        position += bytesRead;
        if (request.onProgress && position - lastReport >= PROGRESS_EVERY) {
          lastReport = position;
          request.onProgress(position);
        }
        if (syncing === undefined && position - syncedTo >= SYNC_EVERY) {
          syncedTo = position;
          syncing = out.datasync().then(
            () => {
              syncing = undefined;
            },
            (error: unknown) => {
              syncError ??= error;
              syncing = undefined;
            },
          );
        }
        continue;
      }
      if (ended) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, FOLLOW_IDLE_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
    await syncing;
    if (syncError !== undefined) throw syncError;
    return { size: position, sha256: hash.digest('hex') };
  };

  // The first failure is the one reported; the others (zstd killed because tar failed) are
  // its consequences. Everything is awaited before returning so nothing still uses the file.
  let failure: { error: unknown } | undefined;
  const guard = <T>(promise: Promise<T>): Promise<T> =>
    promise.catch((error: unknown) => {
      failure ??= { error };
      abort();
      throw error;
    });
  try {
    const [followed] = await Promise.allSettled([
      guard(follow().catch((error: unknown) => Promise.reject(wrapFsError(error, 'write', partial)))),
      guard(tarDone),
      guard(zstdDone),
      ...(feed && tar.stdin
        ? [guard(feed(tar.stdin).catch(async (error: unknown) => {
          // A write to a tar that has gone away: tar's own exit says why, so wait for it and
          // let its error, if it has one, be the one reported.
          if (isErrno(error, 'EPIPE') || error instanceof TarInputClosed) await tarDone.catch(() => undefined);
          throw error;
        }))]
        : []),
    ]);
    // Cancelled: whatever failed after the abort (tar killed, a broken pipe) is its consequence.
    if (request.signal?.aborted) throw new ExternalError('Archive cancelled.', { command: 'tar', args: tarArgs });
    if (failure !== undefined) throw rootCause(failure.error, zstdFailure?.error, partial);
    if (followed.status !== 'fulfilled') throw new ExternalError('Archive cancelled.', { command: 'tar', args: tarArgs });
    return followed.value;
  } finally {
    request.signal?.removeEventListener('abort', abort);
  }
}

/**
 * What to report when the pipeline failed. tar killed by SIGPIPE only means zstd went away
 * first (a full disk, most often): zstd's own error is the cause, whichever exit Node saw first.
 * A write error zstd names (ENOSPC, EDQUOT, EIO) is said in words, with the file.
 */
function rootCause(first: unknown, zstd: unknown, partial: string): unknown {
  const tarSigpipe = first instanceof ExternalError && first.details.command === 'tar' && /SIGPIPE/.test(first.message);
  const cause = tarSigpipe && zstd !== undefined ? zstd : first;
  if (!(cause instanceof ExternalError) || cause.details.command !== 'zstd') return cause;
  const text = `${cause.message}\n${cause.details.outputTail ?? ''}`;
  const known = [
    { pattern: /No space left on device/i, code: 'ENOSPC', words: 'the file system is full' },
    { pattern: /Disk quota exceeded/i, code: 'EDQUOT', words: 'the disk quota is used up' },
    { pattern: /Input\/output error/i, code: 'EIO', words: 'the device reported an I/O error' },
  ].find((k) => k.pattern.test(text));
  if (known === undefined) return cause;
  return new FileOperationError(`Could not write ${partial}: ${known.words} (${known.code}).`, { operation: 'write', path: partial, code: known.code }, {
    hint: 'Free some space there, or write the archive elsewhere (--to, or --work-dir for s3:// destinations).',
    cause,
  });
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

