import { UserError } from '../../core/errors.js';
import type { Slot } from '../../core/slot.js';
import type { RestartValues } from './patch-plan.js';
import type { AnnouncementValues } from '../announcement/announcement.js';

/** The announcement keys restart-flags uses. */
export type RestartAnnouncement = Pick<AnnouncementValues, 'snapshotSlot' | 'restartSlot' | 'hardForks' | 'expectedBankHash' | 'expectedShredVersion' | 'validatorHardFork'>;

/**
 * The validator's restart flags from the announcement. R, the bank hash and the shred version are
 * all required: since agave#192 the validator refuses --wait-for-supermajority without
 * --expected-shred-version, and a stale hash from the last restart must not stay. The validator
 * gets --hard-fork only when the announcement says so (F18: registering it again changes the
 * shred version); then the hard forks are the announced ones, or X when none are listed.
 */
export function restartValuesFrom(announcement: RestartAnnouncement): RestartValues {
  const missing: string[] = [];
  if (announcement.restartSlot === undefined) missing.push('the restart slot (--restart-slot, restart-slot)');
  if (announcement.expectedBankHash === undefined) missing.push('the expected bank hash (--expected-bank-hash, expected-bank-hash)');
  if (announcement.expectedShredVersion === undefined) missing.push('the expected shred version (--expected-shred-version, expected-shred-version)');
  if (missing.length > 0) {
    throw new UserError(`restart-flags needs ${missing.join(', ')}.`, {
      hint: 'Pass --announcement FILE, or each value as a flag, exactly as the restart announcement gives them.',
    });
  }
  let validatorHardForks: readonly Slot[] = [];
  if (announcement.validatorHardFork === true) {
    const forks = announcement.hardForks ?? (announcement.snapshotSlot === undefined ? undefined : [announcement.snapshotSlot]);
    if (forks === undefined || forks.length === 0) {
      throw new UserError('The announcement gives the validator --hard-fork but names no hard-fork slot.', {
        hint: 'Pass --hard-fork SLOT (or --slot X), as the announcement gives it.',
      });
    }
    validatorHardForks = forks;
  }
  return {
    restartSlot: announcement.restartSlot as Slot,
    expectedBankHash: announcement.expectedBankHash as string,
    expectedShredVersion: announcement.expectedShredVersion as number,
    validatorHardForks,
  };
}
