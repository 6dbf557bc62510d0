import { link, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { isErrno } from '../core/fs-errors.js';
import { copyFileVerified, hashFile } from './copy.js';
import { ensureDirectory, fsyncDirectory, lstatOrNull, wrapFsError } from './fs-util.js';
import type { JournalWriter, KeepRecord } from './journal.js';
import { STAGING_DIR } from './quarantine.js';
import { rootKey } from './root-key.js';

/**
 * Safety copies of files that must survive the next step, taken before `agave-ledger-tool`
 * runs: agave#3198 reports a ledger-tool release that emptied the snapshot folder. A hard link
 * costs no space and no time; across filesystems a verified copy is made instead. A hard link
 * protects against deletion, not against a tool rewriting the file in place (snapshot archives
 * are written once and renamed into place, so deletion is the hazard).
 *
 * Journaled as `keep`: undo leaves them where they are; status lists them.
 */
export const KEPT_DIR = 'kept';

export interface PreserveOptions {
  readonly quarantineDir: string;
  readonly journal: JournalWriter;
  readonly forceCopy?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Free text per path for status ("base full archive"). */
  readonly labels?: ReadonlyMap<string, string> | undefined;
}

export interface KeptCopy {
  readonly id: string;
  readonly source: string;
  readonly destination: string;
  readonly method: 'link' | 'copy';
  readonly size: number;
  readonly sha256?: string | undefined;
}

/** `<quarantine>/kept/<key of the file's folder>/<file name>`. */
export function keptPath(quarantineDir: string, file: string): string {
  return path.join(quarantineDir, KEPT_DIR, rootKey(path.dirname(file)), path.basename(file));
}

export async function preserveCopies(paths: readonly string[], options: PreserveOptions): Promise<KeptCopy[]> {
  // All checks first: a refusal changes nothing.
  const plans = [];
  for (const file of new Set(paths)) {
    if (!path.isAbsolute(file)) throw new UserError(`${file}: a file to keep must be an absolute path.`);
    const stats = await lstatOrNull(file);
    if (stats === null || !stats.isFile()) throw new UserError(`${file} is not a regular file; only files can be kept.`);
    const destination = keptPath(options.quarantineDir, file);
    if ((await lstatOrNull(destination)) !== null) throw new UserError(`${destination} already exists; snapplan never overwrites.`);
    plans.push({ file, stats, destination });
  }
  const kept: KeptCopy[] = [];
  for (const { file, stats, destination } of plans) {
    const id = options.journal.newId('k');
    await ensureDirectory(path.dirname(destination));
    let method: 'link' | 'copy' = 'link';
    let sha256: string | undefined;
    try {
      if (options.forceCopy === true) throw Object.assign(new Error('copy forced'), { code: 'EXDEV' });
      await link(file, destination);
    } catch (error) {
      if (!isErrno(error, 'EXDEV') && !isErrno(error, 'EPERM')) throw wrapFsError(error, 'link', file);
      // Another filesystem (or one without hard links): copy to staging, then rename into place,
      // so a crash never leaves a half file under kept/.
      method = 'copy';
      const stagingDir = path.join(options.quarantineDir, STAGING_DIR);
      const staging = path.join(stagingDir, id);
      await ensureDirectory(stagingDir);
      try {
        sha256 = (await copyFileVerified(file, staging, stats, { signal: options.signal })).sha256;
        await rename(staging, destination);
      } catch (copyError) {
        await rm(staging, { force: true });
        throw wrapFsError(copyError, 'copy', file);
      }
    }
    await fsyncDirectory(path.dirname(destination));
    await options.journal.append({
      type: 'keep',
      id,
      at: new Date().toISOString(),
      source: file,
      destination,
      method,
      size: stats.size,
      sha256,
      label: options.labels?.get(file),
    });
    kept.push({ id, source: file, destination, method, size: stats.size, sha256 });
  }
  return kept;
}

export interface RestoredKept {
  readonly source: string;
  readonly from: string;
  readonly method: 'link' | 'copy';
}

/**
 * Puts back safety copies whose original has disappeared (a ledger-tool that emptied the
 * snapshot folder, agave#3198). Only missing originals are restored: an existing file is never
 * replaced. Undo does not call this on its own: the caller decides (and reports) it.
 */
export async function restoreKeptCopies(
  kept: readonly KeepRecord[],
  options: { forceCopy?: boolean | undefined; onRefused?: ((record: KeepRecord, reason: string) => void) | undefined } = {},
): Promise<RestoredKept[]> {
  const restored: RestoredKept[] = [];
  for (const record of kept) {
    if ((await lstatOrNull(record.source)) !== null) continue;
    const stats = await lstatOrNull(record.destination);
    if (stats === null || !stats.isFile()) continue;
    if (record.sha256 !== undefined) {
      // A copied safety copy has its sha256 in the journal: a changed one does not go back.
      const now = await hashFile(record.destination);
      if (now.sha256 !== record.sha256) {
        options.onRefused?.(record, `the safety copy ${record.destination} has sha256 ${now.sha256}, but ${record.sha256} was recorded`);
        continue;
      }
    }
    await ensureDirectory(path.dirname(record.source));
    let method: 'link' | 'copy' = 'link';
    try {
      if (options.forceCopy === true) throw Object.assign(new Error('copy forced'), { code: 'EXDEV' });
      // link() never replaces an existing name: a file that appeared meanwhile wins.
      await link(record.destination, record.source);
    } catch (error) {
      if (!isErrno(error, 'EXDEV') && !isErrno(error, 'EPERM')) throw wrapFsError(error, 'restore', record.source);
      method = 'copy';
      const temp = path.join(path.dirname(record.source), `.snapplan-restore-${record.id}-${path.basename(record.source)}`);
      await rm(temp, { force: true });
      try {
        await copyFileVerified(record.destination, temp, stats);
        await link(temp, record.source);
      } finally {
        await rm(temp, { force: true });
      }
    }
    await fsyncDirectory(path.dirname(record.source));
    restored.push({ source: record.source, from: record.destination, method });
  }
  return restored;
}
