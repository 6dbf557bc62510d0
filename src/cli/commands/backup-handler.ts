import path from 'node:path';
import os from 'node:os';
import { backupDocument, renderBackupText } from '../../output/backup-report.js';
import { toJson } from '../../core/json.js';
import { runBackup } from '../../jobs/backup.js';
import { getPlugin } from '../../plugins/registry.js';
import type { CliContext } from '../context.js';
import { packageVersion } from '../version.js';
import type { BackupArgs } from './backup.js';
import { healthTimeoutMs, serviceSpec, unitFileFor } from './service-options.js';
import { reportFailure } from './report-failure.js';
import { jobOutput } from '../../output/byte-progress.js';

export async function backupHandler(args: BackupArgs, ctx: CliContext): Promise<number> {
  const plugin = await getPlugin(args.chain);
  const dataDir = path.resolve(ctx.cwd, plugin.dataDir(args.dataDir, ctx));
  const outcome = await runBackup(
    {
      plugin,
      dataDir,
      set: args.set,
      destination: args.to,
      service: serviceSpec(args, plugin, ctx.env, dataDir),
      rpc: args.rpc ?? plugin.defaultRpc,
      restart: args.restart,
      dryRun: args.dryRun,
      exclude: args.exclude,
      network: args.network,
      name: args.name,
      unitFile: unitFileFor(args, plugin),
      workDir: args.workDir ?? os.tmpdir(),
      keepLocal: args.keepLocal,
      zstdLevel: args.zstdLevel,
      spaceFactor: args.spaceFactor,
      healthTimeoutMs: healthTimeoutMs(args.healthTimeout),
      s3: { region: args.region, endpoint: args.endpoint, profile: args.profile },
    },
    { env: ctx.env, cwd: ctx.cwd, now: ctx.now(), signal: ctx.signal, toolVersion: packageVersion(), ...jobOutput(ctx.stderr, ctx.stdoutIsTTY && !args.json) },
  );
  ctx.stdout.write(args.json ? toJson(backupDocument(outcome)) + '\n' : renderBackupText(outcome));
  if (outcome.error) reportFailure(ctx, outcome.error);
  return outcome.exitCode;
}
