import { applyPlan } from '../../agave/apply/apply-service.js';
import { ExitCode } from '../../core/exit-codes.js';
import { UserError } from '../../core/errors.js';
import { parseSlotArg } from '../../core/slot.js';
import { applyDocument, renderApplyText } from '../../output/apply-report.js';
import { ApplyProgress } from '../../output/apply-progress.js';
import { toJson } from '../../output/json.js';
import { folderOptions } from '../options/ledger-options.js';
import { canPrompt, colorLevel, type CliContext } from '../context.js';
import { confirm } from '../prompt.js';
import { packageVersion } from '../version.js';
import type { ApplyArgs } from './apply.js';
import { ledgerToolTimeoutMs } from './shared-args.js';
import { secondsToMs } from '../option-values.js';
import { writeError } from '../write-error.js';

export async function applyHandler(args: ApplyArgs, ctx: CliContext): Promise<number> {
  const target = parseSlotArg(args.slot, '--slot');
  const expectedShredVersion = args.expectedShredVersion === undefined ? undefined : parseShredVersion(args.expectedShredVersion);
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
      incremental: args.incremental,
      deactivateFeatureGates: args.deactivateFeatureGate,
      destakeVoteAccounts: args.destakeVoteAccount,
      removeAccounts: args.removeAccount,
      enableCapitalizationChange: args.enableCapitalizationChange,
      extraArgs: args['--'],
      expectedBankHash: args.expectedBankHash,
      expectedShredVersion,
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
      confirm: async (plan) => args.yes || confirm(ctx, `Move ${plan.quarantine.length} item(s) aside and create a snapshot at ${plan.targetSlot}?`, '--yes'),
      onEvent: (event) => progress.on(event),
    },
  );
  progress.stop();
  if (args.json) ctx.stdout.write(toJson(applyDocument(outcome)) + '\n');
  else ctx.stdout.write(renderApplyText(outcome, chalk));
  if (outcome.error) {
    writeError(ctx, outcome.error);
    return ExitCode.Failed;
  }
  return ExitCode.Ok;
}

function parseShredVersion(text: string): number {
  const value = /^[0-9]{1,5}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(value >= 1 && value <= 0xffff)) {
    throw new UserError(`--expected-shred-version ${JSON.stringify(text)} is not a shred version (1 to 65535).`, { hint: 'Copy it from the restart announcement.' });
  }
  return value;
}
