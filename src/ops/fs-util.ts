import type { Stats } from 'node:fs';
import { lstat, mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { FileOperationError, SnapplanError } from '../core/errors.js';
import { isErrno } from '../core/fs-errors.js';
import type { EntryKind } from './journal.js';

/** lstat that answers null for "nothing there" instead of throwing. Never follows a symlink. */
export async function lstatOrNull(file: string): Promise<Stats | null> {
  try {
    return await lstat(file);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw wrapFsError(error, 'inspect', file);
  }
}

export function kindOf(stats: Stats): EntryKind | null {
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  return null;
}

/**
 * fsync of a directory makes the entries created, renamed or removed in it durable: without
 * it a rename can be lost in a power cut even though the file's bytes were synced.
 */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some filesystems refuse fsync on directories (EINVAL): nothing more can be done there.
    if (!isErrno(error, 'EINVAL')) throw error;
  } finally {
    await handle.close();
  }
}

/** mkdir -p, then fsyncs the parent of every folder it created, so the new folders survive a crash. */
export async function ensureDirectory(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  const created: string[] = [];
  for (let current = dir; ; current = path.dirname(current)) {
    created.push(current);
    if (current === first || path.dirname(current) === current) break;
  }
  for (const folder of created) await fsyncDirectory(path.dirname(folder));
}

/** Turns a Node error into the engine's error type, naming the operation and the path. */
export function wrapFsError(error: unknown, operation: string, file: string): SnapplanError {
  // Our own errors (a refusal, a cancellation, a failed verification) already say what happened.
  if (error instanceof SnapplanError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new FileOperationError(`Could not ${operation} ${file}: ${message}`, {
    operation,
    path: file,
    code: typeof code === 'string' ? code : undefined,
  }, { cause: error });
}

/** True when `inner` is `outer` or lies below it (both absolute and normalised). */
export function isInside(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
