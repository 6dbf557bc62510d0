import { formatValue, type Announcement } from '../agave/announcement/announcement.js';
import { isSnapplanError } from '../core/errors.js';
import { parseSlotArg, type Slot } from '../core/slot.js';
import type { FieldCheck, TargetForm } from './target-form.js';

/** The target form's fields for an opened announcement, so what it says is what is shown (and editable). */
export function announcementFormValues(a: Announcement): Partial<TargetForm> {
  return {
    ...(a.snapshotSlot !== undefined ? { slot: String(a.snapshotSlot) } : {}),
    ...(a.restartSlot !== undefined ? { restartSlot: String(a.restartSlot) } : {}),
    ...(a.hardForks !== undefined ? { hardForks: formatValue(a.hardForks) } : {}),
    ...(a.expectedBankHash !== undefined ? { bankHash: a.expectedBankHash } : {}),
    ...(a.expectedShredVersion !== undefined ? { shredVersion: String(a.expectedShredVersion) } : {}),
  };
}

/** The restart slot and hard forks as typed: checked with the rules of --restart-slot and --hard-fork. */
export function announcementRequestOf(form: Pick<TargetForm, 'restartSlot' | 'hardForks'>): {
  restartSlot: FieldCheck;
  hardForks: FieldCheck;
  restartSlotValue: Slot | undefined;
  hardForksValue: readonly Slot[] | undefined;
} {
  let restartSlotValue: Slot | undefined;
  let restartSlot: FieldCheck = { error: null, note: null };
  if (form.restartSlot.trim() !== '') {
    try {
      restartSlotValue = parseSlotArg(form.restartSlot, 'R');
    } catch (error) {
      restartSlot = { error: isSnapplanError(error) ? error.message : String(error), note: null };
    }
  }
  let hardForksValue: Slot[] | undefined;
  let hardForks: FieldCheck = { error: null, note: null };
  const parts = form.hardForks.split(',').map((p) => p.trim()).filter((p) => p !== '' && p !== '(none)');
  if (form.hardForks.trim() === '(none)') hardForksValue = [];
  else if (parts.length > 0) {
    try {
      hardForksValue = parts.map((p) => parseSlotArg(p, 'hard fork')).filter((slot, i, all) => all.indexOf(slot) === i);
    } catch (error) {
      hardForks = { error: isSnapplanError(error) ? error.message : String(error), note: null };
    }
  }
  return { restartSlot, hardForks, restartSlotValue, hardForksValue };
}

/** Pasted paths keep their spaces; only line breaks (a paste's trailing newline) are dropped. */
export function typedText(field: TargetForm['focus'], input: string): string {
  return field === 'announcementPath' ? input.replace(/[\r\n]/g, '') : input.replace(/\s/g, '');
}
