import { closeSync, existsSync, lstatSync, openSync, readdirSync, writeSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { wrapFsError } from './fs-util.js';
import type { ArchiveGroup } from './archive.js';

export interface ListedTotals {
  readonly files: number;
  readonly bytes: number;
  /** Every entry tar is given: files, folders, symlinks. */
  readonly entries: number;
  /** Members that were not there (a Loom node without app.db). */
  readonly missing?: readonly string[];
}

/**
 * Walks a group's members (parents before children, names sorted), applying the exclude
 * patterns, and streams the result to two files: tar's NUL-separated list and one JSON line
 * per entry for the manifest. Sockets are skipped (runtime state, tar cannot restore them);
 * fifos and devices are refused.
 */
export async function listMembers(group: ArchiveGroup, exclude: readonly string[], listFile: string, jsonlFile: string, totals: ListedTotals, appendJsonl: boolean): Promise<ListedTotals> {
  const matchers = exclude.map(compileExclude);
  // Patterns are written relative to the data folder, whatever tar's -C is.
  const prefix = group.matchPrefix === undefined ? '' : `${group.matchPrefix}/`;
  const excluded = (rel: string) => {
    const local = prefix !== '' && rel.startsWith(prefix) ? rel.slice(prefix.length) : rel;
    return local !== group.matchPrefix && matchers.some((m) => m(local));
  };
  // Synchronous calls on purpose: one promise per entry cost ten times the syscalls themselves
  // (the same finding as the Agave scanner); output is buffered and written in 1 MiB pieces.
  const list = new BufferedFile(listFile, 'w');
  const jsonl = new BufferedFile(jsonlFile, appendJsonl ? 'a' : 'w');
  let { files, bytes, entries } = totals;
  const missing = [...(totals.missing ?? [])];
  const visit = (rel: string): void => {
    const full = path.join(group.root, rel);
    let stats;
    try {
      stats = lstatSync(full);
    } catch (error) {
      throw wrapFsError(error, 'inspect', full);
    }
    if (stats.isSocket()) return;
    let kind: 'file' | 'directory' | 'symlink';
    if (stats.isFile()) kind = 'file';
    else if (stats.isDirectory()) kind = 'directory';
    else if (stats.isSymbolicLink()) kind = 'symlink';
    else throw new UserError(`${full} is a device or fifo; snapplan does not archive it.`, { hint: 'Exclude it with --exclude.' });
    list.write(`${rel}\0`);
    jsonl.write(JSON.stringify({ path: rel, kind, size: kind === 'file' ? stats.size : 0 }) + '\n');
    entries += 1;
    if (kind === 'file') {
      files += 1;
      bytes += stats.size;
    }
    if (kind !== 'directory') return;
    let names: string[];
    try {
      names = readdirSync(full);
    } catch (error) {
      throw wrapFsError(error, 'list', full);
    }
    for (const name of names.sort()) {
      const child = path.join(rel, name);
      if (!excluded(child)) visit(child);
    }
  };
  try {
    for (const member of group.members) {
      if (!existsSync(path.join(group.root, member)) && !isLink(path.join(group.root, member))) {
        missing.push(member);
        continue;
      }
      if (!excluded(member)) visit(member);
    }
  } finally {
    list.close();
    jsonl.close();
  }
  return { files, bytes, entries, missing };
}

class BufferedFile {
  private readonly fd: number;
  private pending = '';
  constructor(file: string, flags: 'w' | 'a') {
    this.fd = openSync(file, flags);
  }
  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= 1 << 20) this.flush();
  }
  private flush(): void {
    if (this.pending !== '') writeSync(this.fd, this.pending);
    this.pending = '';
  }
  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}

function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * GNU-tar-like patterns, documented in docs/backup.md: a pattern without `/` matches any
 * path component (`*.log`, `LOCK`); one with `/` matches the path from the archive's root;
 * `*` stays within a component, `**` crosses them, `?` is one character.
 */
export function compileExclude(pattern: string): (rel: string) => boolean {
  const trimmed = pattern.replace(/\/+$/, '');
  let source = '';
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed[i] as string;
    if (c === '*' && trimmed[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const regex = new RegExp(`^${source}$`);
  if (!trimmed.includes('/')) return (rel) => rel.split('/').some((part) => regex.test(part));
  // Anchored: the path itself, or any of its parents, matches.
  return (rel) => {
    const parts = rel.split('/');
    for (let n = parts.length; n > 0; n--) if (regex.test(parts.slice(0, n).join('/'))) return true;
    return false;
  };
}

