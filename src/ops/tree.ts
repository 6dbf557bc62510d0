import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { kindOf, wrapFsError } from './fs-util.js';
import type { EntryKind } from './journal.js';

export interface TreeEntry {
  /** Path below the top of the tree; '' for the top itself. */
  readonly rel: string;
  readonly kind: EntryKind;
  readonly stats: Stats;
}

/**
 * Lists a file, symlink or directory tree, parents before children, names sorted. Uses lstat
 * only: a symlink is an entry, never a way out of the tree. Anything that is not a file, folder
 * or symlink (socket, fifo, device) is refused: it cannot be copied faithfully.
 */
export async function walkTree(top: string): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  const visit = async (rel: string): Promise<void> => {
    const full = rel === '' ? top : path.join(top, rel);
    let stats: Stats;
    try {
      stats = await lstat(full);
    } catch (error) {
      throw wrapFsError(error, 'inspect', full);
    }
    const kind = kindOf(stats);
    if (kind === null) {
      throw new UserError(`${full} is not a regular file, folder or symlink; snapplan does not move it.`, {
        hint: 'Move it out of the way by hand, then run again.',
      });
    }
    const topDev = entries[0]?.stats.dev ?? stats.dev;
    if (stats.dev !== topDev) {
      // A mount point inside the tree: moving it would move (or copy and delete) another filesystem.
      throw new UserError(`${full} is a mount point inside ${top}; snapplan does not move across it.`, {
        hint: 'Unmount it or move that folder by hand.',
      });
    }
    entries.push({ rel, kind, stats });
    if (kind !== 'directory') return;
    let names: string[];
    try {
      names = await readdir(full);
    } catch (error) {
      throw wrapFsError(error, 'list', full);
    }
    names.sort();
    for (const name of names) await visit(rel === '' ? name : path.join(rel, name));
  };
  await visit('');
  return entries;
}

/** Bytes of regular files in a listing. */
export function treeSize(entries: readonly TreeEntry[]): number {
  return entries.reduce((sum, e) => sum + (e.kind === 'file' ? e.stats.size : 0), 0);
}

/**
 * One sha256 for a whole tree: over each entry's kind, path, size and content hash (or link
 * target), in listing order. Two trees with the same digest have the same names and bytes.
 */
export function manifestDigest(lines: readonly { rel: string; kind: EntryKind; size: number; digest: string }[]): string {
  const hash = createHash('sha256');
  for (const line of lines) hash.update(`${line.kind}\0${line.rel}\0${line.size}\0${line.digest}\n`);
  return hash.digest('hex');
}

/** True when the entry still looks as listed (same inode, kind, size, mtime). */
export function sameEntry(a: Stats, b: Stats): boolean {
  return a.ino === b.ino && a.dev === b.dev && kindOf(a) === kindOf(b) && a.mtimeMs === b.mtimeMs &&
    (a.isDirectory() || a.size === b.size);
}
