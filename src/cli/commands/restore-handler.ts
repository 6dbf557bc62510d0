import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { renderRestoreText, restoreDocument } from '../../output/backup-report.js';
import { toJson } from '../../core/json.js';
import { getPlugin } from '../../plugins/registry.js';
import { runRestore } from '../../jobs/restore.js';
import type { CliContext } from '../context.js';
import { reportFailure } from './report-failure.js';
import type { RestoreArgs } from './restore.js';
import { healthTimeoutMs, serviceSpec, unitFileFor } from './service-options.js';
import { jobOutput } from '../../output/byte-progress.js';

export async function restoreHandler(args: RestoreArgs, ctx: CliContext): Promise<number> {
  const plugin = await getPlugin(args.chain);
  const dataDir = path.resolve(ctx.cwd, plugin.dataDir(args.dataDir, ctx));
  const growBlocks = args.waitBlocks ?? (plugin.id === 'stacks' ? 1 : 0);
  if (args.rollback && args.from.length > 0) throw new UserError('--rollback puts the old data back; it takes no --from.');
  if (args.sha256 !== undefined && args.from.length > 1) throw new UserError('--sha256 names one archive; give the .sha256 files for two.');
  const outcome = await runRestore(
    {
      plugin,
      dataDir,
      sources: args.from,
      sha256: args.sha256,
      set: args.set,
      service: serviceSpec(args, plugin, ctx.env, dataDir),
      rpc: args.rpc ?? plugin.defaultRpc,
      restart: args.restart,
      rollback: args.rollback,
      oldDir: args.old,
      unitFile: unitFileFor(args, plugin),
      healthTimeoutMs: healthTimeoutMs(args.healthTimeout),
      growBlocks,
      force: args.force,
      s3: { region: args.region, endpoint: args.endpoint, profile: args.profile },
    },
    { env: ctx.env, cwd: ctx.cwd, now: ctx.now(), signal: ctx.signal, ...jobOutput(ctx.stderr, ctx.stdoutIsTTY && !args.json) },
  );
  ctx.stdout.write(args.json ? toJson(restoreDocument(outcome)) + '\n' : renderRestoreText(outcome));
  if (outcome.error) reportFailure(ctx, outcome.error);
  return outcome.exitCode;
}
