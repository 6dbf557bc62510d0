import { applyPlan, type ConfirmContext } from '../../agave/apply/apply-service.js';
import type { Plan } from '../../agave/plan-model.js';
import { shellJoin } from '../../core/shell-quote.js';
import { formatBytes, plural } from '../../core/format.js';
import { ExitCode } from '../../core/exit-codes.js';
import { UserError } from '../../core/errors.js';
import { applyDocument, renderApplyText } from '../../output/apply-report.js';
import { ApplyProgress } from '../../output/apply-progress.js';
import { toJson } from '../../core/json.js';
import { folderOptions } from '../options/ledger-options.js';
import { announcementFromArgs, requireSnapshotSlot } from '../options/announcement-options.js';
import { canPrompt, colorLevel, type CliContext } from '../context.js';
import { confirm } from '../prompt.js';
import { packageVersion } from '../version.js';
import type { ApplyArgs } from './apply.js';
import { ledgerToolTimeoutMs } from './shared-args.js';
import { secondsToMs } from '../option-values.js';
import { writeError } from '../write-error.js';

export async function applyHandler(args: ApplyArgs, ctx: CliContext): Promise<number> {
  const announcement = await announcementFromArgs(args, ctx.cwd);
  const target = requireSnapshotSlot(announcement);
  if (!args.yes && !args.dryRun && !canPrompt(ctx)) {
    throw new UserError('apply changes the ledger and there is no terminal to confirm on.', { hint: 'Pass --yes to confirm from a script, or --dry-run to see the steps.' });
  }
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level: colorLevel(ctx) });
  const progress = new ApplyProgress(ctx.stderr, { live: ctx.stdoutIsTTY && !args.json, chalk });
  const outcome = await applyPlan(
    {
      folders: folderOptions(args),
      target,
      boundsFrom: args.boundsFrom,
      ledgerTool: args.ledgerTool,
      ledgerToolTimeoutMs: ledgerToolTimeoutMs(args.ledgerToolTimeout),
      backupDir: args.backupDir,
      verifyArchives: args.verifyArchives,
      incremental: args.incremental,
      deactivateFeatureGates: announcement.deactivateFeatureGates ?? [],
      destakeVoteAccounts: announcement.destakeVoteAccounts ?? [],
      removeAccounts: announcement.removeAccounts ?? [],
      enableCapitalizationChange: args.enableCapitalizationChange,
      // yargs turns numeric arguments after -- into numbers; create-snapshot gets them as typed.
      extraArgs: args['--'].map(String),
      expectedBankHash: announcement.expectedBankHash,
      expectedShredVersion: announcement.expectedShredVersion,
      announcement,
      allowLedgerToolVersion: args.allowLedgerToolVersion,
      dryRun: args.dryRun,
      forceCopy: args.forceCopy,
      createTimeoutMs: secondsToMs(args.createTimeout),
    },
    {
      cwd: ctx.cwd,
      env: ctx.env,
      now: ctx.now(),
      signal: ctx.signal,
      toolVersion: packageVersion(),
      confirm: async (plan, command, context) => {
        if (args.yes) return true;
        ctx.stderr.write(confirmationText(plan, command, context));
        return confirm(ctx, `Move ${plan.quarantine.length} item(s) aside and create a snapshot at ${plan.targetSlot}?`, '--yes');
      },
      onEvent: (event) => progress.on(event),
    },
  );
  progress.stop();
  if (args.json) ctx.stdout.write(toJson(applyDocument(outcome)) + '\n');
  else ctx.stdout.write(renderApplyText(outcome, chalk));
  if (outcome.error) {
    writeError(ctx, outcome.error);
    return outcome.error.cancelled ? ExitCode.Cancelled : ExitCode.Failed;
  }
  return ExitCode.Ok;
}

/** What the `[y/N]` is about: every item with its size and how it moves, then the command. */
function confirmationText(plan: Plan, command: readonly string[], context: ConfirmContext): string {
  const lines: string[] = [];
  if (context.replanned) lines.push('The snapshot folders changed while the question waited; this is the plan now:');
  const total = context.items.reduce((sum, i) => sum + i.size, 0);
  lines.push(`Move ${plural(context.items.length, 'item')} (${formatBytes(total)}) aside into ${plan.quarantineDir}:`);
  const byPath = new Map(plan.quarantine.map((q) => [q.path, q]));
  for (const item of context.items) {
    const q = byPath.get(item.source);
    const what = q ? `${q.kind === 'bank-snapshot' ? 'bank' : q.kind} ${q.slot}` : item.kind;
    lines.push(`  ${what.padEnd(22)} ${formatBytes(item.size).padStart(9)}  ${item.method.padEnd(6)}  ${item.source}`);
  }
  lines.push(`then keep safety links to the base archive(s) and run:\n  ${shellJoin(command)}`);
  return lines.join('\n') + '\n';
}
