import { isBase58Of32Bytes } from '../agave/base58.js';
import { isSnapplanError } from '../core/errors.js';
import { parseSlotArg, type Slot, type SlotRange } from '../core/slot.js';
import type { ApplyRequest } from './model.js';

export type TargetField = 'slot' | 'bankHash' | 'shredVersion' | 'list';

/** What the operator has typed on the target screen. */
export interface TargetForm {
  readonly slot: string;
  readonly bankHash: string;
  readonly shredVersion: string;
  readonly focus: TargetField;
  /** The highlighted row of the latest optimistic slots. */
  readonly pick: number;
}

export interface FieldCheck {
  readonly error: string | null;
  /** Context that is not an error (e.g. where X sits relative to the blockstore). */
  readonly note: string | null;
}

export interface TargetCheck {
  readonly slot: FieldCheck;
  readonly bankHash: FieldCheck;
  readonly shredVersion: FieldCheck;
  /** Set when everything typed is valid and X is given. */
  readonly request: ApplyRequest | null;
}

export function initialTargetForm(slot?: Slot): TargetForm {
  return { slot: slot === undefined ? '' : String(slot), bankHash: '', shredVersion: '', focus: 'slot', pick: 0 };
}

const OK: FieldCheck = { error: null, note: null };

/** Validates as typed, with the same rules as `--slot`, `--expected-bank-hash`, `--expected-shred-version`. */
export function checkTarget(form: TargetForm, blockstore: SlotRange | null): TargetCheck {
  let target: Slot | null = null;
  let slot: FieldCheck = { error: null, note: 'the restart slot from the announcement' };
  if (form.slot.trim() !== '') {
    try {
      target = parseSlotArg(form.slot, 'X');
      slot = { error: null, note: describeAgainst(target, blockstore) };
    } catch (error) {
      slot = { error: isSnapplanError(error) ? error.message : String(error), note: null };
    }
  }
  let bankHash = OK;
  const hash = form.bankHash.trim();
  if (hash !== '' && !isBase58Of32Bytes(hash)) bankHash = { error: 'not a bank hash: base58 of 32 bytes (43 or 44 characters)', note: null };
  let shredVersion = OK;
  let shred: number | undefined;
  const shredText = form.shredVersion.trim();
  if (shredText !== '') {
    const value = /^[0-9]{1,5}$/.test(shredText) ? Number(shredText) : NaN;
    if (value >= 1 && value <= 0xffff) shred = value;
    else shredVersion = { error: 'not a shred version (1 to 65535)', note: null };
  }
  const valid = target !== null && bankHash.error === null && shredVersion.error === null;
  return {
    slot,
    bankHash,
    shredVersion,
    request: valid && target !== null ? { target, expectedBankHash: hash === '' ? undefined : hash, expectedShredVersion: shred } : null,
  };
}

function describeAgainst(target: Slot, range: SlotRange | null): string {
  if (range === null) return 'blockstore range unknown';
  if (target < range.first) return `below the blockstore (${range.first}–${range.last}): blocks will be missing`;
  if (target > range.last) return `above the blockstore's last slot ${range.last}: blocks will be missing`;
  return `in the blockstore (${range.first}–${range.last})`;
}
