import type {
  ClosedRecord,
  CopiedRecord,
  DamagedLine,
  HeaderRecord,
  IntentRecord,
  JournalContents,
  KeepRecord,
  ToolEndRecord,
  ToolStartRecord,
  TornTail,
  UndoConflictRecord,
  UndoEndRecord,
  UndoneRecord,
} from './journal.js';

/** Everything the journal says about one quarantined item. */
export interface ItemState {
  /** The latest intent for the item (a rename that hit EXDEV is re-announced as a copy). */
  readonly intent: IntentRecord;
  readonly copied: CopiedRecord | null;
  readonly done: boolean;
  /** The forward move failed before the source was touched. */
  readonly failed: boolean;
  /** An undo began to put this item back (and may have crashed). */
  readonly undoIntent: boolean;
  readonly undone: UndoneRecord | null;
  /** The last undo refused this item; cleared when a later undo succeeds. */
  readonly conflict: UndoConflictRecord | null;
  /** Made by the apply and moved aside afterwards (intent.created): undo leaves it here. */
  readonly created: boolean;
}

export interface JournalState {
  readonly header: HeaderRecord;
  readonly items: readonly ItemState[];
  readonly kept: readonly KeepRecord[];
  readonly closed: ClosedRecord | null;
  readonly undoRuns: number;
  readonly lastUndoEnd: UndoEndRecord | null;
  readonly torn: TornTail | null;
  /** create-snapshot: its start and its end, as journaled (null when it never started / ended). */
  readonly tool: { readonly start: ToolStartRecord | null; readonly end: ToolEndRecord | null };
  readonly damaged: readonly DamagedLine[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Folds the records into one state per item, in the order the items were first announced. */
export function foldJournal(contents: JournalContents): JournalState {
  const items = new Map<string, Mutable<ItemState>>();
  const kept: KeepRecord[] = [];
  let closed: ClosedRecord | null = null;
  let undoRuns = 0;
  let lastUndoEnd: UndoEndRecord | null = null;
  let toolStart: ToolStartRecord | null = null;
  let toolEnd: ToolEndRecord | null = null;
  for (const record of contents.records) {
    switch (record.type) {
      case 'intent': {
        const existing = items.get(record.id);
        if (existing) {
          existing.intent = record;
          existing.created = record.created === true;
        } else {
          items.set(record.id, { intent: record, copied: null, done: false, failed: false, undoIntent: false, undone: null, conflict: null, created: record.created === true });
        }
        break;
      }
      case 'copied':
      case 'done':
      case 'failed':
      case 'undo-intent':
      case 'undone':
      case 'undo-conflict': {
        const item = items.get(record.id);
        if (!item) break;
        if (record.type === 'copied') item.copied = record;
        else if (record.type === 'done') item.done = true;
        else if (record.type === 'failed') item.failed = true;
        else if (record.type === 'undo-intent') item.undoIntent = true;
        else if (record.type === 'undone') {
          item.undone = record;
          item.conflict = null;
        } else item.conflict = record;
        break;
      }
      case 'keep':
        kept.push(record);
        break;
      case 'closed':
        closed = record;
        break;
      case 'undo-start':
        undoRuns += 1;
        break;
      case 'undo-end':
        lastUndoEnd = record;
        break;
      case 'repair':
        break;
      case 'tool-start':
        toolStart = record;
        toolEnd = null;
        break;
      case 'tool-end':
        toolEnd = record;
        break;
    }
  }
  return {
    header: contents.header,
    items: [...items.values()],
    kept,
    closed,
    undoRuns,
    lastUndoEnd,
    torn: contents.torn,
    tool: { start: toolStart, end: toolEnd },
    damaged: contents.damaged,
  };
}
