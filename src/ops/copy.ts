import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { constants as fsConstants } from 'node:fs';
import { lchown, lutimes, mkdir, open, readlink, rmdir, symlink, unlink, chmod, chown, utimes } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { FileOperationError, OperationCancelledError } from '../core/errors.js';
import { isErrno } from '../core/fs-errors.js';
import { fsyncDirectory, lstatOrNull, wrapFsError } from './fs-util.js';
import { killPoint } from './kill-point.js';
import { ReadBack, ReadBackMismatch, SourceHash } from './read-back-verifier.js';
import { manifestDigest, sameEntry, walkTree } from './tree.js';
import type { TreeEntry } from './tree.js';

/**
 * Streaming copy with verification, for moves across filesystems. Memory is a few fixed chunks
 * per file whatever its size. The sha256 is computed while reading the source, and the
 * destination is read back: a large file range by range, compared byte for byte with the source
 * bytes just written (read-back-verifier.ts), a small one after the fsync, hashed again. A copy
 * counts only when the bytes on the other side are the source's, so their sha256 is the one
 * recorded.
 */
const CHUNK = 1 << 20;
/** From this size on, the hash and the read-back run on two other threads during the copy (see read-back-verifier.ts). */
const PARALLEL_READ_BACK = 4 * CHUNK;
const PIPELINE_DEPTH = 4;
/** Chunk size from PARALLEL_READ_BACK on: fewer event-loop turns and messages per byte. */
const BIG_CHUNK = 4 * CHUNK;
/** Buffers shared with the source-hash thread, reused from copy to copy so that memory stays flat. */
const spareMemory: SharedArrayBuffer[] = [];

export interface CopyOptions {
  readonly signal?: AbortSignal | undefined;
  /** Called with the number of bytes just copied or verified. */
  readonly onBytes?: ((bytes: number) => void) | undefined;
}

export interface CopyResult {
  /** sha256 of the file, of the link target for a symlink, of the manifest for a directory. */
  readonly sha256: string;
  readonly size: number;
  readonly entries: number;
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new OperationCancelledError('Cancelled.');
}

/** Root may give files back to their owner; anyone else keeps what the kernel allows. */
const canChown = typeof process.getuid === 'function' && process.getuid() === 0;

function changedError(file: string): FileOperationError {
  return new FileOperationError(`${file} changed while it was being copied; it was left in place.`, {
    operation: 'copy',
    path: file,
  }, { hint: 'Make sure nothing (the validator, another tool) writes to the ledger, then run again.' });
}

async function writeAll(handle: FileHandle, data: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

/** sha256 and size of a file, read with one read always ahead of the hashing. */
export async function hashFile(file: string, options: CopyOptions = {}): Promise<{ sha256: string; size: number }> {
  const handle = await open(file, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  try {
    const { size: expected } = await handle.stat();
    const length = Math.max(1, Math.min(CHUNK, expected + 1));
    const buffers = [Buffer.allocUnsafe(length), Buffer.allocUnsafe(length)] as const;
    const hash = createHash('sha256');
    let turn = 0;
    let position = 0;
    let next = handle.read(buffers[0], 0, length, 0);
    for (;;) {
      const { bytesRead } = await next;
      if (bytesRead === 0) break;
      const current = buffers[turn]!;
      position += bytesRead;
      turn ^= 1;
      next = handle.read(buffers[turn]!, 0, length, position);
      hash.update(current.subarray(0, bytesRead));
      options.onBytes?.(bytesRead);
      if (options.signal?.aborted) {
        await next.catch(() => undefined);
        checkAborted(options.signal);
      }
    }
    return { sha256: hash.digest('hex'), size: position };
  } finally {
    await handle.close();
  }
}

/**
 * Copies one regular file to `target` (which must not exist), keeping mode, owner (as root) and
 * times, fsyncs it, and verifies it by reading it back. `expected` is the source's lstat taken
 * when the move was planned: a source that changed since, or during the copy, is an error.
 */
export async function copyFileVerified(
  source: string,
  target: string,
  expected: Stats,
  options: CopyOptions = {},
): Promise<{ sha256: string; size: number }> {
  let input: FileHandle;
  try {
    input = await open(source, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  } catch (error) {
    throw wrapFsError(error, 'read', source);
  }
  let output: FileHandle | undefined;
  let pending: Promise<void> = Promise.resolve();
  let sha256: string;
  let position = 0;
  let readBack: ReadBack | undefined;
  let sourceHash: SourceHash | undefined;
  let readyAll: Promise<unknown>[] = [];
  let memory: SharedArrayBuffer | null = null;
  let reading: Promise<{ bytesRead: number }> = Promise.resolve({ bytesRead: 0 });
  try {
    const before = await input.stat();
    if (!sameEntry(before, expected)) throw changedError(source);
    try {
      output = await open(target, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW, 0o600);
    } catch (error) {
      throw wrapFsError(error, 'create', target);
    }
    // A pipeline over a few fixed buffers: the next read is in flight while this chunk is hashed
    // and earlier chunks are written (one write at a time, in order). A buffer is reused only
    // once its write and, for large files, its hashing and its read-back check have completed.
    const parallel = expected.size >= PARALLEL_READ_BACK;
    const chunk = parallel ? BIG_CHUNK : CHUNK;
    const length = Math.max(1, Math.min(chunk, expected.size + 1));
    const depth = expected.size > length ? PIPELINE_DEPTH : 1;
    const shared = parallel ? (spareMemory.pop() ?? new SharedArrayBuffer(PIPELINE_DEPTH * BIG_CHUNK)) : null;
    memory = shared;
    if (shared !== null) readBack = new ReadBack(target, shared);
    const buffers = Array.from({ length: depth }, (_, i) => (shared !== null ? Buffer.from(shared, i * length, length) : Buffer.allocUnsafe(length)));
    const ready: Promise<unknown>[] = buffers.map(() => Promise.resolve());
    readyAll = ready;
    const hash = shared === null ? createHash('sha256') : null;
    if (shared !== null) sourceHash = new SourceHash(shared);
    const hasher = sourceHash;
    const out = output;
    const follower = readBack;
    let turn = 0;
    reading = input.read(buffers[0]!, 0, length, 0);
    for (;;) {
      checkAborted(options.signal);
      const { bytesRead } = await reading;
      if (bytesRead === 0) break;
      const buffer = buffers[turn]!;
      const next = (turn + 1) % depth;
      if (depth > 1) {
        await ready[next];
        reading = input.read(buffers[next]!, 0, length, position + bytesRead);
      }
      const view = buffer.subarray(0, bytesRead);
      const offset = turn * length;
      const hashed = hasher?.update(offset, bytesRead);
      hash?.update(view);
      const start = position;
      const end = position + bytesRead;
      pending = pending.then(() => writeAll(out, view, start));
      const checked = follower !== undefined ? pending.then(() => follower.check(offset, start, bytesRead)) : undefined;
      const slot = hashed !== undefined && checked !== undefined ? Promise.all([pending, hashed, checked]) : pending;
      slot.catch(() => undefined);
      ready[turn] = slot;
      if (depth === 1) {
        await slot;
        reading = input.read(buffers[0]!, 0, length, end);
      }
      position = end;
      turn = next;
      options.onBytes?.(bytesRead);
      // One kill point per MiB copied, whatever the chunk size, as with 1 MiB chunks.
      for (let k = 0; k < bytesRead; k += CHUNK) killPoint('copy-chunk');
    }
    // The read that found the end may still be the one in flight; nothing else is.
    await Promise.all(ready);
    await pending;
    sha256 = hasher !== undefined ? await hasher.digest() : hash!.digest('hex');
    sourceHash = undefined;
    const after = await input.stat();
    if (!sameEntry(after, expected) || position !== expected.size) throw changedError(source);
    if (canChown) await output.chown(expected.uid, expected.gid);
    // chmod after chown: chown clears set-id bits.
    await output.chmod(expected.mode & 0o7777);
    await output.utimes(expected.atime, expected.mtime);
    await output.sync();
  } catch (error) {
    // Let in-flight reads and writes settle before their files are closed.
    await reading.catch(() => undefined);
    await pending.catch(() => undefined);
    sourceHash?.abort();
    await Promise.allSettled(readyAll);
    readBack?.abort();
    if (error instanceof ReadBackMismatch) throw readBackError(source, target, error.detail);
    throw wrapFsError(error, 'copy', source);
  } finally {
    await input.close();
    await output?.close();
    // Every read, write and hash of these buffers has settled: the next copy may use them.
    if (memory !== null && spareMemory.length < 2) spareMemory.push(memory);
  }
  // Large files: every byte was compared during the copy; what is left is the size after fsync.
  // Small files: read back after the fsync and hashed again.
  const check = readBack !== undefined ? { sha256, size: (await readBack.finish(position)).size } : await hashFile(target, { signal: options.signal });
  if (check.sha256 !== sha256 || check.size !== position) {
    throw readBackError(source, target, check.size !== position ? `${check.size} bytes, expected ${position}` : `sha256 ${check.sha256}, expected ${sha256}`);
  }
  return { sha256, size: position };
}

function readBackError(source: string, target: string, what: string): FileOperationError {
  return new FileOperationError(
    `The copy of ${source} at ${target} does not read back the same (${what}); the source was left in place.`,
    { operation: 'verify', path: target },
    { hint: 'The destination disk may be failing; check it before trying again.' },
  );
}

async function copySymlink(source: string, target: string, expected: Stats): Promise<string> {
  const link = await readlink(source);
  await symlink(link, target);
  if (canChown) await lchown(target, expected.uid, expected.gid);
  await lutimes(target, expected.atime, expected.mtime);
  if ((await readlink(target)) !== link) {
    throw new FileOperationError(`The copied symlink ${target} does not point where ${source} does.`, { operation: 'verify', path: target });
  }
  return link;
}

/**
 * Copies a file, symlink or directory tree to `target` (which must not exist), verified, and
 * returns its digest. The caller copies into a staging folder and renames into place, so a
 * crash leaves either nothing or a complete, verified tree at the destination.
 */
export async function copyTree(source: string, target: string, options: CopyOptions = {}): Promise<CopyResult & { listing: TreeEntry[] }> {
  const listing = await walkTree(source);
  const lines: DigestLine[] = [];
  let size = 0;
  for (const entry of listing) {
    checkAborted(options.signal);
    const from = entry.rel === '' ? source : path.join(source, entry.rel);
    const to = entry.rel === '' ? target : path.join(target, entry.rel);
    try {
      if (entry.kind === 'directory') {
        await mkdir(to, { mode: 0o700 });
        lines.push({ rel: entry.rel, kind: 'directory', size: 0, digest: '' });
      } else if (entry.kind === 'symlink') {
        const link = await copySymlink(from, to, entry.stats);
        lines.push({ rel: entry.rel, kind: 'symlink', size: 0, digest: link });
      } else {
        const result = await copyFileVerified(from, to, entry.stats, options);
        size += result.size;
        lines.push({ rel: entry.rel, kind: 'file', size: result.size, digest: result.sha256 });
      }
    } catch (error) {
      throw wrapFsError(error, 'copy', from);
    }
    killPoint('copy-entry');
  }
  // Folders last and deepest first: creating children changes a folder's mtime, and a 0o500
  // folder could not have been filled.
  for (const entry of [...listing].reverse()) {
    if (entry.kind !== 'directory') continue;
    const to = entry.rel === '' ? target : path.join(target, entry.rel);
    if (canChown) await chown(to, entry.stats.uid, entry.stats.gid);
    await chmod(to, entry.stats.mode & 0o7777);
    await utimes(to, entry.stats.atime, entry.stats.mtime);
    await fsyncDirectory(to);
  }
  // The source must still be exactly what was copied: a file added or changed meanwhile would
  // otherwise be deleted with the source, or missing from the copy.
  const again = await walkTree(source);
  if (again.length !== listing.length || again.some((e, i) => e.rel !== listing[i]?.rel || !sameEntry(e.stats, listing[i].stats))) {
    throw changedError(source);
  }
  const copied = await walkTree(target);
  if (copied.length !== listing.length || copied.some((e, i) => e.rel !== listing[i]?.rel || e.kind !== listing[i].kind)) {
    throw new FileOperationError(`The copy of ${source} at ${target} is not complete.`, { operation: 'verify', path: target });
  }
  return { sha256: treeDigest(lines), size, entries: listing.length, listing };
}

type DigestLine = { rel: string; kind: TreeEntry['kind']; size: number; digest: string };

/** A single file's own sha256; anything else (a folder, a symlink) the digest of its manifest. */
function treeDigest(lines: readonly DigestLine[]): string {
  const top = lines[0];
  return lines.length === 1 && top !== undefined && top.kind === 'file' ? top.digest : manifestDigest(lines);
}

/**
 * The digest `copyTree` records for what it copied, computed again from what is at `top` now:
 * undo checks a quarantined copy with it before it goes back (a bit flip or a tampered file in
 * the quarantine must not return to the ledger).
 */
export async function digestTree(top: string, options: CopyOptions = {}): Promise<{ sha256: string; size: number }> {
  const lines: DigestLine[] = [];
  let size = 0;
  for (const entry of await walkTree(top)) {
    checkAborted(options.signal);
    const full = entry.rel === '' ? top : path.join(top, entry.rel);
    if (entry.kind === 'directory') lines.push({ rel: entry.rel, kind: 'directory', size: 0, digest: '' });
    else if (entry.kind === 'symlink') lines.push({ rel: entry.rel, kind: 'symlink', size: 0, digest: await readlink(full) });
    else {
      const hashed = await hashFile(full, options);
      size += hashed.size;
      lines.push({ rel: entry.rel, kind: 'file', size: hashed.size, digest: hashed.sha256 });
    }
  }
  return { sha256: treeDigest(lines), size };
}

/**
 * Deletes a source that has been copied, deepest first, but only entries that are still exactly
 * as listed when they were copied: anything new or changed stays. Returns the paths left behind.
 */
export async function removeCopiedSource(source: string, listing: readonly TreeEntry[]): Promise<string[]> {
  const left: string[] = [];
  const parents = new Set<string>();
  for (const entry of [...listing].reverse()) {
    const full = entry.rel === '' ? source : path.join(source, entry.rel);
    parents.add(path.dirname(full));
    const now = await lstatOrNull(full);
    if (now === null) continue;
    try {
      if (entry.kind === 'directory') {
        if (!now.isDirectory()) {
          left.push(full);
          continue;
        }
        await rmdir(full);
      } else {
        if (!sameEntry(now, entry.stats)) {
          left.push(full);
          continue;
        }
        await unlink(full);
      }
      killPoint('delete-entry');
    } catch (error) {
      if (isErrno(error, 'ENOTEMPTY') || isErrno(error, 'EEXIST')) {
        left.push(full);
        continue;
      }
      throw wrapFsError(error, 'delete', full);
    }
  }
  for (const parent of parents) {
    if ((await lstatOrNull(parent)) !== null) await fsyncDirectory(parent);
  }
  return left;
}
