import { open, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { JournalError } from '../../core/errors.js';
import { cutTornTail, splitJournal, writeDurably } from '../../ops/journal-file.js';
import { killPoint } from '../../ops/kill-point.js';
import { ensureDirectory, fsyncDirectory } from '../../ops/fs-util.js';
import { utcStamp } from '../../core/time.js';

/**
 * The k8s job journal: JSON lines, each fsync'd before the step it announces runs, so a crash
 * (power cut, SIGKILL, a closed laptop) leaves the replica count to scale back to. Separate from
 * the quarantine journal (src/ops/journal.ts), whose records describe file moves; both share
 * the file handling (src/ops/journal-file.ts): durable appends and torn-tail repair.
 */
export type ReplicaRecord =
  | { type: 'begin'; schemaVersion: 1; job: 'snapshot' | 'restore'; context: string; namespace: string; statefulset: string; replicas: number; at: string }
  | { type: 'scaled-down'; at: string }
  | { type: 'object'; action: 'applied' | 'deleted'; kind: string; name: string; at: string }
  | { type: 'scaled-back'; replicas: number; by: 'job' | 'undo'; at: string }
  | { type: 'done'; outcome: 'ok' | 'failed'; at: string }
  /** A line torn by a crash was cut off before appending (what it held, for the record). */
  | { type: 'repair'; tornBytes: number; tornText: string; at: string };

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
    await journal.write({ type: 'begin', schemaVersion: 1, ...begin }, 'wx');
    await fsyncDirectory(dir);
    return journal;
  }

  /**
   * Opens a journal to append to (k8s undo). A last line torn by a crash is cut off first and
   * kept in a `repair` record, as the quarantine journal does: appended after it, the next
   * record would share its line and be dropped with it on read.
   */
  static async open(file: string): Promise<ReplicaJournal> {
    const { torn } = splitJournal(await readJournalFile(file));
    const journal = new ReplicaJournal(file);
    if (torn !== null) {
      const handle = await open(file, 'r+');
      try {
        await cutTornTail(handle, torn);
      } finally {
        await handle.close();
      }
      await journal.append({ type: 'repair', tornBytes: torn.bytes, tornText: torn.text, at: new Date().toISOString() });
    }
    return journal;
  }

  append(record: ReplicaRecord): Promise<void> {
    return this.write(record, 'a');
  }

  private async write(record: ReplicaRecord, flag: 'a' | 'wx'): Promise<void> {
    const handle = await open(this.path, flag);
    try {
      await writeDurably(handle, JSON.stringify(record) + '\n');
    } finally {
      await handle.close();
    }
    // TEST-ONLY: the crash tests stop the process here (SNAPPLAN_TEST_KILL_AFTER).
    killPoint(`k8s-journal ${record.type}`);
  }
}

async function readJournalFile(file: string): Promise<Buffer> {
  return readFile(file).catch((error: unknown) => {
    throw new JournalError(`Cannot read ${file}: ${(error as Error).message}`, file);
  });
}

export async function readJournal(file: string): Promise<JournalState> {
  const records: ReplicaRecord[] = [];
  const { lines } = splitJournal(await readJournalFile(file));
  for (const line of lines) {
    if (line.text.trim() === '') continue;
    try {
      records.push(JSON.parse(line.text) as ReplicaRecord);
    } catch {
      // Only the last line can be torn by a crash mid-write (splitJournal set it apart); anything earlier is damage.
      throw new JournalError(`${file}: line ${line.number} is not JSON.`, file);
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
