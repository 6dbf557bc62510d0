import { closeSync, existsSync, lstatSync, openSync, readdirSync, readlinkSync, writeSync } from 'node:fs';
import { ExternalError, UserError } from '../core/errors.js';
import { wrapFsError } from './fs-util.js';
import type { ArchiveGroup } from './archive.js';
import type { ExcludeMatcher } from './exclude-patterns.js';
import { firstEscapingLink } from './link-check.js';

export interface ListedTotals {
  readonly files: number;
  readonly bytes: number;
  /** Every entry tar is given: files, folders, symlinks. */
  readonly entries: number;
  /** Members that were not there (a Loom node without app.db). */
  readonly missing?: readonly string[];
}

/** One entry of an archive, in the order tar writes it. */
export interface ListedEntry {
  /** Path relative to the group's root (tar's -C), `/`-separated. */
  readonly rel: string;
  readonly kind: 'file' | 'directory' | 'symlink';
  /** Bytes for files, 0 otherwise. */
  readonly size: number;
  /** For a symlink: its target as written. */
  readonly target?: string | undefined;
}

/**
 * Walks a group's members (parents before children, names sorted), applying the exclude
 * patterns. Sockets are skipped (runtime state, tar cannot restore them); fifos and devices
 * are refused. Members that are not there are reported to `onMissing` (a Loom node without
 * app.db). A generator, so that the caller decides the pace: the archive step feeds tar with
 * it as tar goes, and memory never holds more than the folders being walked.
 *
 * Synchronous calls on purpose: one promise per entry cost ten times the syscalls themselves
 * (the same finding as the Agave scanner).
 */
export function* walkMembers(group: ArchiveGroup, exclude: ExcludeMatcher | null, onMissing: (member: string) => void): Generator<ListedEntry> {
  // Patterns are written relative to the data folder, whatever tar's -C is.
  const prefix = group.matchPrefix === undefined ? '' : `${group.matchPrefix}/`;
  const excluded = exclude === null
    ? () => false
    : (rel: string) => {
      const local = prefix !== '' && rel.startsWith(prefix) ? rel.slice(prefix.length) : rel;
      return local !== group.matchPrefix && exclude.excluded(local);
    };
  const root = group.root.endsWith('/') ? group.root : `${group.root}/`;
  const entry = (rel: string): ListedEntry | null => {
    const full = root + rel;
    let stats;
    try {
      stats = lstatSync(full);
    } catch (error) {
      throw wrapFsError(error, 'inspect', full);
    }
    if (stats.isFile()) return { rel, kind: 'file', size: stats.size };
    if (stats.isDirectory()) return { rel, kind: 'directory', size: 0 };
    if (stats.isSymbolicLink()) return { rel, kind: 'symlink', size: 0, target: readLink(full) };
    if (stats.isSocket()) return null;
    throw new UserError(`${full} is a device or fifo; snapplan does not archive it.`, { hint: 'Exclude it with --exclude.' });
  };
  function* descend(top: ListedEntry): Generator<ListedEntry> {
    yield top;
    if (top.kind !== 'directory') return;
    // Depth first, names sorted: a folder's children come right after it, as tar lists them.
    const stack: { dir: string; names: string[]; next: number }[] = [];
    const open = (dir: string) => {
      let names: string[];
      try {
        names = readdirSync(root + dir);
      } catch (error) {
        throw wrapFsError(error, 'list', root + dir);
      }
      stack.push({ dir, names: names.sort(), next: 0 });
    };
    open(top.rel);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as (typeof stack)[number];
      if (frame.next === frame.names.length) {
        stack.pop();
        continue;
      }
      const rel = `${frame.dir}/${frame.names[frame.next++] as string}`;
      if (excluded(rel)) continue;
      const child = entry(rel);
      if (child === null) continue;
      yield child;
      if (child.kind === 'directory') open(rel);
    }
  }
  for (const member of group.members) {
    if (!existsSync(root + member) && !isLink(root + member)) {
      onMissing(member);
      continue;
    }
    if (excluded(member)) continue;
    const top = entry(member);
    if (top !== null) yield* descend(top);
  }
}

/** The manifest's line for an entry (one JSON object per line). */
export function manifestLine(entry: ListedEntry): string {
  return `{"path":${JSON.stringify(entry.rel)},"kind":"${entry.kind}","size":${entry.size}}\n`;
}

/** Running totals of a listing, from earlier groups' totals on. */
export class Tally {
  files: number;
  bytes: number;
  entries: number;
  readonly missing: string[];
  constructor(from: ListedTotals = { files: 0, bytes: 0, entries: 0 }) {
    this.files = from.files;
    this.bytes = from.bytes;
    this.entries = from.entries;
    this.missing = [...(from.missing ?? [])];
  }
  add(entry: ListedEntry): void {
    this.entries += 1;
    if (entry.kind === 'file') {
      this.files += 1;
      this.bytes += entry.size;
    }
  }
  totals(): ListedTotals {
    return { files: this.files, bytes: this.bytes, entries: this.entries, missing: [...this.missing] };
  }
}

/** Entries walked between two turns of the event loop (so a Ctrl-C, a pump, a hash get their turn). */
export const WALK_SLICE = 2048;

/**
 * Lists a group up front (when the archive step must know the total size before it starts):
 * tar's NUL-separated list and the manifest's JSON lines go to files, memory stays flat. The
 * walk gives the event loop a turn every WALK_SLICE entries and stops there once `signal` is
 * aborted: a synchronous walk of a big folder would otherwise hear a Ctrl-C only at its end.
 */
export async function listMembers(group: ArchiveGroup, exclude: ExcludeMatcher | null, listFile: string, jsonlFile: string, totals: ListedTotals, appendJsonl: boolean, signal?: AbortSignal): Promise<ListedTotals> {
  const list = new BufferedFile(listFile, 'w');
  const jsonl = new BufferedFile(jsonlFile, appendJsonl ? 'a' : 'w');
  const tally = new Tally(totals);
  const links = new LinkCollector();
  try {
    throwIfCancelled(signal);
    for (const item of walkMembers(group, exclude, (member) => tally.missing.push(member))) {
      list.write(`${item.rel}\0`);
      jsonl.write(manifestLine(item));
      tally.add(item);
      links.add(item);
      if (tally.entries % WALK_SLICE === 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        throwIfCancelled(signal);
      }
    }
    links.check(group.root);
  } finally {
    list.close();
    jsonl.close();
  }
  return tally.totals();
}

/** The one error a cancelled archive ends with, whichever step noticed. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ExternalError('Archive cancelled.', { command: 'tar', args: [] });
}

export class BufferedFile {
  private readonly fd: number;
  private pending = '';
  private closed = false;
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
  /** Writes what is pending and closes; a second call does nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}

function readLink(full: string): string {
  try {
    return readlinkSync(full);
  } catch (error) {
    throw wrapFsError(error, 'inspect', full);
  }
}

/**
 * The links met by a walk, checked once it ends (a link may point to one listed later): every
 * link must resolve inside the archive, or the restore would refuse the archive. Refused here,
 * while the data is still there to fix, not found out at restore.
 */
export class LinkCollector {
  private readonly links = new Map<string, string>();
  add(entry: ListedEntry): void {
    if (entry.kind === 'symlink' && entry.target !== undefined) this.links.set(entry.rel, entry.target);
  }
  check(root: string): void {
    const escaping = firstEscapingLink(this.links);
    if (escaping === null) return;
    throw new UserError(`Refusing to archive ${root}: ${escaping.reason}, and a restore would refuse the archive.`, {
      hint: 'Make the link relative and inside the folder, or leave it out with --exclude.',
    });
  }
}

function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
