import { tryParseU64, type Slot } from '../../core/slot.js';

/**
 * What `agave-ledger-tool create-snapshot` reports, line by line (ledger-tool/src/main.rs; the
 * stdout lines are stable since 1.x). The slot comes from the output, never from the request:
 * state edits (--deactivate-feature-gate, --destake-vote-account, …) make it X+1.
 */
export type CreateSnapshotEvent =
  | { readonly type: 'creating'; readonly slot: Slot; readonly incremental: boolean }
  | { readonly type: 'created'; readonly slot: Slot; readonly bankHash: string; readonly path: string; readonly baseSlot: Slot | null }
  | { readonly type: 'capitalization-change'; readonly lamports: string }
  | { readonly type: 'shred-version'; readonly shredVersion: number }
  /** Log lines (stderr) that mark a phase, for the progress display. */
  | { readonly type: 'phase'; readonly phase: 'loading' | 'replaying' | 'archiving' };

const CREATING = /^Creating a version \S+ (incremental |minimized )?snapshot of slot ([0-9]+)$/;
const CREATED = /^Successfully created snapshot for slot ([0-9]+), hash ([1-9A-HJ-NP-Za-km-z]+): (.+)$/;
const CREATED_INCREMENTAL = /^Successfully created incremental snapshot for slot ([0-9]+), hash ([1-9A-HJ-NP-Za-km-z]+), base slot: ([0-9]+): (.+)$/;
const CAPITALIZATION = /^Capitalization change: (-?[0-9]+) lamports$/;
const SHRED_VERSION = /^Shred version: ([0-9]+)$/;

export function parseCreateSnapshotLine(stream: 'stdout' | 'stderr', raw: string): CreateSnapshotEvent | null {
  const line = raw.trimEnd();
  if (stream === 'stderr') {
    // INFO logs: loose matching on the stable parts; they only drive the progress display.
    if (/Loading bank from (full )?snapshot archive/.test(line)) return { type: 'phase', phase: 'loading' };
    if (/processing ledger|ledger processed|Processing ledger/.test(line)) return { type: 'phase', phase: 'replaying' };
    if (/Successfully created .*\. slot: [0-9]+/.test(line)) return { type: 'phase', phase: 'archiving' };
    return null;
  }
  let m = CREATING.exec(line);
  if (m) return { type: 'creating', slot: slotOf(m[2]), incremental: m[1] === 'incremental ' };
  m = CREATED.exec(line);
  if (m) return { type: 'created', slot: slotOf(m[1]), bankHash: m[2] as string, path: m[3] as string, baseSlot: null };
  m = CREATED_INCREMENTAL.exec(line);
  if (m) return { type: 'created', slot: slotOf(m[1]), bankHash: m[2] as string, path: m[4] as string, baseSlot: slotOf(m[3]) };
  m = CAPITALIZATION.exec(line);
  if (m) return { type: 'capitalization-change', lamports: m[1] as string };
  m = SHRED_VERSION.exec(line);
  if (m) {
    const value = Number(m[1]);
    if (value <= 0xffff) return { type: 'shred-version', shredVersion: value };
  }
  return null;
}

function slotOf(text: string | undefined): Slot {
  const slot = tryParseU64(text ?? '');
  if (slot === undefined) throw new RangeError(`slot ${text} does not fit in u64`);
  return slot;
}

export interface CreateSnapshotResult {
  readonly slot: Slot;
  readonly bankHash: string;
  readonly archivePath: string;
  readonly baseSlot: Slot | null;
  readonly shredVersion: number | null;
  readonly capitalizationChange: string | null;
}

/** Folds the events of one run into its result; null if it never said it succeeded. */
export function collectResult(events: readonly CreateSnapshotEvent[]): CreateSnapshotResult | null {
  const created = events.find((e) => e.type === 'created');
  if (!created || created.type !== 'created') return null;
  const shred = events.find((e) => e.type === 'shred-version');
  const cap = events.find((e) => e.type === 'capitalization-change');
  return {
    slot: created.slot,
    bankHash: created.bankHash,
    archivePath: created.path,
    baseSlot: created.baseSlot,
    shredVersion: shred?.type === 'shred-version' ? shred.shredVersion : null,
    capitalizationChange: cap?.type === 'capitalization-change' ? cap.lamports : null,
  };
}
