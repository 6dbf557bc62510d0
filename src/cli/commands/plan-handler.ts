import { preparePlan } from '../../agave/plan-service.js';
import { ExitCode } from '../../core/exit-codes.js';
import { parseSlotRangeArg } from '../../core/slot.js';
import { toJson } from '../../core/json.js';
import { planDocument } from '../../output/plan-json.js';
import { countProgress } from '../../output/count-progress.js';
import { renderRestartText, restartJson } from '../../output/restart-report.js';
import { folderOptions } from '../options/ledger-options.js';
import { announcementFromArgs, requireSnapshotSlot } from '../options/announcement-options.js';
import { colorLevel, type CliContext } from '../context.js';
import type { PlanArgs } from './plan.js';
import { ledgerToolTimeoutMs } from './shared-args.js';

/** Maps flags to the plan service, then renders. Exit 0 reachable, 3 not reachable. */
export async function planHandler(args: PlanArgs, ctx: CliContext): Promise<number> {
  const announcement = await announcementFromArgs(args, ctx.cwd);
  const target = requireSnapshotSlot(announcement);
  const blocks = args.blocks === undefined ? undefined : parseSlotRangeArg(args.blocks, '--blocks');
  const outcome = await preparePlan(
    {
      folders: folderOptions(args),
      target,
      blocks,
      boundsFrom: args.boundsFrom,
      ledgerTool: args.ledgerTool,
      ledgerToolTimeoutMs: ledgerToolTimeoutMs(args.ledgerToolTimeout),
      backupDir: args.backupDir,
      count: args.count,
      onCountProgress: args.count ? countProgress(() => ctx.now().getTime(), (line) => ctx.stderr.write(line)) : undefined,
      verifyArchives: args.verifyArchives,
      restart: { announcement },
    },
    { cwd: ctx.cwd, env: ctx.env, now: ctx.now(), signal: ctx.signal },
  );
  const { plan, inventory, blockstore, ledgerTool } = outcome;
  if (args.json) {
    ctx.stdout.write(toJson({ ...planDocument(plan, inventory, blockstore, ledgerTool), ...restartJson(outcome) }) + '\n');
  } else {
    // Text-only dependencies load only for text output; scripts using --json skip them.
    const [{ Chalk }, { renderPlanText }] = await Promise.all([import('chalk'), import('../../output/plan-text.js')]);
    const chalk = new Chalk({ level: colorLevel(ctx) });
    const width = Number(ctx.env['COLUMNS']) || 80;
    ctx.stdout.write(renderPlanText(plan, inventory, blockstore, ledgerTool, { chalk, showIgnored: args.showIgnored, width }));
    ctx.stdout.write(renderRestartText(outcome, chalk));
  }
  return plan.reachable ? ExitCode.Ok : ExitCode.NotReachable;
}
