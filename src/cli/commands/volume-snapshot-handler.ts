import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { defaultEbsDescription, defaultEbsTags, defaultSnapshotName, runVolumeSnapshot } from '../../jobs/volume-snapshot.js';
import { toJson } from '../../core/json.js';
import { renderVolumeSnapshotText, volumeSnapshotDocument } from '../../output/maintenance-report.js';
import { getPlugin } from '../../plugins/registry.js';
import type { CliContext } from '../context.js';
import { reportFailure } from './report-failure.js';
import { healthTimeoutMs, serviceSpec } from './service-options.js';
import { secondsToMs } from '../option-values.js';
import type { VolumeSnapshotArgs } from './volume-snapshot.js';

export async function volumeSnapshotHandler(args: VolumeSnapshotArgs, ctx: CliContext): Promise<number> {
  const plugin = await getPlugin(args.chain);
  const now = ctx.now();
  // The data folder is optional here (a volume is named by its id, dataset or LV), but when the
  // chain can tell it (STACKS_WORKING_DIR) it is used for the fsync and the open-file check.
  let dataDir: string | null = null;
  try {
    dataDir = path.resolve(ctx.cwd, plugin.dataDir(args.dataDir, ctx));
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
  }
  if (dataDir === null && args.serviceManager === 'process') throw new UserError('--service-manager process needs --data-dir (the restarted node runs there).');
  const tags: Record<string, string> = {};
  for (const item of args.tag) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UserError(`--tag ${JSON.stringify(item)} is not KEY=VALUE.`, { hint: 'For example --tag Name="Stacks Snapshot" --tag type=chainstate.' });
    tags[item.slice(0, eq)] = item.slice(eq + 1);
  }
  const outcome = await runVolumeSnapshot(
    {
      kind: args.kind,
      plugin,
      dataDir,
      service: serviceSpec(args, plugin, ctx.env, dataDir ?? ctx.cwd),
      rpc: args.rpc ?? plugin.defaultRpc,
      restart: args.restart,
      dryRun: args.dryRun,
      healthTimeoutMs: healthTimeoutMs(args.healthTimeout),
      name: args.name ?? defaultSnapshotName(now),
      ...(args.kind === 'ebs'
        ? {
            ebs: {
              volumeId: args.volumeId ?? '',
              description: args.description ?? defaultEbsDescription(plugin.id, now),
              tags: defaultEbsTags(plugin.id, tags, { host: os.hostname(), dataDir }),
              wait: args.wait,
              waitTimeoutMs: secondsToMs(args.waitTimeout),
              pollIntervalMs: secondsToMs(args.pollInterval),
              settings: { region: args.region, endpoint: args.endpoint, profile: args.profile },
            },
          }
        : {}),
      ...(args.kind === 'zfs' ? { zfs: { dataset: args.dataset, recursive: args.recursive } } : {}),
      ...(args.kind === 'lvm' && args.origin !== undefined && args.size !== undefined ? { lvm: { origin: args.origin, size: args.size } } : {}),
    },
    { env: ctx.env, cwd: ctx.cwd, signal: ctx.signal, onEvent: (text) => ctx.stderr.write(`snapplan: ${text}\n`) },
  );
  ctx.stdout.write(args.json ? toJson(volumeSnapshotDocument(outcome)) + '\n' : renderVolumeSnapshotText(outcome));
  if (outcome.error) reportFailure(ctx, outcome.error);
  return outcome.exitCode;
}
