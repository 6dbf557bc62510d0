import { loadAnnouncement, mergeAnnouncement, type Announcement, type AnnouncementValues } from '../../agave/announcement/announcement.js';
import { isBase58Of32Bytes } from '../../agave/base58.js';
import { UserError } from '../../core/errors.js';
import { parseSlotArg, type Slot } from '../../core/slot.js';
import { defineOptions, type ArgsOf } from '../define-command.js';

const GROUP = 'From the announcement:';

/**
 * `--announcement FILE` and each announcement value as its own flag (option data, see
 * define-command.ts: a command spreads `...announcementOptions` into its options). `--slot` (the
 * snapshot slot X) stays the command's own flag; announcementFromArgs reads it too.
 */
export const announcementOptions = defineOptions({
  announcement: { type: 'path', describe: 'The restart announcement (YAML or JSON): the values every check is made against', group: GROUP },
  cluster: { type: 'string', describe: 'Cluster name from the announcement (shown only)', group: GROUP },
  'ledger-tool-version': { type: 'string', describe: 'The agave-ledger-tool release the announcement requires, e.g. 3.1.7', group: GROUP },
  'restart-slot': { type: 'string', describe: 'The restart slot R (--wait-for-supermajority): X, or X+1 after a state edit', group: GROUP },
  'hard-fork': { type: 'string', array: true, describe: 'Hard-fork slot for create-snapshot (repeatable; default: X when no state is edited)', group: GROUP },
  'deactivate-feature-gate': { type: 'string', array: true, describe: 'Feature gate to deactivate (repeatable)', group: GROUP },
  'destake-vote-account': { type: 'string', array: true, describe: 'Vote account to destake (repeatable)', group: GROUP },
  'remove-account': { type: 'string', array: true, describe: 'Account to remove (repeatable)', group: GROUP },
  'expected-bank-hash': { type: 'string', describe: 'Bank hash the new snapshot must have', group: GROUP },
  'expected-shred-version': { type: 'string', describe: 'Shred version the new snapshot must give', group: GROUP },
  'validator-hard-fork': { type: 'boolean', describe: 'The validator\'s restart boot also gets --hard-fork (default: no)', group: GROUP },
});

/** apply and tui: a ledger-tool release other than the announced one is a warning, not a refusal. */
export const allowLedgerToolVersionOption = defineOptions({
  'allow-ledger-tool-version': { type: 'boolean', default: false, describe: 'Run a ledger-tool release other than the announced one (a warning instead of a refusal)', group: GROUP },
});

/** The flags as a handler receives them, plus `--slot`; every one may be absent (lists: absent or empty). */
export type AnnouncementArgs = Partial<ArgsOf<typeof announcementOptions>> & { readonly slot?: string | undefined };

/** Parses each flag (errors name the flag), reads the file if given, and merges: a flag differing from the file is refused. */
export async function announcementFromArgs(args: AnnouncementArgs, cwd: string): Promise<Announcement> {
  const flags = announcementFlags(args);
  const file = args.announcement === undefined ? null : await loadAnnouncement(args.announcement, cwd);
  return mergeAnnouncement(file, flags);
}

/** The flag values alone, typed and checked. */
export function announcementFlags(args: AnnouncementArgs): AnnouncementValues {
  return {
    cluster: nonEmpty(args.cluster, '--cluster'),
    ledgerToolVersion: args.ledgerToolVersion === undefined ? undefined : parseRelease(args.ledgerToolVersion),
    snapshotSlot: args.slot === undefined ? undefined : parseSlotArg(args.slot, '--slot'),
    restartSlot: args.restartSlot === undefined ? undefined : parseSlotArg(args.restartSlot, '--restart-slot'),
    hardForks: list(args.hardFork)?.map((text) => parseSlotArg(text, '--hard-fork')).filter(unique),
    deactivateFeatureGates: pubkeys(args.deactivateFeatureGate, '--deactivate-feature-gate'),
    destakeVoteAccounts: pubkeys(args.destakeVoteAccount, '--destake-vote-account'),
    removeAccounts: pubkeys(args.removeAccount, '--remove-account'),
    expectedBankHash: args.expectedBankHash === undefined ? undefined : parseBankHash(args.expectedBankHash),
    expectedShredVersion: args.expectedShredVersion === undefined ? undefined : parseShredVersion(args.expectedShredVersion),
    validatorHardFork: args.validatorHardFork,
  };
}

function unique(slot: Slot, index: number, all: readonly Slot[]): boolean {
  return all.indexOf(slot) === index;
}

/** yargs gives an empty list for a repeatable flag that was not given: that is "not given", not "none". */
function list(values: readonly string[] | undefined): readonly string[] | undefined {
  return values === undefined || values.length === 0 ? undefined : values;
}

function nonEmpty(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UserError(`${flag} is empty.`, { hint: `Give ${flag} a value or leave it out.` });
  return value.trim();
}

function pubkeys(values: readonly string[] | undefined, flag: string): readonly string[] | undefined {
  const given = list(values);
  if (given === undefined) return undefined;
  for (const key of given) {
    if (!isBase58Of32Bytes(key)) {
      throw new UserError(`${flag} ${JSON.stringify(key)} is not a base58 public key of 32 bytes.`, { hint: 'Copy the key from the restart announcement.' });
    }
  }
  return [...new Set(given)];
}

export function parseRelease(text: string): string {
  const match = /^v?([0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.-]+)?)$/.exec(text.trim());
  if (!match?.[1]) {
    throw new UserError(`--ledger-tool-version ${JSON.stringify(text)} is not a release number.`, { hint: 'Write it as the announcement does, for example --ledger-tool-version 3.1.7.' });
  }
  return match[1];
}

export function parseBankHash(text: string): string {
  if (!isBase58Of32Bytes(text.trim())) {
    throw new UserError(`--expected-bank-hash ${JSON.stringify(text)} is not a base58 hash of 32 bytes.`, { hint: 'Copy it from the restart announcement.' });
  }
  return text.trim();
}

export function parseShredVersion(text: string): number {
  const value = /^[0-9]{1,5}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(value >= 1 && value <= 0xffff)) {
    throw new UserError(`--expected-shred-version ${JSON.stringify(text)} is not a shred version (1 to 65535).`, { hint: 'Copy it from the restart announcement.' });
  }
  return value;
}

/** X from --slot or the announcement's snapshot-slot (they have been checked to agree). */
export function requireSnapshotSlot(announcement: Announcement): Slot {
  if (announcement.snapshotSlot === undefined) {
    throw new UserError('No snapshot slot was given: --slot is missing and there is no announcement with snapshot-slot.', {
      hint: 'Pass --slot X, or --announcement FILE with snapshot-slot in it.',
    });
  }
  return announcement.snapshotSlot;
}
