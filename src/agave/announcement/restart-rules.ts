import type { Slot } from '../../core/slot.js';
import type { FindingCode } from '../findings.js';
import type { Announcement } from './announcement.js';

/**
 * The create-snapshot flags that make ledger-tool build a child bank at X+1 and snapshot that
 * (ledger-tool/src/main.rs, `child_bank_required`). `--warp-slot` moves it further.
 */
export const CHILD_BANK_FLAGS: readonly string[] = [
  '--deactivate-feature-gate', '--destake-vote-account', '--remove-account', '--remove-stake-accounts',
  '--rent-burn-percentage', '--hashes-per-tick', '--faucet-lamports', '-t', '--bootstrap-validator', '-b',
];

/**
 * Flags that say the operator means to edit state. `--enable-capitalization-change` edits
 * nothing by itself, but nobody passes it without an edit, so it counts for the hard-fork rule.
 */
const STATE_EDIT_INTENT = [...CHILD_BANK_FLAGS, '--enable-capitalization-change'];

export interface RestartInput {
  /** X: the slot create-snapshot is given. */
  readonly snapshotSlot: Slot;
  readonly announcement: Announcement;
  readonly enableCapitalizationChange: boolean;
  /** Passed to create-snapshot as they are (after `--`). */
  readonly extraArgs: readonly string[];
}

export interface RestartProblem {
  readonly code: FindingCode;
  readonly message: string;
  readonly remedy: string;
}

/** What create-snapshot and the restart boot will get, decided before anything moves. */
export interface RestartDecision {
  readonly snapshotSlot: Slot;
  /** Exactly the `--hard-fork` slots create-snapshot gets, each once. */
  readonly hardForks: readonly Slot[];
  /** Where they came from: the announcement key or flag, or the documented default. */
  readonly hardForksFrom: string;
  /** The state-edit flags in use (announcement values and pass-through arguments). */
  readonly stateEdits: readonly string[];
  /** The slot the new snapshot will have: X, X+1 after a state edit, or --warp-slot. */
  readonly predictedSlot: Slot;
  /** R as announced, or null when none was given. */
  readonly restartSlot: Slot | null;
  /** Whether the validator's restart boot gets `--hard-fork` too (announcement; default no). */
  readonly validatorHardFork: boolean;
  /** Refusals, in the order they should be read; empty when the plan may proceed. */
  readonly problems: readonly RestartProblem[];
}

/**
 * The hard-fork and restart-slot rules (issue 13). Pure: the same answer for `plan`, `apply`
 * and the TUI, and nothing has moved when a problem is found.
 */
export function decideRestart(input: RestartInput): RestartDecision {
  const { announcement: a, extraArgs } = input;
  const X = input.snapshotSlot;
  const problems: RestartProblem[] = [];

  const passedHardForks = valuesOf(extraArgs, '--hard-fork');
  if (passedHardForks.length > 0) {
    problems.push({
      code: 'hard-fork-passthrough',
      message: `The arguments after -- add --hard-fork ${passedHardForks.join(', --hard-fork ')}: create-snapshot must get exactly the announced hard forks, each once.`,
      remedy: 'Remove --hard-fork from the arguments after --, and give the hard forks with --hard-fork (before --) or hard-forks in the announcement.',
    });
  }

  const stateEdits = [
    ...(a.deactivateFeatureGates?.length ? ['--deactivate-feature-gate'] : []),
    ...(a.destakeVoteAccounts?.length ? ['--destake-vote-account'] : []),
    ...(a.removeAccounts?.length ? ['--remove-account'] : []),
    ...(input.enableCapitalizationChange ? ['--enable-capitalization-change'] : []),
    ...STATE_EDIT_INTENT.filter((flag) => extraArgs.some((arg) => arg === flag || arg.startsWith(`${flag}=`))),
  ].filter((flag, i, all) => all.indexOf(flag) === i);
  const childBank = stateEdits.some((flag) => CHILD_BANK_FLAGS.includes(flag));

  let hardForks: readonly Slot[];
  let hardForksFrom: string;
  if (a.hardForks !== undefined) {
    hardForks = a.hardForks.filter((slot, i, all) => all.indexOf(slot) === i);
    hardForksFrom = a.sources.hardForks ?? '--hard-fork';
  } else if (stateEdits.length === 0) {
    // The documented procedure (restart-cluster.md): create-snapshot X … --hard-fork X.
    hardForks = [X];
    hardForksFrom = `the documented default (--hard-fork ${X}: no state is edited)`;
  } else {
    hardForks = [];
    hardForksFrom = 'not given';
    problems.push({
      code: 'hard-fork-not-announced',
      message: `State is edited (${stateEdits.join(', ')}) but no hard fork is given: restart announcements have put it at X (February 2024: --hard-fork 254108256 for X = 254108256) and at X+1 (January 2026: --hard-fork 383520372 for X = 383520371), and the shred version and bank hash depend on it.`,
      remedy: `Take the hard-fork slot from the restart announcement: --hard-fork ${X} or --hard-fork ${X + 1n} as it says, or --announcement FILE.`,
    });
  }

  const warp = valuesOf(extraArgs, '--warp-slot')[0];
  const warpSlot = warp !== undefined && /^[0-9]+$/.test(warp) ? BigInt(warp) : undefined;
  const predictedSlot = warpSlot ?? (childBank ? X + 1n : X);
  const restartSlot = a.restartSlot ?? null;
  if (restartSlot !== null && predictedSlot !== restartSlot) {
    const why = warpSlot !== undefined ? `--warp-slot ${warpSlot}` : childBank ? `X = ${X} plus one for the state edit (${stateEdits.filter((f) => CHILD_BANK_FLAGS.includes(f)).join(', ')})` : `X = ${X} with no state edit`;
    problems.push({
      code: 'restart-slot-mismatch',
      message: `The new snapshot would be at slot ${predictedSlot} (${why}), but ${a.sources.restartSlot ?? '--restart-slot'} is ${restartSlot}.`,
      remedy: restartSlot === X + 1n && !childBank
        ? 'The announcement expects a state edit (the snapshot lands at X+1): give its --deactivate-feature-gate (or other edit) values.'
        : restartSlot === X && childBank
          ? 'The announcement expects no state edit: drop the edit flags, or check --slot against the announcement.'
          : 'Check --slot and the state edits against the restart announcement.',
    });
  }

  return {
    snapshotSlot: X,
    hardForks,
    hardForksFrom,
    stateEdits,
    predictedSlot,
    restartSlot,
    validatorHardFork: a.validatorHardFork ?? false,
    problems,
  };
}

/** The create-snapshot arguments for the announced state edits (before any pass-through ones). */
export function stateEditArgs(a: Announcement, enableCapitalizationChange: boolean): string[] {
  return [
    ...(a.deactivateFeatureGates ?? []).flatMap((k) => ['--deactivate-feature-gate', k]),
    ...(a.destakeVoteAccounts ?? []).flatMap((k) => ['--destake-vote-account', k]),
    ...(a.removeAccounts ?? []).flatMap((k) => ['--remove-account', k]),
    ...(enableCapitalizationChange ? ['--enable-capitalization-change'] : []),
  ];
}

/** Every value given to `flag` (as `--flag V` or `--flag=V`). */
function valuesOf(args: readonly string[], flag: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === flag && args[i + 1] !== undefined) values.push(args[i + 1] as string);
    else if (arg.startsWith(`${flag}=`)) values.push(arg.slice(flag.length + 1));
  }
  return values;
}
