import { constants as fsConstants } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { JournalError } from '../core/errors.js';
import type { Slot } from '../core/slot.js';
import { toJson } from '../core/json.js';
import { fsyncDirectory } from './fs-util.js';
import { cutTornTail, splitJournal, writeDurably, type TornTail } from './journal-file.js';
import { killPoint } from './kill-point.js';

/**
 * The quarantine journal: JSON lines, one record per line, each line written with a single
 * `write` on an O_APPEND descriptor and fsync'd before the action it announces. It is the only
 * memory `undo` has: every record carries absolute paths, so undo never has to guess.
 *
 * The protocol for one move (see quarantine.ts):
 *   intent  → (rename | copy to .staging, verify, rename into place) → [copied] → (delete source) → done
 * `copied` exists only for copies: it is written once the destination is complete and verified,
 * before the first byte of the source is deleted. So "intent without copied" means the source was
 * never touched, whatever state the destination is in.
 *
 * Versioned: every line has `"v":1`. A reader meeting another version refuses rather than guess.
 */
export const JOURNAL_VERSION = 1;
export const JOURNAL_FILE = 'journal.jsonl';

export type MoveMethod = 'rename' | 'copy';
export type EntryKind = 'file' | 'directory' | 'symlink';

export interface HeaderRecord {
  readonly v: 1;
  readonly type: 'header';
  readonly format: 'snapplan-quarantine';
  readonly createdAt: string;
  readonly tool: { readonly name: string; readonly version: string };
  readonly user: string;
  readonly uid: number;
  readonly host: string;
  readonly pid: number;
  /** Start time of the writing process (clock ticks since boot), to tell a crash from a run. */
  readonly pidStart: string | null;
  readonly bootId: string | null;
  readonly ledger: string;
  readonly targetSlot: Slot;
  readonly command?: string | undefined;
  readonly quarantineDir: string;
}

export interface IntentRecord {
  readonly v: 1;
  readonly type: 'intent';
  readonly id: string;
  readonly at: string;
  readonly source: string;
  readonly destination: string;
  readonly root: string;
  readonly rootKey: string;
  readonly relativePath: string;
  readonly method: MoveMethod;
  readonly kind: EntryKind;
  /** Bytes of regular files (the whole tree for a directory). */
  readonly size: number;
  /** Number of entries (1 for a file or symlink; the tree's entries for a directory). */
  readonly entries: number;
  readonly label?: string | undefined;
  /**
   * The item did not exist before the apply: ledger-tool made it (the new archive, a bank
   * snapshot), and it was moved aside afterwards (a bank hash or shred version that differs
   * from the announcement, or `undo --include-new`). Undo leaves it in the quarantine: putting
   * it back would make the validator load a snapshot that the undo is meant to give up.
   */
  readonly created?: boolean | undefined;
}

/** A copy is complete and verified at `destination`; the source may now be deleted. */
export interface CopiedRecord {
  readonly v: 1;
  readonly type: 'copied';
  readonly id: string;
  /** sha256 of the file, or for a directory of its manifest (see tree.ts). */
  readonly sha256: string;
  readonly size: number;
  readonly entries: number;
}

export interface DoneRecord {
  readonly v: 1;
  readonly type: 'done';
  readonly id: string;
}

/** The move of this item failed before its source was touched; nothing of it is in quarantine. */
export interface FailedRecord {
  readonly v: 1;
  readonly type: 'failed';
  readonly id: string;
  readonly error: string;
}

/** A safety copy (hard link or verified copy) kept in the quarantine; undo leaves it there. */
export interface KeepRecord {
  readonly v: 1;
  readonly type: 'keep';
  readonly id: string;
  readonly at: string;
  readonly source: string;
  readonly destination: string;
  readonly method: 'link' | 'copy';
  readonly size: number;
  readonly sha256?: string | undefined;
  readonly label?: string | undefined;
}

/** An entry ledger-tool left in a snapshot folder, with the root it would be moved aside from. */
export interface NewEntry {
  readonly path: string;
  readonly root: string;
  readonly relativePath: string;
}

/** agave-ledger-tool create-snapshot is about to start (the moves are done and journaled). */
export interface ToolStartRecord {
  readonly v: 1;
  readonly type: 'tool-start';
  readonly at: string;
  readonly command: readonly string[];
  readonly logFile: string;
}

export type ToolOutcome = 'succeeded' | 'failed' | 'timed-out' | 'interrupted';

/** create-snapshot ended; `created` and `newEntries` only when it succeeded. */
export interface ToolEndRecord {
  readonly v: 1;
  readonly type: 'tool-end';
  readonly at: string;
  readonly outcome: ToolOutcome;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly message?: string | undefined;
  /** Slot as a decimal string (u64). */
  readonly created?: { readonly slot: string; readonly bankHash: string; readonly shredVersion: number | null; readonly archivePath: string } | undefined;
  /** Archives and bank snapshots at or after X found after the run: all new, since the older ones had been moved aside. */
  readonly newEntries?: readonly NewEntry[] | undefined;
}

export type CloseOutcome = 'complete' | 'failed' | 'cancelled';

/** The forward run is over: no more intents will follow (undo records still may). */
export interface ClosedRecord {
  readonly v: 1;
  readonly type: 'closed';
  readonly at: string;
  readonly outcome: CloseOutcome;
  readonly message?: string | undefined;
}

export interface UndoStartRecord {
  readonly v: 1;
  readonly type: 'undo-start';
  readonly at: string;
  readonly pid: number;
  readonly host: string;
}

export interface UndoIntentRecord {
  readonly v: 1;
  readonly type: 'undo-intent';
  readonly id: string;
}

export type UndoneHow = 'moved-back' | 'never-moved' | 'already-in-place';

export interface UndoneRecord {
  readonly v: 1;
  readonly type: 'undone';
  readonly id: string;
  readonly how: UndoneHow;
}

export interface UndoConflictRecord {
  readonly v: 1;
  readonly type: 'undo-conflict';
  readonly id: string;
  readonly reason: string;
  readonly paths: readonly string[];
}

export interface UndoEndRecord {
  readonly v: 1;
  readonly type: 'undo-end';
  readonly at: string;
  readonly restored: number;
  readonly conflicts: number;
  readonly missing: number;
}

/** Written when a writer reopens a journal whose last line was torn by a crash. */
export interface RepairRecord {
  readonly v: 1;
  readonly type: 'repair';
  readonly at: string;
  readonly tornBytes: number;
  readonly tornText: string;
}

export type JournalRecord =
  | IntentRecord
  | CopiedRecord
  | DoneRecord
  | FailedRecord
  | KeepRecord
  | ClosedRecord
  | UndoStartRecord
  | UndoIntentRecord
  | UndoneRecord
  | UndoConflictRecord
  | UndoEndRecord
  | RepairRecord
  | ToolStartRecord
  | ToolEndRecord;

type WithoutV<T> = T extends unknown ? Omit<T, 'v'> : never;
export type NewRecord = WithoutV<JournalRecord>;
export type NewHeader = Omit<HeaderRecord, 'v' | 'type' | 'format'>;

export type { TornTail };

/** A line before the last that does not read as a record (lenient reading only). */
export interface DamagedLine {
  /** 1-based line number in the journal. */
  readonly line: number;
  readonly reason: string;
}

export interface JournalContents {
  readonly path: string;
  readonly header: HeaderRecord;
  readonly records: readonly JournalRecord[];
  /** The last line, cut short by a crash in the middle of its write; null when intact. */
  readonly torn: TornTail | null;
  /** Unreadable lines in the middle, skipped (lenient reading); always empty otherwise. */
  readonly damaged: readonly DamagedLine[];
}

export interface ReadJournalOptions {
  /**
   * Skip unreadable lines after the header instead of refusing the whole journal, and list them
   * in `damaged`: status and undo then still see (and put back) what the readable records say.
   */
  readonly lenient?: boolean | undefined;
}

/** Fields each record type must have, with their JSON types; checked on read. */
const REQUIRED: Record<JournalRecord['type'] | 'header', Record<string, 'string' | 'number' | 'object'>> = {
  header: { createdAt: 'string', host: 'string', pid: 'number', ledger: 'string', targetSlot: 'number', quarantineDir: 'string' },
  intent: {
    id: 'string', source: 'string', destination: 'string', root: 'string', rootKey: 'string',
    relativePath: 'string', method: 'string', kind: 'string', size: 'number', entries: 'number',
  },
  copied: { id: 'string', sha256: 'string', size: 'number', entries: 'number' },
  done: { id: 'string' },
  failed: { id: 'string', error: 'string' },
  keep: { id: 'string', source: 'string', destination: 'string', method: 'string', size: 'number' },
  closed: { outcome: 'string' },
  'undo-start': { pid: 'number' },
  'undo-intent': { id: 'string' },
  undone: { id: 'string', how: 'string' },
  'undo-conflict': { id: 'string', reason: 'string', paths: 'object' },
  'undo-end': { restored: 'number', conflicts: 'number', missing: 'number' },
  repair: { tornBytes: 'number' },
  'tool-start': { at: 'string', logFile: 'string' },
  'tool-end': { at: 'string', outcome: 'string' },
};

function parseRecord(line: string, lineNo: number, journalPath: string): HeaderRecord | JournalRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (cause) {
    throw new JournalError(`${journalPath}, line ${lineNo}: not valid JSON.`, journalPath, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JournalError(`${journalPath}, line ${lineNo}: not a journal record.`, journalPath);
  }
  const record = value as Record<string, unknown>;
  if (record.v !== JOURNAL_VERSION) {
    throw new JournalError(
      `${journalPath}, line ${lineNo}: journal format version ${JSON.stringify(record.v)} is not supported (this snapplan reads version ${JOURNAL_VERSION}).`,
      journalPath,
      { hint: 'Use the snapplan version that wrote this journal.' },
    );
  }
  const type = record.type;
  const required = typeof type === 'string' ? REQUIRED[type as keyof typeof REQUIRED] : undefined;
  if (required === undefined) {
    throw new JournalError(`${journalPath}, line ${lineNo}: unknown record type ${JSON.stringify(type)}.`, journalPath);
  }
  for (const [field, kind] of Object.entries(required)) {
    if (typeof record[field] !== kind || record[field] === null) {
      throw new JournalError(`${journalPath}, line ${lineNo}: ${String(type)} record without a valid "${field}".`, journalPath);
    }
  }
  if (type === 'header') {
    // JSON.parse rounds integers above 2^53; read the slot's digits from the text instead.
    const digits = /"targetSlot":\s*([0-9]+)/.exec(line)?.[1];
    if (digits === undefined) throw new JournalError(`${journalPath}, line ${lineNo}: bad targetSlot.`, journalPath);
    return { ...(record as unknown as HeaderRecord), targetSlot: BigInt(digits) };
  }
  return record as unknown as JournalRecord;
}

/**
 * Reads a journal. A last line that does not end in a newline, or that does not parse, is a
 * write cut short by a crash: it is reported in `torn` and ignored. Its action never started,
 * because every record is on disk before its action begins. A bad line anywhere else is
 * corruption and an error.
 */
export async function readJournal(journalPath: string, options: ReadJournalOptions = {}): Promise<JournalContents> {
  let buffer: Buffer;
  try {
    buffer = await readFile(journalPath);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      // Common: apply ran as root or the validator's user, status/undo as someone else.
      const uid = process.getuid?.();
      const remedy = 'run snapplan as the user who ran apply (usually the validator\'s user) or as root';
      throw new JournalError(`Cannot read the journal ${journalPath}: permission denied${uid === undefined ? '' : ` (snapplan runs as uid ${uid})`}; ${remedy}.`, journalPath, { cause, hint: `Nothing was changed; ${remedy}.` });
    }
    throw new JournalError(`Cannot read the journal ${journalPath}: ${(cause as Error).message}.`, journalPath, { cause });
  }
  const { lines, torn } = splitJournal(buffer);
  const parsed: (HeaderRecord | JournalRecord)[] = [];
  const damaged: DamagedLine[] = [];
  /** The header must read; after it, a lenient reader skips and lists what does not. */
  const parseOrSkip = (text: string, lineNo: number): void => {
    if (options.lenient !== true || lineNo === 1) {
      parsed.push(parseRecord(text, lineNo, journalPath));
      return;
    }
    try {
      const record = parseRecord(text, lineNo, journalPath);
      if (record.type === 'header') damaged.push({ line: lineNo, reason: 'a second header' });
      else parsed.push(record);
    } catch (error) {
      if (!(error instanceof JournalError)) throw error;
      damaged.push({ line: lineNo, reason: error.message.replace(`${journalPath}, line ${lineNo}: `, '') });
    }
  };
  for (const line of lines) parseOrSkip(line.text, line.number);
  const [header, ...rest] = parsed;
  if (header === undefined && torn !== null) {
    throw new JournalError(`${journalPath} was cut short before its header was complete: the run stopped before moving anything.`, journalPath, {
      hint: 'Nothing needs undoing; the quarantine folder can be deleted.',
    });
  }
  if (header === undefined || header.type !== 'header') {
    throw new JournalError(`${journalPath} does not start with a snapplan journal header.`, journalPath);
  }
  if (rest.some((r) => r.type === 'header')) {
    throw new JournalError(`${journalPath} has a second header.`, journalPath);
  }
  return { path: journalPath, header, records: rest as JournalRecord[], torn, damaged };
}

/**
 * Appends records. Appends are serialised (one write + one fsync at a time), so records of
 * concurrent moves never interleave inside a line. `append([...])` is a group commit: several
 * records in one write and one fsync, each still on disk before the action it announces.
 */
export class JournalWriter {
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private broken: Error | undefined;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private nextNumber: number,
  ) {}

  /** Creates a new journal (never reuses a file) with its header; fsyncs the file and its folder. */
  static async create(journalPath: string, header: NewHeader): Promise<JournalWriter> {
    const handle = await open(
      journalPath,
      fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_APPEND,
      0o644,
    );
    const writer = new JournalWriter(journalPath, handle, 1);
    try {
      await writer.writeLines([{ v: JOURNAL_VERSION, type: 'header', format: 'snapplan-quarantine', ...header }]);
      await fsyncDirectory(path.dirname(journalPath));
    } catch (error) {
      await handle.close();
      throw error;
    }
    return writer;
  }

  /**
   * Opens an existing journal to append (undo, or a second `quarantine` call). A torn last line
   * is cut off first, so the next record starts on a line of its own, and a `repair` record
   * keeps what was cut.
   */
  static async open(journalPath: string, options: ReadJournalOptions = {}): Promise<{ writer: JournalWriter; contents: JournalContents }> {
    const contents = await readJournal(journalPath, options);
    const handle = await open(journalPath, fsConstants.O_RDWR | fsConstants.O_APPEND);
    const ids = contents.records.flatMap((r) => ('id' in r ? [r.id] : []));
    const highest = ids.reduce((max, id) => Math.max(max, Number(/[0-9]+$/.exec(id)?.[0] ?? 0)), 0);
    const writer = new JournalWriter(journalPath, handle, highest + 1);
    try {
      if (contents.torn !== null) {
        await cutTornTail(handle, contents.torn);
        await writer.append({
          type: 'repair',
          at: new Date().toISOString(),
          tornBytes: contents.torn.bytes,
          tornText: contents.torn.text,
        });
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    return { writer, contents };
  }

  /** A new item id, unique within this journal (`q12` for moves, `k3` for kept copies). */
  newId(prefix: 'q' | 'k'): string {
    const id = `${prefix}${this.nextNumber}`;
    this.nextNumber += 1;
    return id;
  }

  /** Appends one record or a group, durably, before returning. */
  append(records: NewRecord | readonly NewRecord[]): Promise<void> {
    const list = Array.isArray(records) ? (records as readonly NewRecord[]) : [records as NewRecord];
    const lines = list.map((r) => ({ v: JOURNAL_VERSION, ...r }));
    const next = this.queue.then(() => this.writeLines(lines));
    // Keep the queue usable after a failed write; the caller still sees the error.
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async writeLines(lines: readonly object[]): Promise<void> {
    if (this.closed) throw new JournalError(`The journal ${this.path} is already closed.`, this.path);
    if (this.broken !== undefined) {
      // A failed write may have left half a line: anything appended now would follow it on the
      // same line and corrupt the journal in its middle. Stop here; the torn tail stays last.
      throw new JournalError(`The journal ${this.path} could not be written (${this.broken.message}); stopping.`, this.path, { cause: this.broken });
    }
    try {
      await this.writeLinesUnchecked(lines);
    } catch (error) {
      this.broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    }
  }

  private async writeLinesUnchecked(lines: readonly object[]): Promise<void> {
    // Only the header holds a bigint (the slot); JSON.stringify is much faster for the rest.
    const text = lines.map((line) => ((line as { type?: string }).type === 'header' ? toJson(line, 0) : JSON.stringify(line)) + '\n');
    await writeDurably(this.handle, text.join(''), { tornKillPoint: true });
    killPoint('journal');
  }

  /** Closes the file (does not write `closed`: that is `append({type: 'closed', ...})`). */
  async close(): Promise<void> {
    await this.queue;
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}
