import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { SnapplanError } from '../core/errors.js';
import { isErrno } from '../core/fs-errors.js';
import type { Slot } from '../core/slot.js';
import { lstatOrNull } from './fs-util.js';
import { JOURNAL_FILE, readJournal } from './journal.js';
import type { CloseOutcome, DamagedLine, HeaderRecord, KeepRecord, NewEntry, ToolOutcome } from './journal.js';
import { foldJournal } from './journal-state.js';
import type { JournalState } from './journal-state.js';
import { liveness } from './process-identity.js';
import type { Liveness } from './process-identity.js';
import { QUARANTINE_FOLDER_PATTERN } from './quarantine-dir.js';

/**
 * - `in-progress`: the forward run has not closed the journal and its process still runs
 *   (or runs on another host, where we cannot tell);
 * - `crashed`: not closed and its process is gone: run undo;
 * - `complete` / `failed` / `cancelled`: closed with that outcome; items stay in quarantine;
 * - `undone`: every moved item was put back;
 * - `partly-undone`: an undo ran but some items are still in quarantine (conflicts, or it crashed).
 */
export type QuarantineState = 'in-progress' | 'crashed' | 'complete' | 'failed' | 'cancelled' | 'undone' | 'partly-undone';

/** create-snapshot as the journal tells it; `running` only while its snapplan still runs. */
export type ToolState = 'not-run' | 'running' | ToolOutcome;

export interface QuarantineSummary {
  readonly dir: string;
  readonly journalPath: string;
  readonly createdAt: string;
  readonly targetSlot: Slot;
  readonly ledger: string;
  readonly state: QuarantineState;
  readonly writer: { readonly pid: number; readonly host: string; readonly liveness: Liveness };
  readonly items: {
    /** Items announced. */
    readonly total: number;
    /** In the quarantine now (moved, not undone). */
    readonly quarantined: number;
    /** Announced without a recorded outcome (a crash; undo resolves them). */
    readonly unfinished: number;
    readonly undone: number;
    /** Failed before the source was touched, or never started. */
    readonly notMoved: number;
    /** Refused by the last undo (something in the way, or a copy that failed its sha256 check). */
    readonly conflicts: number;
    /** Made by the apply (ledger-tool's output) and moved aside; undo leaves them here. */
    readonly createdAside: number;
  };
  readonly tool: {
    readonly state: ToolState;
    readonly command: readonly string[] | null;
    readonly logFile: string | null;
    readonly created: { readonly slot: string; readonly bankHash: string; readonly shredVersion: number | null; readonly archivePath: string } | null;
    readonly newEntries: readonly NewEntry[];
  };
  /** Journal lines that could not be read (skipped): the quarantine may hold more than it says. */
  readonly damaged: readonly DamagedLine[];
  readonly bytes: { readonly quarantined: number; readonly kept: number };
  readonly kept: readonly KeepRecord[];
  /** The journal's last line was cut by a crash. */
  readonly tornLine: boolean;
}

export interface StatusProblem {
  readonly dir: string;
  readonly error: SnapplanError;
}

function outcomeState(outcome: CloseOutcome): QuarantineState {
  return outcome;
}

export function summarise(dir: string, journalPath: string, state: JournalState): QuarantineSummary {
  const header: HeaderRecord = state.header;
  const life = liveness({ pid: header.pid, hostname: header.host, startTicks: header.pidStart, bootId: header.bootId });
  let quarantined = 0;
  let unfinished = 0;
  let undone = 0;
  let notMoved = 0;
  let conflicts = 0;
  let createdAside = 0;
  let bytes = 0;
  for (const item of state.items) {
    if (item.created && item.undone === null) {
      if (item.done) createdAside += 1;
      else if (!item.failed) unfinished += 1;
    } else if (item.undone !== null) {
      if (item.undone.how === 'never-moved') notMoved += 1;
      else undone += 1;
    } else if (item.failed && item.copied === null) {
      notMoved += 1;
    } else if (item.done) {
      quarantined += 1;
      bytes += item.intent.size;
    } else {
      unfinished += 1;
    }
    if (item.conflict !== null) conflicts += 1;
  }
  let stateName: QuarantineState;
  if (state.undoRuns > 0) {
    stateName = quarantined + unfinished === 0 ? 'undone' : 'partly-undone';
  } else if (state.closed !== null) {
    stateName = outcomeState(state.closed.outcome);
  } else {
    stateName = life === 'dead' ? 'crashed' : 'in-progress';
  }
  const { start, end } = state.tool;
  const toolState: ToolState = start === null ? 'not-run' : end !== null ? end.outcome : state.closed === null && life !== 'dead' ? 'running' : 'interrupted';
  return {
    dir,
    journalPath,
    createdAt: header.createdAt,
    targetSlot: header.targetSlot,
    ledger: header.ledger,
    state: stateName,
    writer: { pid: header.pid, host: header.host, liveness: life },
    items: { total: state.items.length, quarantined, unfinished, undone, notMoved, conflicts, createdAside },
    tool: {
      state: toolState,
      command: start?.command ?? null,
      logFile: start?.logFile ?? null,
      created: end?.created ?? null,
      newEntries: end?.newEntries ?? [],
    },
    damaged: state.damaged,
    bytes: { quarantined: bytes, kept: state.kept.reduce((sum, k) => sum + k.size, 0) },
    kept: state.kept,
    tornLine: state.torn !== null,
  };
}

/** Reads one quarantine's journal. */
export async function quarantineStatus(quarantineDir: string): Promise<QuarantineSummary> {
  const journalPath = path.join(quarantineDir, JOURNAL_FILE);
  return summarise(quarantineDir, journalPath, foldJournal(await readJournal(journalPath, { lenient: true })));
}

/**
 * Every `snapplan-<timestamp>-slot-<X>/` folder under `backupDir`, oldest first. A folder whose
 * journal cannot be read is listed in `problems` rather than hiding the others.
 */
export async function listQuarantines(backupDir: string): Promise<{ quarantines: QuarantineSummary[]; problems: StatusProblem[] }> {
  let names: string[];
  try {
    names = await readdir(backupDir);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return { quarantines: [], problems: [] };
    throw error;
  }
  const quarantines: QuarantineSummary[] = [];
  const problems: StatusProblem[] = [];
  for (const name of names.filter((n) => QUARANTINE_FOLDER_PATTERN.test(n)).sort()) {
    const dir = path.join(backupDir, name);
    const stats = await lstatOrNull(dir);
    if (stats === null || !stats.isDirectory()) continue;
    try {
      quarantines.push(await quarantineStatus(dir));
    } catch (error) {
      if (typeof error === 'object' && error !== null && 'exitCode' in error) problems.push({ dir, error: error as SnapplanError });
      else throw error;
    }
  }
  return { quarantines, problems };
}
