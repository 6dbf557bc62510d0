import type { Stats } from 'node:fs';
import { realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { FileOperationError, OperationCancelledError, UserError } from '../core/errors.js';
import { isErrno } from '../core/fs-errors.js';
import { copyTree, removeCopiedSource } from './copy.js';
import { ensureDirectory, fsyncDirectory, isInside, kindOf, lstatOrNull, wrapFsError } from './fs-util.js';
import type { EntryKind, IntentRecord, JournalWriter, MoveMethod, NewRecord } from './journal.js';
import { killPoint } from './kill-point.js';
import { rootKeys } from './root-key.js';
import { treeSize, walkTree } from './tree.js';

/**
 * Moves files and folders out of a ledger into a quarantine folder, journaled so that every move
 * can be undone, even after a crash at any point (see undo.ts).
 *
 * Same filesystem: one `rename` per item (atomic). Otherwise: a verified copy into
 * `<quarantine>/.staging/<id>`, a rename into place, a `copied` record, and only then the source
 * is deleted. The destination never pre-exists, and nothing is deleted that is not verified in
 * the quarantine.
 */

export interface QuarantineItem {
  /** Absolute path of the file, folder or symlink to move. */
  readonly source: string;
  /** Absolute path of the folder it was found under (a snapshot folder, the ledger…). */
  readonly root: string;
  /** `source` relative to `root`; kept below the root's key in the quarantine. */
  readonly relativePath: string;
  /** Free text for status and reports ("full snapshot archive 289600000"). */
  readonly label?: string | undefined;
}

/** `copying`: bytes of a copy arrived (reported per chunk, for speed and ETA). */
export type QuarantinePhase = 'move' | 'copy' | 'copying' | 'delete-source' | 'done';

export interface QuarantineProgress {
  readonly phase: QuarantinePhase;
  /** 0-based index of the item in the input. */
  readonly index: number;
  readonly total: number;
  readonly item: QuarantineItem;
  /** Bytes of all items moved or copied so far (copies count as they stream). */
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

export interface QuarantineOptions {
  /** The quarantine folder (from createQuarantine). Must exist. */
  readonly quarantineDir: string;
  readonly journal: JournalWriter;
  /** Copy even where a rename would do (tests; a backup dir on the same disk on purpose). */
  readonly forceCopy?: boolean | undefined;
  readonly onProgress?: ((progress: QuarantineProgress) => void) | undefined;
  /** Stops between items and between chunks; what moved stays journaled. */
  readonly signal?: AbortSignal | undefined;
  /** Renames announced per journal write (group commit). */
  readonly batchSize?: number | undefined;
  /** The items were made by the apply (ledger-tool's output): journaled so undo leaves them here. */
  readonly created?: boolean | undefined;
}

export interface MovedItem {
  readonly id: string;
  readonly source: string;
  readonly destination: string;
  readonly method: MoveMethod;
  readonly kind: EntryKind;
  readonly size: number;
  readonly entries: number;
  readonly label?: string | undefined;
}

export interface QuarantineResult {
  readonly moved: readonly MovedItem[];
  readonly bytes: number;
}

/** The staging folder for copies in flight; its entries are named by item id. */
export const STAGING_DIR = '.staging';

interface PlannedMove {
  readonly index: number;
  readonly item: QuarantineItem;
  readonly stats: Stats;
  readonly kind: EntryKind;
  readonly rootKey: string;
  readonly destination: string;
  readonly size: number;
  readonly entries: number;
  readonly method: MoveMethod;
}

/** Validates a relative path: not absolute, not empty, no '.', '..' or empty segment. */
export function checkRelativePath(relativePath: string, what: string): void {
  const segments = relativePath.split('/');
  if (path.isAbsolute(relativePath) || relativePath === '' || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new UserError(`${what}: the relative path ${JSON.stringify(relativePath)} must be a plain path below its root (no "..", not absolute).`);
  }
}

/** The folder itself, or (for a preview) its nearest existing ancestor: where its files would land. */
async function existingFolder(dir: string, allowMissing: boolean): Promise<{ stats: Stats; real: string }> {
  for (let current = dir; ; current = path.dirname(current)) {
    if ((await lstatOrNull(current)) !== null) {
      const real = await realpath(current);
      const stats = await stat(real);
      if (!stats.isDirectory()) break;
      return { stats, real: path.join(real, path.relative(current, dir)) };
    }
    if (!allowMissing || path.dirname(current) === current) break;
  }
  throw new UserError(`The quarantine folder ${dir} does not exist or is not a folder.`);
}

async function planMoves(items: readonly QuarantineItem[], options: Pick<QuarantineOptions, 'quarantineDir' | 'forceCopy'>, allowMissing = false): Promise<PlannedMove[]> {
  const quarantineDir = options.quarantineDir;
  if (!path.isAbsolute(quarantineDir)) throw new UserError(`The quarantine folder ${quarantineDir} must be an absolute path.`);
  const { stats: qStats, real: qReal } = await existingFolder(quarantineDir, allowMissing);
  const keys = rootKeys(items.map((i) => i.root));
  const seen = new Set<string>();
  /** Checked roots and their real paths: thousands of items share a handful of roots. */
  const rootsSeen = new Map<string, string>();
  const planned: PlannedMove[] = [];
  for (const [index, item] of items.entries()) {
    const what = `Item ${JSON.stringify(item.source)}`;
    if (!path.isAbsolute(item.source) || !path.isAbsolute(item.root)) {
      throw new UserError(`${what}: source and root must be absolute paths.`);
    }
    checkRelativePath(item.relativePath, what);
    if (path.join(item.root, item.relativePath) !== path.normalize(item.source).replace(/\/+$/, '')) {
      throw new UserError(`${what} is not ${item.relativePath} under its root ${item.root}.`);
    }
    if (seen.has(item.source)) throw new UserError(`${what} is listed twice.`);
    seen.add(item.source);
    let rootReal = rootsSeen.get(item.root);
    if (rootReal === undefined) {
      let rootStats: Stats;
      try {
        rootStats = await stat(item.root);
      } catch (error) {
        throw new UserError(`${what}: its root ${item.root} cannot be read (${(error as Error).message}).`);
      }
      if (!rootStats.isDirectory()) throw new UserError(`${what}: its root ${item.root} is not a folder.`);
      rootReal = await realpath(item.root);
      rootsSeen.set(item.root, rootReal);
    }
    // Every folder between the root and the item must be a real folder: a symlink there would
    // make the move act outside the root.
    const segments = item.relativePath.split('/');
    for (let depth = 1; depth < segments.length; depth += 1) {
      const between = path.join(item.root, ...segments.slice(0, depth));
      const s = await lstatOrNull(between);
      if (s === null || !s.isDirectory()) {
        throw new UserError(`${what}: ${between} is ${s === null ? 'missing' : 'not a plain folder (a symlink?)'}; snapplan does not follow links out of a root.`);
      }
    }
    const stats = await lstatOrNull(item.source);
    if (stats === null) throw new UserError(`${what} does not exist.`);
    const kind = kindOf(stats);
    if (kind === null) throw new UserError(`${what} is not a file, folder or symlink.`);
    const sourceReal = path.join(rootReal, item.relativePath);
    if (isInside(qReal, sourceReal) || isInside(sourceReal, qReal)) {
      throw new UserError(`${what} contains the quarantine folder ${quarantineDir}, or lies inside it.`);
    }
    const rootKey = keys.get(item.root) ?? '';
    const destination = path.join(quarantineDir, rootKey, item.relativePath);
    if ((await lstatOrNull(destination)) !== null) {
      throw new UserError(`${what}: ${destination} already exists; snapplan never overwrites.`);
    }
    let size = stats.isFile() ? stats.size : 0;
    let entries = 1;
    if (kind === 'directory') {
      const listing = await walkTree(item.source);
      size = treeSize(listing);
      entries = listing.length;
    }
    const method: MoveMethod = options.forceCopy === true || stats.dev !== qStats.dev ? 'copy' : 'rename';
    planned.push({ index, item, stats, kind, rootKey, destination, size, entries, method });
  }
  // Nested items would be moved twice (the folder, then a file that is no longer there).
  const sorted = [...seen].sort();
  for (let i = 1; i < sorted.length; i += 1) {
    const prev = sorted[i - 1]!;
    if (isInside(sorted[i]!, prev)) throw new UserError(`Item ${JSON.stringify(sorted[i])} lies inside item ${JSON.stringify(prev)}.`);
  }
  return planned;
}

export interface PlannedItem {
  readonly source: string;
  readonly destination: string;
  readonly method: MoveMethod;
  readonly kind: EntryKind;
  readonly size: number;
  readonly entries: number;
}

/**
 * What `quarantine` would do, without doing it: the same checks (a UserError for anything it
 * would refuse), each item's destination and method. For `--dry-run` and for the free-space
 * preflight (`bytesToCopy` must fit on the backup filesystem). The quarantine folder need not
 * exist yet: its nearest existing ancestor decides the filesystem.
 */
export async function previewQuarantine(
  items: readonly QuarantineItem[],
  options: { quarantineDir: string; forceCopy?: boolean | undefined },
): Promise<{ items: PlannedItem[]; bytesToCopy: number; bytesToRename: number }> {
  const planned = await planMoves(items, options, true);
  const list = planned.map((p) => ({ source: p.item.source, destination: p.destination, method: p.method, kind: p.kind, size: p.size, entries: p.entries }));
  const sum = (method: MoveMethod): number => list.filter((p) => p.method === method).reduce((n, p) => n + p.size, 0);
  return { items: list, bytesToCopy: sum('copy'), bytesToRename: sum('rename') };
}

function intentFor(move: PlannedMove, id: string, method: MoveMethod, created: boolean): Omit<IntentRecord, 'v'> {
  return {
    ...(created ? { created: true } : {}),
    type: 'intent',
    id,
    at: new Date().toISOString(),
    source: move.item.source,
    destination: move.destination,
    root: move.item.root,
    rootKey: move.rootKey,
    relativePath: move.item.relativePath,
    method,
    kind: move.kind,
    size: move.size,
    entries: move.entries,
    label: move.item.label,
  };
}

function cancelled(): OperationCancelledError {
  return new OperationCancelledError('Cancelled; what was moved is in the journal and `snapplan undo` puts it back.');
}

/**
 * Moves every item into `<quarantineDir>/<rootKey>/<relativePath>`. All checks (paths, symlinks,
 * existing destinations) happen before the first move: a UserError means nothing moved. A
 * failure later leaves the journal consistent; the caller should report it and point to undo.
 */
export async function quarantine(items: readonly QuarantineItem[], options: QuarantineOptions): Promise<QuarantineResult> {
  const planned = await planMoves(items, options);
  const journal = options.journal;
  const bytesTotal = planned.reduce((sum, p) => sum + p.size, 0);
  const moved: MovedItem[] = [];
  let bytesDone = 0;
  const progress = (phase: QuarantinePhase, move: PlannedMove): void => {
    options.onProgress?.({ phase, index: move.index, total: items.length, item: move.item, bytesDone, bytesTotal });
  };
  const record = (move: PlannedMove, id: string, method: MoveMethod): void => {
    moved.push({ id, source: move.item.source, destination: move.destination, method, kind: move.kind, size: move.size, entries: move.entries, label: move.item.label });
  };

  const copyOne = async (move: PlannedMove, id: string, announced: boolean): Promise<void> => {
    const stagingDir = path.join(options.quarantineDir, STAGING_DIR);
    const staging = path.join(stagingDir, id);
    await ensureDirectory(stagingDir);
    await ensureDirectory(path.dirname(move.destination));
    if (!announced) await journal.append(intentFor(move, id, 'copy', options.created === true));
    progress('copy', move);
    let result;
    try {
      result = await copyTree(move.item.source, staging, {
        signal: options.signal,
        onBytes: (n) => {
          bytesDone += n;
          progress('copying', move);
        },
      });
      if ((await lstatOrNull(move.destination)) !== null) {
        throw new FileOperationError(`${move.destination} appeared during the copy; snapplan never overwrites.`, { operation: 'rename', path: move.destination });
      }
      await rename(staging, move.destination);
      killPoint('staging-renamed');
      await fsyncDirectory(path.dirname(move.destination));
      await fsyncDirectory(stagingDir);
    } catch (error) {
      // The source was not touched: drop the partial copy and say so in the journal.
      await rm(staging, { recursive: true, force: true });
      // Best effort: without this record undo reaches the same verdict (no `copied`, source
      // intact), and the error to report is the copy's, not a second one from a full disk.
      await journal.append({ type: 'failed', id, error: error instanceof Error ? error.message : String(error) }).catch(() => undefined);
      if (error instanceof OperationCancelledError) throw cancelled();
      throw wrapFsError(error, 'copy', move.item.source);
    }
    await journal.append({ type: 'copied', id, sha256: result.sha256, size: result.size, entries: result.entries });
    progress('delete-source', move);
    const left = await removeCopiedSource(move.item.source, result.listing);
    if (left.length > 0) {
      throw new FileOperationError(
        `${move.item.source} was copied to the quarantine, but ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in it changed or appeared meanwhile and stayed (first: ${left[0]}).`,
        { operation: 'delete', path: left[0] ?? move.item.source },
        { hint: 'Something is writing to the ledger. Stop it, then run `snapplan undo`.' },
      );
    }
    await fsyncDirectory(path.dirname(move.item.source));
    await journal.append({ type: 'done', id });
    record(move, id, 'copy');
    progress('done', move);
  };

  const batchSize = Math.max(1, options.batchSize ?? 100);
  let index = 0;
  while (index < planned.length) {
    if (options.signal?.aborted) throw cancelled();
    const first = planned[index]!;
    if (first.method === 'copy') {
      await copyOne(first, journal.newId('q'), false);
      index += 1;
      continue;
    }
    // A batch of consecutive renames: one journal write announces them all, one confirms them.
    const batch: PlannedMove[] = [];
    while (index < planned.length && batch.length < batchSize && planned[index]!.method === 'rename') {
      batch.push(planned[index]!);
      index += 1;
    }
    for (const dir of new Set(batch.map((m) => path.dirname(m.destination)))) await ensureDirectory(dir);
    const ids = batch.map(() => journal.newId('q'));
    await journal.append(batch.map((move, i) => intentFor(move, ids[i]!, 'rename', options.created === true)));
    const done: NewRecord[] = [];
    const dirs = new Set<string>();
    let failure: unknown;
    let stoppedAt = batch.length;
    for (const [i, move] of batch.entries()) {
      const id = ids[i]!;
      if (options.signal?.aborted) {
        failure = cancelled();
        stoppedAt = i;
        break;
      }
      try {
        if ((await lstatOrNull(move.destination)) !== null) {
          throw new FileOperationError(`${move.destination} appeared after the checks; snapplan never overwrites.`, { operation: 'rename', path: move.destination });
        }
        await rename(move.item.source, move.destination);
        killPoint('rename');
      } catch (error) {
        if (isErrno(error, 'EXDEV')) {
          // Same device number but another mount (a bind mount): copy instead, re-announced.
          await journal.append(intentFor(move, id, 'copy', options.created === true));
          try {
            await copyOne(move, id, true);
          } catch (copyError) {
            failure = copyError;
            stoppedAt = i + 1;
            break;
          }
          continue;
        }
        await journal.append({ type: 'failed', id, error: error instanceof Error ? error.message : String(error) }).catch(() => undefined);
        failure = wrapFsError(error, 'move', move.item.source);
        stoppedAt = i + 1;
        break;
      }
      dirs.add(path.dirname(move.destination));
      dirs.add(path.dirname(move.item.source));
      done.push({ type: 'done', id });
      bytesDone += move.size;
      record(move, id, 'rename');
      progress('move', move);
    }
    // Make the renames durable before saying they are done.
    for (const dir of dirs) await fsyncDirectory(dir);
    const notStarted: NewRecord[] = batch.slice(stoppedAt).map((_, i) => ({ type: 'failed', id: ids[stoppedAt + i]!, error: 'not started' }));
    if (done.length + notStarted.length > 0) await journal.append([...done, ...notStarted]);
    if (failure !== undefined) throw failure;
  }
  return { moved, bytes: bytesDone };
}
