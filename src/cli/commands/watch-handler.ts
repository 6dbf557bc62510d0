import path from 'node:path';
import { watchRestartBoot } from '../../agave/watch/watch-service.js';
import { UserError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { toJson } from '../../core/json.js';
import { endExitCode, watchEventLine } from '../../output/watch-report.js';
import type { CliContext } from '../context.js';
import { announcementFromArgs } from '../options/announcement-options.js';
import type { WatchArgs } from './watch.js';

/** Exit code by end state: 0 resumed, 20–25 (README "Exit codes of watch"), 130 interrupted. */
export async function watchHandler(args: WatchArgs, ctx: CliContext): Promise<number> {
  if (args.timeout !== undefined && !(Number.isFinite(args.timeout) && args.timeout > 0)) {
    throw new UserError(`--timeout ${args.timeout} is not a number of seconds above 0.`, { hint: 'Pass for example --timeout 3600, or leave it out to watch until the end.' });
  }
  const { end, startFile } = await watchRestartBoot({
    ledger: path.resolve(ctx.cwd, args.ledger),
    log: args.log === undefined ? null : path.resolve(ctx.cwd, args.log),
    // R from --restart-slot or --announcement; else from restart-flags --patch, else from the wait itself.
    restartSlot: (await announcementFromArgs(args, ctx.cwd)).restartSlot ?? null,
    timeoutSeconds: args.timeout ?? null,
    validatorBin: args.monitor ? args.validatorBin : null,
    pollMs: Math.max(10, args.pollMs),
    env: ctx.env,
    signal: ctx.signal,
    now: ctx.now,
    onEvent: (event) => ctx.stdout.write(args.json ? `${toJson(event, 0)}\n` : `${watchEventLine(event)}\n`),
  });
  if (end.state === 'resumed' && !args.json) {
    ctx.stdout.write(`Next: take the restart flags out of the start script or unit: snapplan restart-flags --revert ${startFile ?? 'FILE'}\n`);
  }
  return endExitCode(end.state) ?? ExitCode.Failed;
}
