import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { lstatOrNull, fsyncDirectory } from './fs-util.js';
import { readJournal } from './journal.js';
import { foldJournal } from './journal-state.js';
import type { QuarantineSummary } from './quarantine-status.js';

/**
 * `snapplan prune`: deletes old quarantines whose work is over. A quarantine may go only when
 * it is finished (every item put back, or an apply that completed, or one that failed before it
 * held anything), its journal reads whole, nothing in it is unfinished or refused, and every
 * item the journal says it holds is there with the recorded size ("verified"). Anything else
 * is kept and the reason given: an interrupted or damaged quarantine may still be needed by
 * `undo`. The newest `keep` finished ones always stay (the restart that is running now).
 */

export interface PruneRules {
  /** Only quarantines created before this instant. */
  readonly olderThan: Date;
  /** The newest this many finished quarantines stay whatever their age. */
  readonly keep: number;
}

export interface PruneDecision {
  readonly quarantine: QuarantineSummary;
  readonly prune: boolean;
  /** Why it goes, or why it stays. */
  readonly reason: string;
  /** Bytes in it: held items and safety copies (hard links free space only with their original). */
  readonly bytes: number;
}

/** Why a quarantine is not finished, or null when it is. */
function unfinished(q: QuarantineSummary): string | null {
  if (q.damaged.length > 0) return `its journal is damaged (line ${q.damaged.map((d) => d.line).join(', ')}): look at it by hand`;
  if (q.items.unfinished > 0 || q.state === 'crashed') return 'a run stopped half-way in it: run undo first';
  if (q.state === 'in-progress') return 'its apply is still running';
  if (q.items.conflicts > 0 || q.state === 'partly-undone') return 'undo refused some of its items: finish the undo first';
  if ((q.state === 'failed' || q.state === 'cancelled') && q.items.quarantined > 0) return `its apply ${q.state === 'failed' ? 'failed' : 'was cancelled'} and it holds ${q.items.quarantined} moved item(s): undo it, or delete it by hand`;
  if (q.state === 'complete' && q.tool.state !== 'succeeded' && q.tool.state !== 'not-run') return 'its create-snapshot did not succeed';
  return null;
}

/** Every item the journal says is held is there, with the size it had when it was moved. */
async function unverified(q: QuarantineSummary): Promise<string | null> {
  const state = foldJournal(await readJournal(q.journalPath, { lenient: true }));
  for (const item of state.items) {
    if (!item.done || item.undone !== null) continue;
    const stats = await lstatOrNull(item.intent.destination);
    if (stats === null) return `${item.intent.destination} is missing although its journal says it holds it`;
    if (item.intent.kind === 'file' && stats.size !== item.intent.size) return `${item.intent.destination} has ${stats.size} bytes, the journal recorded ${item.intent.size}`;
  }
  for (const k of state.kept) {
    const stats = await lstatOrNull(k.destination);
    if (stats === null) return `the safety copy ${k.destination} is missing`;
    if (stats.size !== k.size) return `the safety copy ${k.destination} has ${stats.size} bytes, the journal recorded ${k.size}`;
  }
  return null;
}

/** Decides, oldest first, which quarantines go. Read-only. */
export async function choosePrunable(quarantines: readonly QuarantineSummary[], rules: PruneRules): Promise<PruneDecision[]> {
  const finished = quarantines.filter((q) => unfinished(q) === null);
  const newest = new Set(finished.slice(-Math.max(0, rules.keep)).map((q) => q.dir));
  const decisions: PruneDecision[] = [];
  for (const q of quarantines) {
    const bytes = q.bytes.quarantined + q.bytes.kept;
    const decide = (prune: boolean, reason: string) => decisions.push({ quarantine: q, prune, reason, bytes });
    const why = unfinished(q);
    if (why !== null) decide(false, why);
    else if (rules.keep > 0 && newest.has(q.dir)) decide(false, `one of the newest ${rules.keep} finished (--keep ${rules.keep})`);
    else if (new Date(q.createdAt) >= rules.olderThan) decide(false, `newer than ${rules.olderThan.toISOString()}`);
    else {
      const problem = await unverified(q);
      if (problem !== null) decide(false, `does not match its journal: ${problem}`);
      else decide(true, q.state === 'undone' ? 'everything was put back; only safety copies and the journal are left' : q.items.quarantined > 0 ? 'the snapshots it holds belong to a finished restart' : 'it holds no moved items');
    }
  }
  return decisions;
}

/**
 * Deletes one quarantine: first renamed out of the quarantine name pattern (so a crash in the
 * middle never leaves a half-deleted folder that status or undo would read), then removed.
 * `rm` does not follow symlinks: nothing outside the folder is touched.
 */
export async function deleteQuarantine(dir: string): Promise<void> {
  const parent = path.dirname(dir);
  const doomed = path.join(parent, `.pruning-${path.basename(dir)}`);
  await rename(dir, doomed);
  await fsyncDirectory(parent);
  await rm(doomed, { recursive: true, force: true });
}
