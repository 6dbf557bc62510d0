import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { acquireLock } from '../../ops/lock.js';
import { listQuarantines, quarantineStatus, type QuarantineSummary } from '../../ops/quarantine-status.js';
import { restoreKeptCopies, type RestoredKept } from '../../ops/preserve-copies.js';
import { undo, type UndoResult } from '../../ops/undo.js';
import { JOURNAL_FILE } from '../../ops/journal.js';
import { LOCK_FILE } from './apply-service.js';

export interface UndoServiceOptions {
  readonly journal?: string | undefined;
  readonly ledger?: string | undefined;
  readonly backupDir?: string | undefined;
  readonly forceCopy?: boolean | undefined;
}

export interface UndoOutcome {
  readonly quarantine: QuarantineSummary;
  readonly result: UndoResult;
  /** Base archives that had disappeared (agave#3198), re-created from the safety copies. */
  readonly recreated: readonly RestoredKept[];
}

/**
 * `snapplan undo`: puts a quarantine's items back from its journal, holding the ledger's lock.
 * With --ledger it takes the newest quarantine that still holds something.
 */
export async function undoQuarantine(options: UndoServiceOptions, env: { cwd: string; signal?: AbortSignal | undefined; onProgress?: (text: string) => void }): Promise<UndoOutcome> {
  const journalPath = await chooseJournal(options, env.cwd);
  const summary = await quarantineStatus(path.dirname(journalPath));
  const lock = await acquireLock(path.join(summary.ledger, LOCK_FILE), { purpose: `undo ${path.basename(summary.dir)}` });
  try {
    const result = await undo(journalPath, {
      forceCopy: options.forceCopy,
      signal: env.signal,
      onProgress: (p) => env.onProgress?.(`[${p.index + 1}/${p.total}] ${p.outcome}: ${p.source}`),
    });
    // The safety copies stay in the quarantine, but a base archive that vanished (a ledger-tool
    // that emptied the snapshot folder) is linked back: only missing originals are touched.
    const recreated = await restoreKeptCopies(result.kept, { forceCopy: options.forceCopy });
    return { quarantine: await quarantineStatus(path.dirname(journalPath)), result, recreated };
  } finally {
    await lock.release();
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
  const { quarantines } = await listQuarantines(backupDir);
  const open = quarantines.filter((q) => q.items.quarantined > 0 || q.items.unfinished > 0 || q.items.conflicts > 0);
  const newest = open.at(-1);
  if (!newest) {
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
