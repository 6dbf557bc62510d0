import { createHash } from 'node:crypto';
import { readdir, readlink, rename, rm, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { OperationCancelledError, UndoConflictError, UserError } from '../core/errors.js';
import { isErrno } from '../core/fs-errors.js';
import { copyTree, digestTree, hashFile } from './copy.js';
import { ensureDirectory, fsyncDirectory, lstatOrNull, wrapFsError } from './fs-util.js';
import type { DamagedLine, HeaderRecord, KeepRecord, UndoneHow } from './journal.js';
import { JOURNAL_FILE, JournalWriter } from './journal.js';
import { readJournal } from './journal.js';
import { foldJournal } from './journal-state.js';
import type { ItemState } from './journal-state.js';
import { killPoint } from './kill-point.js';
import { liveness } from './process-identity.js';
import { STAGING_DIR } from './quarantine.js';
import { walkTree } from './tree.js';

/**
 * Puts quarantined items back, from the journal alone, whatever point a crash interrupted the
 * quarantine (or an earlier undo) at. For each item it looks where the bytes are:
 *
 * - rename: atomic, so the item is either still at its source or whole at its destination;
 * - copy without `copied`: the source was never touched, so any copy is dropped;
 * - copy with `copied`: the destination is complete and verified; the source may be partly
 *   deleted, so the destination is merged back: entries missing at the source are moved, entries
 *   present and identical (same sha256) are dropped from the quarantine, anything else is a
 *   conflict.
 *
 * Something at the original place that the journal cannot explain (it "reappeared") is never
 * overwritten: that item is refused with an UndoConflictError naming the paths, and nothing of it
 * is changed. Running undo again is safe: finished items are skipped.
 */

export interface UndoOptions {
  /** Copy back even where a rename would do (tests). */
  readonly forceCopy?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((progress: { index: number; total: number; source: string; outcome: UndoOutcome }) => void) | undefined;
}

/**
 * `left-aside`: made by the apply (ledger-tool's new archive), stays in the quarantine.
 * `hash-mismatch`: the quarantined copy no longer has the sha256 the journal recorded when it
 * was copied; it stays in the quarantine, untouched.
 */
export type UndoOutcome = UndoneHow | 'was-undone' | 'conflict' | 'missing' | 'left-aside' | 'hash-mismatch';

export interface UndoItemResult {
  readonly id: string;
  readonly source: string;
  readonly destination: string;
  readonly outcome: UndoOutcome;
  readonly conflict?: UndoConflictError | undefined;
  /** For `hash-mismatch`: what differs. */
  readonly mismatch?: string | undefined;
}

export interface UndoResult {
  readonly journalPath: string;
  readonly items: readonly UndoItemResult[];
  /** Items put back by this run. */
  readonly restored: number;
  readonly conflicts: readonly UndoConflictError[];
  /** Sources found neither at their place nor in the quarantine (should never happen). */
  readonly missing: readonly string[];
  /** Safety copies that stay in the quarantine. */
  readonly kept: readonly KeepRecord[];
  /** The journal's last line had been torn by a crash (and was repaired). */
  readonly repairedTornLine: boolean;
  /** Items whose quarantined copy failed its sha256 check: they stay in the quarantine. */
  readonly mismatches: readonly UndoItemResult[];
  /** Items made by the apply, moved aside, left in the quarantine. */
  readonly leftAside: readonly UndoItemResult[];
  /** Unreadable journal lines that were skipped: the records on them could not be acted on. */
  readonly damaged: readonly DamagedLine[];
  /** With a damaged journal: what is still in the quarantine that no readable record explains. */
  readonly unexplained: readonly string[];
}

/** What undo would do with one item (`undo --dry-run`), read-only. */
export type UndoAction =
  | 'move-back'
  | 'merge-back'
  | 'drop-copy'
  | 'already-in-place'
  | 'never-moved'
  | 'was-undone'
  | 'left-aside'
  | 'missing'
  | 'conflict'
  | 'hash-mismatch';

export interface UndoPreviewItem {
  readonly id: string;
  readonly source: string;
  readonly destination: string;
  readonly action: UndoAction;
  readonly size: number;
  /** Why, for conflict and hash-mismatch. */
  readonly detail?: string | undefined;
}

export interface UndoPreview {
  readonly journalPath: string;
  readonly items: readonly UndoPreviewItem[];
  readonly kept: readonly KeepRecord[];
  readonly damaged: readonly DamagedLine[];
}

/** Items renamed back per journal write (group commit), as in quarantine(). */
const UNDO_BATCH = 100;

type MergeAction = { op: 'move'; from: string; to: string } | { op: 'drop'; path: string } | { op: 'rmdir'; path: string };

function restoreTag(header: HeaderRecord): string {
  return createHash('sha256').update(`${header.quarantineDir}\0${header.createdAt}`).digest('hex').slice(0, 8);
}

async function sameContent(a: string, b: string, kind: 'file' | 'symlink'): Promise<boolean> {
  if (kind === 'symlink') return (await readlink(a)) === (await readlink(b));
  const [ha, hb] = [await hashFile(a), await hashFile(b)];
  return ha.size === hb.size && ha.sha256 === hb.sha256;
}

/** What merging `from` (quarantine) into `to` (original place) would do, and what is in the way. */
async function planMerge(from: string, to: string, actions: MergeAction[], conflicts: string[]): Promise<void> {
  const [f, t] = [await lstatOrNull(from), await lstatOrNull(to)];
  if (f === null) return;
  if (t === null) {
    actions.push({ op: 'move', from, to });
  } else if (f.isDirectory() && t.isDirectory()) {
    for (const name of (await readdir(from)).sort()) await planMerge(path.join(from, name), path.join(to, name), actions, conflicts);
    actions.push({ op: 'rmdir', path: from });
  } else if ((f.isFile() && t.isFile()) || (f.isSymbolicLink() && t.isSymbolicLink())) {
    if (await sameContent(from, to, f.isFile() ? 'file' : 'symlink')) actions.push({ op: 'drop', path: from });
    else conflicts.push(to);
  } else {
    conflicts.push(to);
  }
}

type Classified =
  | { readonly action: 'missing' | 'already-in-place' | 'never-moved' | 'drop-copy' | 'move-back' }
  | { readonly action: 'merge-back'; readonly actions: readonly MergeAction[] }
  | { readonly action: 'conflict'; readonly paths: readonly string[]; readonly reason: string }
  | { readonly action: 'hash-mismatch'; readonly reason: string };

/**
 * Where one item's bytes are and what putting it back takes; read-only. A copy whose journal
 * has its sha256 is hashed again before it may go back.
 */
async function classify(item: ItemState, signal: AbortSignal | undefined): Promise<Classified> {
  const { intent } = item;
  const { source, destination } = intent;
  const [s, d] = [await lstatOrNull(source), await lstatOrNull(destination)];
  if (d === null) {
    if (s === null) return { action: 'missing' };
    // Already where it belongs: never moved, or put back by an undo that crashed before its record.
    return { action: item.undoIntent || item.done || item.copied !== null ? 'already-in-place' : 'never-moved' };
  }
  const sourceTouched = intent.method === 'copy' ? item.copied !== null : true;
  // A copy that never got as far as `copied`: the source is whole and was never touched, the
  // destination is a copy of it. Drop the copy.
  if (s !== null && !sourceTouched) return { action: 'drop-copy' };
  if (s !== null && !(item.undoIntent || (intent.method === 'copy' && !item.done))) {
    return { action: 'conflict', paths: [source], reason: `${source} exists again (it was moved to the quarantine and something new is there now).` };
  }
  if (item.copied !== null) {
    const now = await digestTree(destination, { signal });
    if (now.sha256 !== item.copied.sha256) {
      return {
        action: 'hash-mismatch',
        reason: `the quarantined copy ${destination} has sha256 ${now.sha256}, but ${item.copied.sha256} was recorded when it was copied`,
      };
    }
  }
  if (s === null) return { action: 'move-back' };
  const actions: MergeAction[] = [];
  const conflicts: string[] = [];
  await planMerge(destination, source, actions, conflicts);
  if (conflicts.length > 0) {
    return { action: 'conflict', paths: conflicts, reason: `${conflicts.length === 1 ? `${conflicts[0]} differs` : `${conflicts.length} paths differ`} from the quarantined copy.` };
  }
  return { action: 'merge-back', actions };
}

/** `undo --dry-run`: what undo would do with each item, changing nothing (not even the journal). */
export async function previewUndo(journalPath: string, options: { signal?: AbortSignal | undefined } = {}): Promise<UndoPreview> {
  const contents = await readJournal(journalPath, { lenient: true });
  const state = foldJournal(contents);
  const items: UndoPreviewItem[] = [];
  for (const item of state.items) {
    const base = { id: item.intent.id, source: item.intent.source, destination: item.intent.destination, size: item.intent.size };
    if (item.undone !== null) items.push({ ...base, action: 'was-undone' });
    else if (item.created) items.push({ ...base, action: 'left-aside' });
    else {
      const c = await classify(item, options.signal);
      const detail = c.action === 'conflict' || c.action === 'hash-mismatch' ? c.reason : undefined;
      items.push({ ...base, action: c.action, detail });
    }
  }
  return { journalPath, items, kept: state.kept, damaged: state.damaged };
}

export async function undo(journalPath: string, options: UndoOptions = {}): Promise<UndoResult> {
  const { writer, contents } = await JournalWriter.open(journalPath, { lenient: true });
  try {
    const state = foldJournal(contents);
    const header = state.header;
    if (state.closed === null && header.pid !== process.pid && liveness({ pid: header.pid, hostname: header.host, startTicks: header.pidStart, bootId: header.bootId }) === 'alive') {
      throw new UserError(`The snapplan process that writes ${journalPath} (pid ${header.pid}) is still running.`, {
        hint: 'Wait for it to finish or stop it (Ctrl-C), then run undo.',
      });
    }
    await writer.append({ type: 'undo-start', at: new Date().toISOString(), pid: process.pid, host: header.host });
    const quarantineDir = path.dirname(journalPath);
    const tag = restoreTag(header);
    const results: UndoItemResult[] = [];
    const items = [...state.items].reverse();

    /** Moves one tree from the quarantine back to `to` (which must not exist): rename, or verified copy. */
    const moveBack = async (from: string, to: string): Promise<void> => {
      await ensureDirectory(path.dirname(to));
      if (options.forceCopy !== true) {
        try {
          if ((await lstatOrNull(to)) !== null) throw new UndoConflictError(`${to} appeared during undo.`, to, [to]);
          await rename(from, to);
          killPoint('undo-rename');
          await fsyncDirectory(path.dirname(to));
          await fsyncDirectory(path.dirname(from));
          return;
        } catch (error) {
          if (!isErrno(error, 'EXDEV')) throw wrapFsError(error, 'move back', from);
        }
      }
      // Copy next to the target under a name derived from the journal, so a crash leaves a
      // leftover the next undo recognises and removes, then rename into place: the original
      // place is either empty or complete.
      const temp = path.join(path.dirname(to), `.snapplan-restore-${tag}-${createHash('sha256').update(to).digest('hex').slice(0, 8)}`);
      await rm(temp, { recursive: true, force: true });
      try {
        await copyTree(from, temp, { signal: options.signal });
        if ((await lstatOrNull(to)) !== null) throw new UndoConflictError(`${to} appeared during undo.`, to, [to]);
        await rename(temp, to);
        killPoint('undo-copied-back');
        await fsyncDirectory(path.dirname(to));
      } catch (error) {
        await rm(temp, { recursive: true, force: true });
        throw wrapFsError(error, 'copy back', from);
      }
      await rm(from, { recursive: true, force: true });
      killPoint('undo-removed-copy');
      await fsyncDirectory(path.dirname(from));
    };

    const resolve = async (item: ItemState): Promise<{ outcome: UndoOutcome; conflict?: UndoConflictError; mismatch?: string }> => {
      const { intent } = item;
      const { source, destination } = intent;
      const finish = async (how: UndoneHow): Promise<{ outcome: UndoOutcome }> => {
        await writer.append({ type: 'undone', id: intent.id, how });
        return { outcome: how };
      };
      const c = await classify(item, options.signal);
      switch (c.action) {
        case 'missing':
          return { outcome: 'missing' };
        case 'already-in-place':
        case 'never-moved':
          return finish(c.action);
        case 'conflict': {
          const error = new UndoConflictError(`Not putting back ${source}: ${c.reason}`, source, c.paths, {
            hint: `Move ${c.paths.join(', ')} out of the way (or delete it if it is not needed), then run undo again. The quarantined copy is in ${destination}.`,
          });
          await writer.append({ type: 'undo-conflict', id: intent.id, reason: c.reason, paths: [...c.paths] });
          return { outcome: 'conflict', conflict: error };
        }
        case 'hash-mismatch':
          // Journaled like a refusal: the item stays where it is, and status counts it as refused.
          await writer.append({ type: 'undo-conflict', id: intent.id, reason: `sha256 mismatch: ${c.reason}`, paths: [destination] });
          return { outcome: 'hash-mismatch', mismatch: c.reason };
        case 'move-back':
          await writer.append({ type: 'undo-intent', id: intent.id });
          await moveBack(destination, source);
          return finish('moved-back');
        case 'drop-copy':
          await writer.append({ type: 'undo-intent', id: intent.id });
          await rm(destination, { recursive: true, force: true });
          killPoint('undo-drop-copy');
          await fsyncDirectory(path.dirname(destination));
          return finish('never-moved');
        case 'merge-back':
          await writer.append({ type: 'undo-intent', id: intent.id });
          for (const action of c.actions) {
            if (action.op === 'move') await moveBack(action.from, action.to);
            else if (action.op === 'drop') await unlink(action.path);
            else await rmdir(action.path);
            killPoint('undo-merge');
          }
          await fsyncDirectory(path.dirname(destination));
          return finish('moved-back');
      }
    };

    let finished = 0;
    const report = (item: ItemState, outcome: UndoOutcome, conflict?: UndoConflictError, mismatch?: string): void => {
      results.push({ id: item.intent.id, source: item.intent.source, destination: item.intent.destination, outcome, conflict, mismatch });
      options.onProgress?.({ index: finished, total: items.length, source: item.intent.source, outcome });
      finished += 1;
    };
    for (let start = 0; start < items.length; start += UNDO_BATCH) {
      if (options.signal?.aborted) throw new OperationCancelledError('Undo cancelled; run it again to finish.');
      const batch = items.slice(start, start + UNDO_BATCH);
      // The common case, an item whole in the quarantine and nothing at its place, is renamed
      // back in a group: one journal write announces the group, one confirms it.
      const quick: ItemState[] = [];
      const slow: ItemState[] = [];
      for (const item of batch) {
        if (item.undone !== null) {
          report(item, 'was-undone');
        } else if (item.created) {
          report(item, 'left-aside');
        } else if (
          options.forceCopy !== true &&
          (await lstatOrNull(item.intent.source)) === null &&
          (await lstatOrNull(item.intent.destination)) !== null &&
          // A copy with a recorded sha256 goes back only if it still has it; one that does not
          // takes the careful path, which refuses it and says why.
          (item.copied === null || (await digestTree(item.intent.destination, { signal: options.signal })).sha256 === item.copied.sha256)
        ) {
          quick.push(item);
        } else {
          slow.push(item);
        }
      }
      if (quick.length > 0) {
        for (const dir of new Set(quick.map((i) => path.dirname(i.intent.source)))) await ensureDirectory(dir);
        await writer.append(quick.map((i) => ({ type: 'undo-intent' as const, id: i.intent.id })));
        const renamed: ItemState[] = [];
        const dirs = new Set<string>();
        let failure: unknown;
        for (const item of quick) {
          try {
            if ((await lstatOrNull(item.intent.source)) !== null) {
              slow.push(item); // something appeared meanwhile: the careful path decides
              continue;
            }
            await rename(item.intent.destination, item.intent.source);
            killPoint('undo-rename');
            renamed.push(item);
            dirs.add(path.dirname(item.intent.source));
            dirs.add(path.dirname(item.intent.destination));
          } catch (error) {
            if (isErrno(error, 'EXDEV')) {
              slow.push(item);
              continue;
            }
            failure = wrapFsError(error, 'move back', item.intent.destination);
            break;
          }
        }
        for (const dir of dirs) await fsyncDirectory(dir);
        if (renamed.length > 0) await writer.append(renamed.map((i) => ({ type: 'undone' as const, id: i.intent.id, how: 'moved-back' as const })));
        for (const item of renamed) report(item, 'moved-back');
        if (failure !== undefined) throw failure;
      }
      for (const item of slow) {
        if (options.signal?.aborted) throw new OperationCancelledError('Undo cancelled; run it again to finish.');
        const { outcome, conflict, mismatch } = await resolve(item);
        if (outcome !== 'conflict' && outcome !== 'missing' && outcome !== 'hash-mismatch' && item.intent.method === 'copy') {
          // A partial copy in staging is ours, and the source is now whole.
          await rm(path.join(quarantineDir, STAGING_DIR, item.intent.id), { recursive: true, force: true });
        }
        report(item, outcome, conflict, mismatch);
      }
    }
    await cleanQuarantine(quarantineDir, state.items);
    const conflicts = results.flatMap((r) => (r.conflict ? [r.conflict] : []));
    const missing = results.filter((r) => r.outcome === 'missing').map((r) => r.source);
    const restored = results.filter((r) => r.outcome === 'moved-back').length;
    const mismatches = results.filter((r) => r.outcome === 'hash-mismatch');
    await writer.append({ type: 'undo-end', at: new Date().toISOString(), restored, conflicts: conflicts.length + mismatches.length, missing: missing.length });
    const order = new Map(state.items.map((item, i) => [item.intent.id, i]));
    results.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    const held = results.filter((r) => r.outcome === 'conflict' || r.outcome === 'hash-mismatch' || r.outcome === 'left-aside').map((r) => r.destination);
    return {
      journalPath,
      items: results,
      restored,
      conflicts,
      missing,
      kept: state.kept,
      repairedTornLine: contents.torn !== null,
      mismatches,
      leftAside: results.filter((r) => r.outcome === 'left-aside'),
      damaged: state.damaged,
      unexplained: state.damaged.length > 0 ? await unexplainedEntries(quarantineDir, held) : [],
    };
  } finally {
    await writer.close();
  }
}

/** Files in the quarantine that neither the journal, the log, kept/ nor a held item accounts for. */
async function unexplainedEntries(quarantineDir: string, held: readonly string[]): Promise<string[]> {
  const own = new Set([JOURNAL_FILE, 'ledger-tool.log']);
  const out: string[] = [];
  for (const entry of await walkTree(quarantineDir)) {
    if (entry.kind === 'directory' || entry.rel === '' || own.has(entry.rel) || entry.rel.startsWith('kept/')) continue;
    const full = path.join(quarantineDir, entry.rel);
    if (held.some((h) => full === h || full.startsWith(`${h}/`))) continue;
    out.push(full);
  }
  return out;
}

/**
 * Removes what undo leaves behind in the quarantine: staging copies of kept files (their sources
 * were never touched) and the now empty folders of each root. The journal and kept/ stay.
 */
async function cleanQuarantine(quarantineDir: string, items: readonly ItemState[]): Promise<void> {
  const staging = path.join(quarantineDir, STAGING_DIR);
  for (const name of (await lstatOrNull(staging)) ? await readdir(staging) : []) {
    if (/^k[0-9]+$/.test(name)) await rm(path.join(staging, name), { recursive: true, force: true });
  }
  await removeIfEmpty(staging);
  for (const key of new Set(items.map((i) => i.intent.rootKey))) {
    await removeEmptyFolders(path.join(quarantineDir, key));
  }
}

async function removeIfEmpty(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch (error) {
    if (!isErrno(error, 'ENOENT') && !isErrno(error, 'ENOTEMPTY') && !isErrno(error, 'EEXIST')) throw error;
  }
}

async function removeEmptyFolders(dir: string): Promise<void> {
  const stats = await lstatOrNull(dir);
  if (stats === null || !stats.isDirectory()) return;
  for (const name of await readdir(dir)) await removeEmptyFolders(path.join(dir, name));
  await removeIfEmpty(dir);
}
