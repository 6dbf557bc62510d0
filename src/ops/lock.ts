import { constants as fsConstants } from 'node:fs';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { LockHeldError } from '../core/errors.js';
import { isErrno } from '../core/fs-errors.js';
import { fsyncDirectory, wrapFsError } from './fs-util.js';
import { currentProcess, liveness } from './process-identity.js';
import type { ProcessIdentity } from './process-identity.js';

/**
 * One snapplan at a time per ledger: a lock file (the CLI uses `<ledger>/.snapplan.lock`)
 * created with O_EXCL, holding who holds it. A lock whose process is gone (no /proc/<pid>, or
 * a pid now used by a process that started at another time, or another boot) is stale and is
 * taken over; a live one is a LockHeldError naming the holder.
 */

export interface LockInfo extends ProcessIdentity {
  readonly startedAt: string;
  readonly purpose?: string | undefined;
}

export interface HeldLock {
  readonly path: string;
  readonly info: LockInfo;
  /** Removes the lock if it is still ours. Safe to call twice. */
  release(): Promise<void>;
}

/** A lock file this young with no content yet is being written by its creator. */
const CREATION_GRACE_MS = 5_000;

/** Who holds the lock at `lockPath`: null when there is none. */
export async function readLock(lockPath: string): Promise<LockInfo | null | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw wrapFsError(error, 'read', lockPath);
  }
  return parseLock(text);
}

function parseLock(text: string): LockInfo | 'unreadable' {
  try {
    const value = JSON.parse(text) as Partial<LockInfo>;
    if (typeof value.pid === 'number' && typeof value.hostname === 'string' && typeof value.startedAt === 'string') {
      return {
        pid: value.pid,
        hostname: value.hostname,
        startTicks: typeof value.startTicks === 'string' ? value.startTicks : null,
        bootId: typeof value.bootId === 'string' ? value.bootId : null,
        startedAt: value.startedAt,
        purpose: value.purpose,
      };
    }
  } catch {
    // fall through
  }
  return 'unreadable';
}

function heldError(lockPath: string, holder: LockInfo): LockHeldError {
  const who = holder.purpose === undefined ? 'snapplan' : `snapplan ${holder.purpose}`;
  const ledger = path.dirname(lockPath);
  return new LockHeldError(
    `Another ${who} (pid ${holder.pid} on ${holder.hostname}, since ${holder.startedAt}) holds the ledger ${ledger}; nothing was changed.`,
    lockPath,
    { pid: holder.pid, hostname: holder.hostname, startedAt: holder.startedAt },
    { hint: `Wait for it to finish (snapplan status --ledger ${ledger} shows it). If that process is gone (another host cannot be checked), delete ${lockPath}.` },
  );
}

/** Moves a stale lock aside and deletes it, unless someone replaced it meanwhile. */
async function breakStale(lockPath: string, expected: string): Promise<void> {
  const aside = `${lockPath}.stale-${process.pid}`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return; // someone else broke it first
    throw wrapFsError(error, 'remove the stale lock', lockPath);
  }
  const content = await readFile(aside, 'utf8').catch(() => '');
  if (content !== expected) {
    // A fresh lock slipped in between our read and our rename: put it back (it cannot be lost:
    // if its place was taken again, that lock is live too and we fail on the next attempt).
    await rename(aside, lockPath).catch(() => undefined);
    return;
  }
  await unlink(aside);
}

export async function acquireLock(lockPath: string, options: { purpose?: string } = {}): Promise<HeldLock> {
  const info: LockInfo = { ...currentProcess(), startedAt: new Date().toISOString(), purpose: options.purpose };
  const text = JSON.stringify(info) + '\n';
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      const handle = await open(lockPath, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o644);
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fsyncDirectory(path.dirname(lockPath));
      let released = false;
      return {
        path: lockPath,
        info,
        release: async () => {
          if (released) return;
          released = true;
          const now = await readFile(lockPath, 'utf8').catch(() => null);
          if (now !== text) return; // not ours any more: leave it alone
          await unlink(lockPath).catch((error: unknown) => {
            if (!isErrno(error, 'ENOENT')) throw wrapFsError(error, 'remove the lock', lockPath);
          });
        },
      };
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw wrapFsError(error, 'create the lock', lockPath);
    }
    const raw = await readFile(lockPath, 'utf8').catch(() => null);
    if (raw === null) continue; // released meanwhile
    const holder = parseLock(raw);
    if (holder === 'unreadable') {
      // Empty or cut short: its creator is writing it now, or crashed between create and write.
      const age = Date.now() - (await stat(lockPath).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age < CREATION_GRACE_MS) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      await breakStale(lockPath, raw);
      continue;
    }
    if (liveness(holder) === 'dead') {
      await breakStale(lockPath, raw);
      continue;
    }
    throw heldError(lockPath, holder);
  }
  throw new LockHeldError(`Could not take the lock ${lockPath}: it keeps changing hands.`, lockPath, undefined);
}

/** Runs `fn` holding the lock, and releases it whether `fn` succeeds or fails. */
export async function withLock<T>(lockPath: string, options: { purpose?: string }, fn: (lock: HeldLock) => Promise<T>): Promise<T> {
  const lock = await acquireLock(lockPath, options);
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}
