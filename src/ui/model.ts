import type { Announcement } from '../agave/announcement/announcement.js';
import type { BlockstoreReport } from '../agave/blockstore/blockstore-source.js';
import type { Inventory } from '../agave/inventory.js';
import type { Slot } from '../core/slot.js';
import { SnapplanError } from '../core/errors.js';

/** An error as the screens show it: one sentence, what to do, and the tool's last lines. */
export interface ErrorInfo {
  readonly message: string;
  readonly hint?: string | undefined;
  readonly outputTail?: string | undefined;
}

/** The state of one piece of background work, as a screen renders it. */
export type Async<T> =
  | { readonly state: 'idle' }
  | { readonly state: 'loading' }
  | { readonly state: 'done'; readonly value: T }
  | { readonly state: 'failed'; readonly error: ErrorInfo };

/** What the ledger view shows before any X is chosen. */
export interface LedgerOverview {
  readonly inventory: Inventory;
  /** Null when the blockstore could not be read; the reason is in `blockstoreError`. */
  readonly blockstore: BlockstoreReport | null;
  readonly blockstoreError: ErrorInfo | null;
}

/** What the target screen collects: X, and what the restart announcement gave, if anything. */
export interface ApplyRequest {
  readonly target: Slot;
  readonly expectedBankHash?: string | undefined;
  readonly expectedShredVersion?: number | undefined;
  /** Issue 13: the announcement (opened file merged with typed values) the plan is checked against. */
  readonly announcement?: Announcement | undefined;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof SnapplanError) return { message: error.message, hint: error.hint, outputTail: error.outputTail };
  if (error instanceof Error) return { message: error.message };
  return { message: String(error) };
}
