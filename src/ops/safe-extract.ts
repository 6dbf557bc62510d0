import { spawn } from 'node:child_process';
import type { Stats } from 'node:fs';
import { mkdir, readdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { ReadEntry } from 'tar';
import { ArchiveRefusedError, ExternalError } from '../core/errors.js';
import { isErrno } from '../core/fs-errors.js';
import { firstEscapingLink } from './link-check.js';

export interface ExtractResult {
  readonly entries: number;
  /** Names at the top of the extracted tree. */
  readonly topLevel: readonly string[];
}

/** tar's end-of-archive marker: two 512-byte blocks of zeros. */
const END_MARKER = 1024;

/** Entry types a node's data folder is made of; devices and fifos are never restored. */
const ALLOWED = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);

/**
 * Why an entry may not be written into `staging`, or null when it may. Every path is judged
 * as written in the archive, before node-tar's own clean-up (which would quietly strip a
 * leading `/` or skip `..` instead of refusing the archive).
 */
export function unsafeEntry(entryPath: string, type: string, linkpath: string | undefined): { reason: ArchiveRefusedError['reason']; message: string } | null {
  if (!ALLOWED.has(type)) return { reason: 'unsupported-entry', message: `${type} entry ${JSON.stringify(entryPath)}` };
  const escapes = (p: string) => p.startsWith('/') || /^[a-zA-Z]:/.test(p) || p.includes('\\') || p.includes('\0');
  const parts = entryPath.split('/');
  if (escapes(entryPath) || parts.includes('..')) return { reason: 'unsafe-path', message: `path ${JSON.stringify(entryPath)} leaves the folder` };
  if (type === 'SymbolicLink' || type === 'Link') {
    const target = linkpath ?? '';
    if (target === '' || escapes(target)) return { reason: 'unsafe-link', message: `link ${JSON.stringify(entryPath)} → ${JSON.stringify(target)} leaves the folder` };
    // A symlink resolves from its own folder; a hard link names a path from the archive's root.
    const resolved = type === 'SymbolicLink' ? path.posix.normalize(path.posix.join(path.posix.dirname(entryPath), target)) : path.posix.normalize(target);
    if (resolved === '..' || resolved.startsWith('../')) return { reason: 'unsafe-link', message: `link ${JSON.stringify(entryPath)} → ${JSON.stringify(target)} leaves the folder` };
  }
  return null;
}

/**
 * `zstd -d` | node-tar into a new `staging` folder, refusing the whole archive at the first
 * unsafe entry or at a cut-short stream. On refusal staging is removed; nothing is ever
 * written outside it.
 */
export async function extractZstdTar(archive: string, staging: string, signal?: AbortSignal, onProgress?: (bytes: number) => void): Promise<ExtractResult> {
  await mkdir(staging, { recursive: false });
  const tar = await import('tar');
  const zstdArgs = ['-d', '-c', '-q', archive];
  const zstd = spawn('zstd', zstdArgs, { stdio: ['ignore', 'pipe', 'pipe'], signal });
  let zstdErr = '';
  zstd.stderr.on('data', (chunk: Buffer) => (zstdErr = (zstdErr + chunk.toString()).slice(-2000)));
  let refused: ArchiveRefusedError | null = null;
  let entries = 0;
  // Symbolic links are made by snapplan once every file and folder is in place, after the whole
  // set is checked: node-tar refuses a link whose target goes through another link (`bb -> aa ->
  // zz`, `latest2 -> latest`), and a data folder may well hold such chains.
  const links = new Map<string, string>();
  const unpack = new tar.Unpack({
    cwd: staging,
    strict: true,
    preservePaths: false,
    // Owners are the restoring user's; modes are kept but never setuid/setgid bits.
    preserveOwner: false,
    filter: (entryPath: string, entry: ReadEntry | Stats) => {
      if (refused) return false;
      const read = entry as ReadEntry;
      const problem = unsafeEntry(entryPath, read.type ?? 'File', read.linkpath);
      if (problem) {
        refused = new ArchiveRefusedError(`Archive refused: ${problem.message}.`, problem.reason, entryPath, { hint: 'Nothing was written outside the staging folder, which was removed.' });
        zstd.kill('SIGTERM');
        return false;
      }
      entries += 1;
      if (read.type === 'SymbolicLink') {
        links.set(entryPath.replace(/\/+$/, '').replace(/^(\.\/)+/, ''), read.linkpath ?? '');
        return false;
      }
      return true;
    },
  });
  const zstdExit = new Promise<number | null>((resolve) => zstd.once('close', (code) => resolve(code)));
  // node-tar may emit 'error' more than once (a cut-short stream, then each file operation still
  // pending on the staging folder): the listener stays, and the first error is the one kept. An
  // error event without a listener would end the process (restore used to crash that way).
  let failure: unknown = null;
  unpack.on('error', (error: unknown) => {
    failure ??= error;
  });
  // After an error node-tar still finishes the file operations it has started: staging is
  // removed only once it is done ('finish'), or nothing would stop it writing into the removed folder.
  const unpacked = new Promise<void>((resolve) => {
    unpack.once('close', resolve);
    unpack.once('finish', resolve);
  });
  // The stream must end with tar's end-of-archive marker (two zero blocks, then any padding):
  // a tar cut exactly between two entries parses cleanly and would otherwise pass as complete.
  let tail = Buffer.alloc(0);
  let bytes = 0;
  zstd.stdout.on('data', (chunk: Buffer) => {
    tail = Buffer.concat([tail, chunk]).subarray(-END_MARKER);
    bytes += chunk.length;
    onProgress?.(bytes);
  });
  zstd.stdout.pipe(unpack);
  const code = await zstdExit;
  await unpacked;
  if (refused === null && failure === null && code !== 0) failure = new Error(`zstd -d exited with code ${code}: ${zstdErr.trim()}`);
  if (refused === null && failure === null && !(tail.length === END_MARKER && tail.every((byte) => byte === 0))) {
    failure = new Error('no end-of-archive marker: the tar stream stops after a whole entry');
  }
  if (refused === null && failure === null) {
    try {
      await makeLinks(staging, links);
    } catch (error) {
      if (error instanceof ArchiveRefusedError) refused = error;
      else failure = error;
    }
  }
  if (refused !== null || failure !== null) {
    await rm(staging, { recursive: true, force: true });
    if (refused) throw refused;
    if (signal?.aborted) throw new ExternalError('Extraction cancelled.', { command: 'zstd', args: zstdArgs });
    const message = failure instanceof Error ? failure.message : String(failure);
    throw new ArchiveRefusedError(`Archive refused: the stream is damaged or cut short (${message.split('\n')[0]}).`, 'truncated', undefined, {
      hint: 'Fetch it again; nothing was written outside the staging folder, which was removed.',
      cause: failure,
    });
  }
  return { entries, topLevel: (await readdir(staging)).sort() };
}

/**
 * Creates the archive's symbolic links in staging, once each is known to resolve inside it
 * (following the others). A link whose path is already taken (a folder of the same name came
 * first: an archive no tar would write) refuses the archive.
 */
async function makeLinks(staging: string, links: ReadonlyMap<string, string>): Promise<void> {
  const escaping = firstEscapingLink(links);
  if (escaping !== null) {
    throw new ArchiveRefusedError(`Archive refused: ${escaping.reason}.`, 'unsafe-link', escaping.link, { hint: 'Nothing was written outside the staging folder, which was removed.' });
  }
  for (const [link, target] of links) {
    for (let i = link.indexOf('/'); i !== -1; i = link.indexOf('/', i + 1)) {
      if (links.has(link.slice(0, i))) {
        throw new ArchiveRefusedError(`Archive refused: link ${JSON.stringify(link)} would be made inside the link ${JSON.stringify(link.slice(0, i))}.`, 'unsafe-link', link, { hint: 'Nothing was written outside the staging folder, which was removed.' });
      }
    }
    const full = path.join(staging, link);
    try {
      // Its folder may have no entry of its own in the archive (node-tar makes such folders too).
      await mkdir(path.dirname(full), { recursive: true });
      await symlink(target, full);
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
      throw new ArchiveRefusedError(`Archive refused: link ${JSON.stringify(link)} names a path the archive already holds.`, 'unsafe-link', link, { hint: 'Nothing was written outside the staging folder, which was removed.' });
    }
  }
}
