import { open, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { JournalError } from '../../core/errors.js';
import { killPoint } from '../../ops/kill-point.js';
import { ensureDirectory, fsyncDirectory } from '../../ops/fs-util.js';
import { utcStamp } from '../../core/time.js';

/**
 * The k8s job journal: JSON lines, each fsync'd before the step it announces runs, so a crash
 * (power cut, SIGKILL, a closed laptop) leaves the replica count to scale back to. Separate from
 * the quarantine journal (src/ops/journal.ts), whose records describe file moves.
 */
export type ReplicaRecord =
  | { type: 'begin'; schemaVersion: 1; job: 'snapshot' | 'restore'; context: string; namespace: string; statefulset: string; replicas: number; at: string }
  | { type: 'scaled-down'; at: string }
  | { type: 'object'; action: 'applied' | 'deleted'; kind: string; name: string; at: string }
  | { type: 'scaled-back'; replicas: number; by: 'job' | 'undo'; at: string }
  | { type: 'done'; outcome: 'ok' | 'failed'; at: string };

export interface JournalState {
  readonly path: string;
  readonly begin: Extract<ReplicaRecord, { type: 'begin' }>;
  readonly scaledDown: boolean;
  readonly scaledBack: boolean;
  readonly done: boolean;
  readonly records: readonly ReplicaRecord[];
}

export class ReplicaJournal {
  private constructor(readonly path: string) {}

  static async create(dir: string, begin: Omit<Extract<ReplicaRecord, { type: 'begin' }>, 'type' | 'schemaVersion'>): Promise<ReplicaJournal> {
    await ensureDirectory(dir);
    const stamp = utcStamp(new Date(begin.at));
    const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');
    const file = path.join(dir, `${safe(begin.context)}_${safe(begin.namespace)}_${safe(begin.statefulset)}_${begin.job}_${stamp}.jsonl`);
    const journal = new ReplicaJournal(file);
    await journal.append({ type: 'begin', schemaVersion: 1, ...begin }, 'wx');
    await fsyncDirectory(dir);
    return journal;
  }

  static open(file: string): ReplicaJournal {
    return new ReplicaJournal(file);
  }

  async append(record: ReplicaRecord, flag: 'a' | 'wx' = 'a'): Promise<void> {
    const handle = await open(this.path, flag);
    try {
      await handle.write(JSON.stringify(record) + '\n');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // TEST-ONLY: the crash tests stop the process here (SNAPPLAN_TEST_KILL_AFTER).
    killPoint(`k8s-journal ${record.type}`);
  }
}

export async function readJournal(file: string): Promise<JournalState> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new JournalError(`Cannot read ${file}: ${(error as Error).message}`, file);
  });
  const records: ReplicaRecord[] = [];
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as ReplicaRecord);
    } catch {
      // Only the last line can be torn by a crash mid-write; anything earlier is damage.
      if (i === lines.length - 1 || lines.slice(i + 1).every((l) => l.trim() === '')) break;
      throw new JournalError(`${file}: line ${i + 1} is not JSON.`, file);
    }
  }
  const begin = records[0];
  if (begin?.type !== 'begin') throw new JournalError(`${file} is not a snapplan k8s journal.`, file);
  if (begin.schemaVersion !== 1) throw new JournalError(`${file} has schemaVersion ${String(begin.schemaVersion)}; this snapplan reads 1.`, file);
  return {
    path: file,
    begin,
    scaledDown: records.some((r) => r.type === 'scaled-down'),
    scaledBack: records.some((r) => r.type === 'scaled-back'),
    done: records.some((r) => r.type === 'done'),
    records,
  };
}

/** Journals in `dir` whose StatefulSet was never scaled back, newest first. */
export async function unfinishedJournals(dir: string, filter: { statefulset?: string; namespace?: string }): Promise<JournalState[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const states: JournalState[] = [];
  for (const name of names.filter((n) => n.endsWith('.jsonl')).sort().reverse()) {
    const state = await readJournal(path.join(dir, name)).catch(() => null);
    // A begin without scaled-down may still have scaled (crash after the call, before the record): scaling back to the recorded count is harmless.
    if (!state || state.scaledBack || state.done) continue;
    if (filter.statefulset !== undefined && state.begin.statefulset !== filter.statefulset) continue;
    if (filter.namespace !== undefined && state.begin.namespace !== filter.namespace) continue;
    states.push(state);
  }
  return states;
}
