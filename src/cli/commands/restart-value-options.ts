import type { Argv } from 'yargs';
import { parseSlotArg } from '../../core/slot.js';
import { UserError } from '../../core/errors.js';
import type { RestartAnnouncement } from '../../agave/restart-patch/restart-values.js';

const GROUP = 'From the announcement:';

/** The announcement values restart-flags and watch read, as flags. */
export function restartValueOptions(yargs: Argv): Argv {
  return yargs
    .option('restart-slot', { type: 'string', describe: 'The restart slot R (--wait-for-supermajority)', group: GROUP })
    .option('expected-bank-hash', { type: 'string', describe: 'The bank hash at R', group: GROUP })
    .option('expected-shred-version', { type: 'string', describe: 'The shred version after the restart', group: GROUP })
    .option('validator-hard-fork', { type: 'boolean', describe: 'The validator\'s restart boot also gets --hard-fork (default: no)', group: GROUP })
    .option('hard-fork', { type: 'string', array: true, describe: 'Hard-fork slot (repeatable)', group: GROUP });
}

export interface RestartValueArgs {
  readonly restartSlot?: string | undefined;
  readonly expectedBankHash?: string | undefined;
  readonly expectedShredVersion?: string | undefined;
  readonly validatorHardFork?: boolean | undefined;
  readonly hardFork?: readonly string[] | undefined;
}

export function restartAnnouncementFromArgs(args: RestartValueArgs): RestartAnnouncement {
  const shred = args.expectedShredVersion;
  const shredVersion = shred === undefined ? undefined : /^[0-9]{1,5}$/.test(shred.trim()) ? Number(shred.trim()) : NaN;
  if (shredVersion !== undefined && !(shredVersion >= 1 && shredVersion <= 0xffff)) {
    throw new UserError(`--expected-shred-version ${JSON.stringify(shred)} is not a shred version (1 to 65535).`, { hint: 'Copy it from the restart announcement.' });
  }
  const hash = args.expectedBankHash?.trim();
  if (hash !== undefined && !/^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(hash)) {
    throw new UserError(`--expected-bank-hash ${JSON.stringify(args.expectedBankHash)} is not a base58 hash.`, { hint: 'Copy it from the restart announcement.' });
  }
  return {
    restartSlot: args.restartSlot === undefined ? undefined : parseSlotArg(args.restartSlot, '--restart-slot'),
    expectedBankHash: hash,
    expectedShredVersion: shredVersion,
    validatorHardFork: args.validatorHardFork,
    hardForks: args.hardFork === undefined || args.hardFork.length === 0 ? undefined : args.hardFork.map((s) => parseSlotArg(s, '--hard-fork')),
  };
}
