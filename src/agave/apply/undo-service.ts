import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { acquireLock } from '../../ops/lock.js';
import { listQuarantines, quarantineStatus, type QuarantineSummary } from '../../ops/quarantine-status.js';
import { restoreKeptCopies, type RestoredKept } from '../../ops/preserve-copies.js';
import { previewUndo, undo, type UndoPreview, type UndoResult } from '../../ops/undo.js';
import { JOURNAL_FILE, JournalWriter, type NewEntry } from '../../ops/journal.js';
import { quarantine, type MovedItem } from '../../ops/quarantine.js';
import { LOCK_FILE } from './apply-service.js';

export interface UndoServiceOptions {
  readonly journal?: string | undefined;
  readonly ledger?: string | undefined;
  readonly backupDir?: string | undefined;
  readonly forceCopy?: boolean | undefined;
  /** After a successful create-snapshot: move what it made aside (journaled) before putting the rest back. */
  readonly includeNew?: boolean | undefined;
  /** After a successful create-snapshot: put the old snapshots back anyway, next to the new one. */
  readonly force?: boolean | undefined;
}

export interface UndoOutcome {
  readonly quarantine: QuarantineSummary;
  readonly result: UndoResult;
  /** Base archives that had disappeared (agave#3198), re-created from the safety copies. */
  readonly recreated: readonly RestoredKept[];
  /** What create-snapshot made, moved into the quarantine by --include-new in this run. */
  readonly setAside?: readonly MovedItem[] | undefined;
  /** Safety copies not re-created because they failed their sha256 check. */
  readonly keptRefused?: readonly { readonly source: string; readonly reason: string }[] | undefined;
}

export interface UndoPreviewOutcome {
  readonly quarantine: QuarantineSummary;
  readonly preview: UndoPreview;
  /** What --include-new would move aside first. */
  readonly newEntries: readonly NewEntry[];
  /** Why a real undo with these flags would refuse; null when it would go ahead. */
  readonly refusal: UserError | null;
}

/**
 * `snapplan undo`: puts a quarantine's items back from its journal, holding the ledger's lock.
 * With --ledger it takes the newest quarantine that still holds something. After a successful
 * create-snapshot it refuses unless told what to do with the new archive (--include-new,
 * --force): see refusalAfterSuccess.
 */
export async function undoQuarantine(options: UndoServiceOptions, env: { cwd: string; signal?: AbortSignal | undefined; onProgress?: (text: string) => void }): Promise<UndoOutcome> {
  const journalPath = await chooseJournal(options, env.cwd);
  const before = await quarantineStatus(path.dirname(journalPath));
  const lock = await acquireLock(path.join(before.ledger, LOCK_FILE), { purpose: `undo ${path.basename(before.dir)}` });
  try {
    const summary = await quarantineStatus(path.dirname(journalPath));
    const newEntries = loadableNewEntries(summary);
    const refusal = refusalAfterSuccess(summary, newEntries, options);
    if (refusal) throw refusal;
    let setAside: MovedItem[] = [];
    if (options.includeNew === true && newEntries.length > 0) setAside = await setAsideNew(journalPath, newEntries, options);
    const result = await undo(journalPath, {
      forceCopy: options.forceCopy,
      signal: env.signal,
      onProgress: (p) => env.onProgress?.(`[${p.index + 1}/${p.total}] ${p.outcome}: ${p.source}`),
    });
    // The safety copies stay in the quarantine, but a base archive that vanished (a ledger-tool
    // that emptied the snapshot folder) is linked back: only missing originals are touched.
    const keptRefused: { source: string; reason: string }[] = [];
    const recreated = await restoreKeptCopies(result.kept, { forceCopy: options.forceCopy, onRefused: (record, reason) => keptRefused.push({ source: record.source, reason }) });
    return { quarantine: await quarantineStatus(path.dirname(journalPath)), result, recreated, setAside, keptRefused };
  } finally {
    await lock.release();
  }
}

/** `undo --dry-run`: the same choice of quarantine and the same checks, and what each item would do; nothing changes. */
export async function previewUndoQuarantine(options: UndoServiceOptions, env: { cwd: string; signal?: AbortSignal | undefined }): Promise<UndoPreviewOutcome> {
  const journalPath = await chooseJournal(options, env.cwd);
  const summary = await quarantineStatus(path.dirname(journalPath));
  const newEntries = loadableNewEntries(summary);
  return { quarantine: summary, preview: await previewUndo(journalPath, { signal: env.signal }), newEntries, refusal: refusalAfterSuccess(summary, newEntries, options) };
}

/** What create-snapshot made that is still where the validator would load it from. */
function loadableNewEntries(summary: QuarantineSummary): NewEntry[] {
  if (summary.tool.state !== 'succeeded') return [];
  return summary.tool.newEntries.filter((e) => existsSync(e.path));
}

/**
 * After a successful create-snapshot, a plain undo walks the operator into a trap: the older
 * snapshots it puts back land next to the new archive at X, and agave-validator (and
 * ledger-tool) load the highest slot, so the restart would start from an old snapshot without a
 * word. So undo refuses then, unless told: --include-new moves the new archive (and whatever
 * else create-snapshot made) into the quarantine first, journaled; --force does the old thing.
 */
function refusalAfterSuccess(summary: QuarantineSummary, newEntries: readonly NewEntry[], options: UndoServiceOptions): UserError | null {
  const holds = summary.items.quarantined + summary.items.unfinished + summary.items.conflicts;
  if (newEntries.length === 0 || holds === 0 || options.includeNew === true || options.force === true) return null;
  const created = summary.tool.created;
  const archive = created?.archivePath ?? newEntries[0]?.path ?? '';
  return new UserError(
    `${archive} was created by the apply of ${summary.dir} (slot ${created?.slot ?? summary.targetSlot}); putting the ${holds} moved item(s) back next to it would make the validator load an older snapshot instead, so undo changed nothing.`,
    {
      hint: `To give up this restart: snapplan undo --journal ${summary.journalPath} --include-new (moves the new archive aside into the quarantine first). To put the items back anyway and leave the new archive in place: add --force.`,
    },
  );
}

async function setAsideNew(journalPath: string, entries: readonly NewEntry[], options: UndoServiceOptions): Promise<MovedItem[]> {
  const { writer } = await JournalWriter.open(journalPath, { lenient: true });
  try {
    const result = await quarantine(
      entries.map((e) => ({ source: e.path, root: e.root, relativePath: e.relativePath, label: 'made by create-snapshot' })),
      { quarantineDir: path.dirname(journalPath), journal: writer, forceCopy: options.forceCopy, created: true },
    );
    return [...result.moved];
  } finally {
    await writer.close();
  }
}

/** The journal `undo` works on: --journal, or the newest quarantine of --ledger that still holds something. */
export async function chooseJournal(options: UndoServiceOptions, cwd: string): Promise<string> {
  if (options.journal !== undefined) {
    const given = path.resolve(cwd, options.journal);
    return given.endsWith(JOURNAL_FILE) ? given : path.join(given, JOURNAL_FILE);
  }
  if (options.ledger === undefined) {
    throw new UserError('undo needs --journal PATH or --ledger L.', { hint: 'snapplan status --ledger L lists the quarantines.' });
  }
  const backupDir = backupDirOf(options, cwd);
  const { quarantines, problems } = await listQuarantines(backupDir);
  // A damaged journal may hide items: such a quarantine is never "nothing to undo".
  const open = quarantines.filter((q) => q.items.quarantined > 0 || q.items.unfinished > 0 || q.items.conflicts > 0 || q.damaged.length > 0);
  const newest = open.at(-1);
  if (!newest) {
    const problem = problems.at(-1);
    if (problem) {
      throw new UserError(`No readable quarantine in ${backupDir} holds moved items, but ${problem.dir} cannot be read: ${problem.error.message}`, {
        hint: `Look into ${problem.dir} by hand: its journal.jsonl names every moved item and where it came from.`,
      });
    }
    throw new UserError(`Nothing to undo in ${backupDir}: no quarantine there still holds moved items.`, {
      hint: 'snapplan status --ledger L lists the quarantines; --journal PATH names one.',
    });
  }
  return newest.journalPath;
}

export function backupDirOf(options: { ledger?: string | undefined; backupDir?: string | undefined }, cwd: string): string {
  if (options.backupDir !== undefined) return path.resolve(cwd, options.backupDir);
  if (options.ledger === undefined) throw new UserError('Name the ledger (--ledger L) or the backup folder (--backup-dir DIR).');
  return path.join(path.resolve(cwd, options.ledger), 'snapplan-quarantine');
}
