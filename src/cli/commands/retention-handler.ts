import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { formatBytes } from '../../core/format.js';
import { applyRetention, localStore, planRetention, s3Store, type RetentionResult } from '../../jobs/retention.js';
import { makeS3Client, parseS3Url } from '../../ops/s3.js';
import { toJson } from '../../core/json.js';
import { renderRetentionPreview, renderRetentionSummary, retentionDocument, type RetentionDecision } from '../../output/maintenance-report.js';
import { errorReport } from '../../jobs/steps.js';
import type { CliContext } from '../context.js';
import { confirm } from '../prompt.js';
import { reportFailure } from './report-failure.js';
import type { RetentionArgs } from './retention.js';

export async function retentionHandler(args: RetentionArgs, ctx: CliContext): Promise<number> {
  if (args.yes && args.dryRun) throw new UserError('--yes and --dry-run contradict each other.', { hint: 'Leave out one of them.' });
  const s3 = parseS3Url(args.location);
  const store = s3 === null
    ? localStore(path.resolve(ctx.cwd, args.location))
    : s3Store(await makeS3Client({ region: args.region, endpoint: args.endpoint, profile: args.profile, env: ctx.env }), s3);
  // The preview is computed and shown before any question or deletion.
  const plan = await planRetention(store, args.keep);
  if (!args.json) ctx.stdout.write(renderRetentionPreview(plan));
  const doomed = plan.nodes.flatMap((n) => n.remove);
  let decision: RetentionDecision;
  let result: RetentionResult | null = null;
  let refusal: UserError | null = null;
  if (args.dryRun) decision = 'dry-run';
  else if (doomed.length === 0) decision = 'nothing-to-delete';
  else {
    const bytes = doomed.reduce((sum, set) => sum + set.bytes, 0);
    let approved = args.yes;
    if (!approved) {
      try {
        // Without a terminal confirm() refuses, naming --yes: nothing is deleted unasked.
        approved = await confirm(ctx, `Delete ${doomed.length} archive set(s) (${formatBytes(bytes)}) from ${plan.location}?`, '--yes');
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        refusal = error;
      }
    }
    decision = refusal !== null ? 'refused' : approved ? 'deleted' : 'declined';
    if (approved) result = await applyRetention(store, plan, (text) => ctx.stderr.write(`snapplan: ${text}\n`));
  }
  const exitCode = refusal !== null ? ExitCode.Usage : result !== null && result.failed.length > 0 ? ExitCode.Failed : ExitCode.Ok;
  const error = refusal !== null ? errorReport(refusal) : result !== null && result.failed.length > 0 ? { message: `${result.failed.length} file(s) could not be deleted.`, exitCode } : null;
  ctx.stdout.write(args.json ? toJson(retentionDocument(plan, decision, result, exitCode, error)) + '\n' : renderRetentionSummary(plan, decision, result));
  for (const failure of result?.failed ?? []) ctx.stderr.write(`snapplan: could not delete ${failure.name}: ${failure.message}\n`);
  if (error) reportFailure(ctx, error);
  return exitCode;
}
