import { isBase58Of32Bytes } from '../agave/base58.js';
import { isSnapplanError } from '../core/errors.js';
import { parseSlotArg, type Slot, type SlotRange } from '../core/slot.js';
import type { ApplyRequest } from './model.js';
import { mergeAnnouncement, type Announcement } from '../agave/announcement/announcement.js';
import { announcementRequestOf, announcementFormValues } from './announcement-form.js';

/** `announcement` is a file path (Enter opens it); `restartSlot` and `hardForks` are announcement values typed by hand. */
export type TargetField = 'announcementPath' | 'slot' | 'restartSlot' | 'hardForks' | 'bankHash' | 'shredVersion' | 'list';

/** What the operator has typed on the target screen. */
export interface TargetForm {
  readonly slot: string;
  readonly bankHash: string;
  readonly shredVersion: string;
  /** Issue 13: the announcement file to open, the restart slot R, the hard forks (comma-separated). */
  readonly announcementPath: string;
  readonly restartSlot: string;
  readonly hardForks: string;
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
  readonly restartSlot: FieldCheck;
  readonly hardForks: FieldCheck;
  /** A typed value that differs from the opened announcement file: refused, as on the command line. */
  readonly announcement: FieldCheck;
  /** Set when everything typed is valid and X is given. */
  readonly request: ApplyRequest | null;
}

export function initialTargetForm(slot?: Slot, announcement?: Announcement | null): TargetForm {
  const form: TargetForm = { slot: slot === undefined ? '' : String(slot), bankHash: '', shredVersion: '', announcementPath: '', restartSlot: '', hardForks: '', focus: 'slot', pick: 0 };
  return announcement ? { ...form, ...announcementFormValues(announcement) } : form;
}

const OK: FieldCheck = { error: null, note: null };

/** Validates as typed, with the same rules as `--slot`, `--expected-bank-hash`, `--expected-shred-version`. */
export function checkTarget(form: TargetForm, blockstore: SlotRange | null, loaded: Announcement | null = null): TargetCheck {
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
  const typed = announcementRequestOf(form);
  let announcement: Announcement | undefined;
  let conflict = OK;
  if (typed.restartSlot.error === null && typed.hardForks.error === null && target !== null && bankHash.error === null && shredVersion.error === null) {
    try {
      const merged = mergeAnnouncement(loaded, {
        snapshotSlot: target,
        restartSlot: typed.restartSlotValue,
        hardForks: typed.hardForksValue,
        expectedBankHash: hash === '' ? undefined : hash,
        expectedShredVersion: shred,
      });
      // Without a file and without R or hard forks typed, plan exactly as before (no announcement).
      if (loaded !== null || typed.restartSlotValue !== undefined || typed.hardForksValue !== undefined) announcement = merged;
    } catch (error) {
      conflict = { error: isSnapplanError(error) ? error.message : String(error), note: null };
    }
  }
  const valid = target !== null && bankHash.error === null && shredVersion.error === null && typed.restartSlot.error === null && typed.hardForks.error === null && conflict.error === null;
  return {
    slot,
    bankHash,
    shredVersion,
    restartSlot: typed.restartSlot,
    hardForks: typed.hardForks,
    announcement: conflict,
    request: valid && target !== null ? { target, expectedBankHash: hash === '' ? undefined : hash, expectedShredVersion: shred, ...(announcement ? { announcement } : {}) } : null,
  };
}

function describeAgainst(target: Slot, range: SlotRange | null): string {
  if (range === null) return 'blockstore range unknown';
  if (target < range.first) return `below the blockstore (${range.first}–${range.last}): blocks will be missing`;
  if (target > range.last) return `above the blockstore's last slot ${range.last}: blocks will be missing`;
  return `in the blockstore (${range.first}–${range.last})`;
}
