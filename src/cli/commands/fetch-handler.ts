import semver from 'semver';
import { isHash } from '../../agave/archive-name.js';
import type { FetchOptions, FetchOutcome } from '../../agave/fetch/fetch-service.js';
import type { FetchTarget } from '../../agave/fetch/fetch-target.js';
import { UserError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { parseSlotArg, parseSlotRangeArg } from '../../core/slot.js';
import { toJson } from '../../core/json.js';
import { colorLevel, type CliContext } from '../context.js';
import { announcementFromArgs } from '../options/announcement-options.js';
import { folderOptions } from '../options/ledger-options.js';
import { parseRpcUrl } from '../options/rpc-url.js';
import type { FetchArgs } from './fetch.js';
import { ledgerToolTimeoutMs } from './shared-args.js';

/**
 * Maps flags to the fetch service, then renders. Exit 0: the archives are in place and the
 * target is reachable (or, with --dry-run, a source fits); 3: nothing fits, or the plan after
 * the fetch is still not reachable; 1: every fitting source failed; 2: bad flags; 130: Ctrl-C.
 */
export async function fetchHandler(args: FetchArgs, ctx: CliContext): Promise<number> {
  const options = fetchOptions(args, await fetchTarget(args, ctx.cwd));
  const [{ fetchSnapshot }, { Chalk }, { FetchProgress }] = await Promise.all([
    import('../../agave/fetch/fetch-service.js'),
    import('chalk'),
    import('../../output/fetch-progress.js'),
  ]);
  const chalk = new Chalk({ level: colorLevel(ctx) });
  const progress = new FetchProgress(ctx.stderr, { live: ctx.stdoutIsTTY && !args.json, chalk, now: () => performance.now() });
  let outcome: FetchOutcome;
  try {
    outcome = await fetchSnapshot(options, { cwd: ctx.cwd, env: ctx.env, now: ctx.now, signal: ctx.signal, onEvent: (event) => progress.on(event) });
  } finally {
    progress.stop();
  }
  const exitCode = fetchExitCode(outcome, options.dryRun);
  if (args.json) {
    const { fetchDocument } = await import('../../output/fetch-json.js');
    ctx.stdout.write(toJson(fetchDocument(outcome, { dryRun: options.dryRun, exitCode })) + '\n');
  } else {
    const { renderFetchText } = await import('../../output/fetch-text.js');
    const width = Number(ctx.env['COLUMNS']) || 80;
    ctx.stdout.write(renderFetchText(outcome, { chalk, dryRun: options.dryRun, width }));
  }
  return exitCode;
}

export function fetchExitCode(outcome: FetchOutcome, dryRun: boolean): number {
  if (dryRun) return outcome.ranked.length > 0 || outcome.skipped !== null ? ExitCode.Ok : ExitCode.NotReachable;
  if (outcome.fetchedFrom === null && outcome.skipped === null) {
    // Sources fitted but every download failed: a failure. No source fitted: not reachable.
    return outcome.attempts.length > 0 ? ExitCode.Failed : ExitCode.NotReachable;
  }
  if (outcome.planError) return outcome.planError.exitCode;
  if (outcome.plan) return outcome.plan.plan.reachable ? ExitCode.Ok : ExitCode.NotReachable;
  if (outcome.target.kind === 'restart') {
    const loaded = outcome.startup?.incremental ?? outcome.startup?.full;
    return loaded?.slot === outcome.target.slot ? ExitCode.Ok : ExitCode.NotReachable;
  }
  return ExitCode.Ok;
}

function fetchOptions(args: FetchArgs, target: FetchTarget): FetchOptions {
  return {
    folders: folderOptions(args),
    target,
    rpcUrls: args.rpc.map(parseRpcUrl),
    discover: args.discover,
    discoverLimit: wholeNumber(args.discoverLimit, '--discover-limit', 1),
    filters: {
      knownValidators: args.knownValidator && args.knownValidator.length > 0 ? new Set(args.knownValidator.map(pubkey)) : null,
      nodeVersion: args.nodeVersion === undefined ? null : versionRange(args.nodeVersion),
      fullOnly: args.fullOnly,
      maxLatencyMs: args.maxLatency === undefined ? null : positive(args.maxLatency, '--max-latency', 'milliseconds', '--max-latency 100'),
    },
    minSpeed: args.minSpeed === undefined ? null : positive(args.minSpeed, '--min-speed', 'MB/s', '--min-speed 50') * 1e6,
    speedWindowMs: positive(args.speedWindow, '--speed-window', 'seconds', '--speed-window 20') * 1000,
    probeTimeoutMs: positive(args.probeTimeout, '--probe-timeout', 'seconds', '--probe-timeout 5') * 1000,
    speedTestCount: wholeNumber(args.speedTestCount, '--speed-test-count', 0),
    speedTestMs: positive(args.speedTestSeconds, '--speed-test-seconds', 'seconds', '--speed-test-seconds 3') * 1000,
    speedTestBytes: 256 << 20,
    retries: wholeNumber(args.retries, '--retries', 0),
    dryRun: args.dryRun,
    plan: {
      blocks: args.blocks === undefined ? undefined : parseSlotRangeArg(args.blocks, '--blocks'),
      boundsFrom: args.boundsFrom,
      ledgerTool: args.ledgerTool,
      ledgerToolTimeoutMs: ledgerToolTimeoutMs(args.ledgerToolTimeout),
    },
  };
}

/**
 * --slot X: a base below X (before the restart). Otherwise the restart slot R, from
 * --restart-slot or the announcement's restart-slot: the archive at exactly R. The announcement
 * and the flags are merged first, so a flag that differs from the file is refused.
 */
async function fetchTarget(args: FetchArgs, cwd: string): Promise<FetchTarget> {
  if (args.slot !== undefined && args.restartSlot !== undefined) {
    throw new UserError('fetch takes one target, not --slot and --restart-slot.', {
      hint: 'Pass --slot X for a base below X (before the restart), or --restart-slot R for the restart snapshot at R (after it).',
    });
  }
  const announcement = await announcementFromArgs(args, cwd);
  if (args.slot !== undefined) return { kind: 'base', slot: parseSlotArg(args.slot, '--slot'), source: '--slot' };
  if (announcement.restartSlot !== undefined) {
    return { kind: 'restart', slot: announcement.restartSlot, source: announcement.sources.restartSlot ?? '--restart-slot' };
  }
  if (args.announcement !== undefined) {
    throw new UserError(`The announcement ${args.announcement} has no restart-slot, so fetch does not know which archive to take.`, {
      hint: 'Add restart-slot to the announcement (or pass --restart-slot R), or pass --slot X for a base below X.',
    });
  }
  throw new UserError('fetch needs a target.', {
    hint: 'Pass --slot X for a base below X (before the restart), or --restart-slot R (or --announcement FILE) for the restart snapshot at R (after it).',
  });
}

function pubkey(text: string): string {
  if (!isHash(text)) {
    throw new UserError(`--known-validator ${JSON.stringify(text)} is not a validator identity (base58 of 32 bytes).`, {
      hint: 'Pass the identity pubkey as the restart announcement or solana gossip lists it.',
    });
  }
  return text;
}

function versionRange(text: string): string {
  if (semver.validRange(text) === null) {
    throw new UserError(`--node-version ${JSON.stringify(text)} is not a semver range.`, { hint: 'For example --node-version ">=2.1.13 <2.2" or --node-version 3.1.7.' });
  }
  return text;
}

function positive(value: number, flag: string, unit: string, example: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new UserError(`${flag} ${value} is not a positive number of ${unit}.`, { hint: `For example ${example}.` });
  return value;
}

function wholeNumber(value: number, flag: string, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new UserError(`${flag} ${value} is not a whole number of at least ${min}.`, { hint: `For example ${flag} ${Math.max(min, 3)}.` });
  return value;
}
