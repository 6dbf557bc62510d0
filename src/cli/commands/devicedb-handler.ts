import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { toJson } from '../../core/json.js';
import { formatBytes } from '../../core/format.js';
import { serviceController, type ServiceController } from '../../ops/service-control.js';
import { parseNode, parseNodes } from '../../jobs/devicedb/node-address.js';
import { runDevicedbRestore, type DevicedbRestoreTarget } from '../../jobs/devicedb/restore-service.js';
import { runDevicedbSnapshot, type DevicedbEvent } from '../../jobs/devicedb/snapshot-service.js';
import type { CliContext } from '../context.js';
import type { DevicedbRestoreArgs, DevicedbSnapshotArgs } from './devicedb.js';
import { secondsToMs } from '../option-values.js';
import { reportFailure } from './report-failure.js';
import { jobOutput } from '../../output/byte-progress.js';

function labelled(values: readonly string[], flag: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0 || eq === value.length - 1) throw new UserError(`${flag} ${JSON.stringify(value)} is not LABEL=VALUE.`);
    map.set(value.slice(0, eq), value.slice(eq + 1));
  }
  return map;
}

/** The HTTP client settings and the progress lines, shared by both jobs. */
function jobSetup(args: DevicedbSnapshotArgs | DevicedbRestoreArgs, ctx: CliContext) {
  const client = { requestTimeoutMs: secondsToMs(args.requestTimeout), idleTimeoutMs: secondsToMs(args.requestTimeout), signal: ctx.signal };
  // A bar per piece on a terminal; a line every 64 MiB and at the end elsewhere.
  const output = jobOutput(ctx.stderr, ctx.stdoutIsTTY && !args.json);
  const onEvent = (event: DevicedbEvent) => (event.type === 'step' ? output.onEvent(event.text) : output.onProgress(`download ${event.label}`, event.bytes, event.total));
  return { client, onEvent };
}

export async function devicedbSnapshotHandler(args: DevicedbSnapshotArgs, ctx: CliContext): Promise<number> {
  const { client, onEvent } = jobSetup(args, ctx);
  const result = await runDevicedbSnapshot(
    {
      nodes: parseNodes(args.node),
      initiator: args.initiator,
      outDir: path.resolve(ctx.cwd, args.out),
      pollIntervalMs: secondsToMs(args.pollInterval),
      timeoutMs: secondsToMs(args.timeout),
      client,
      dryRun: args.dryRun,
      now: ctx.now(),
    },
    onEvent,
  );
  if (args.json) ctx.stdout.write(toJson({ schemaVersion: 1, type: 'devicedb-snapshot', ...result }) + '\n');
  else {
    if (result.dryRun) ctx.stdout.write(`Would run:\n${result.plannedCalls.map((c) => `  ${c}`).join('\n')}\n`);
    for (const n of result.nodes) ctx.stdout.write(`${n.label} (${n.address}): ${n.status}${n.download.status === 'ok' ? `, ${n.download.value.file} (${formatBytes(n.download.value.bytes)})` : n.download.status === 'failed' ? `, download failed: ${n.download.message}` : ''}\n`);
    if (result.manifest) ctx.stdout.write(`Snapshot ${result.uuid}: manifest ${result.manifest}\n`);
  }
  if (result.error) {
    reportFailure(ctx, result.error);
    return 1;
  }
  return 0;
}

export async function devicedbRestoreHandler(args: DevicedbRestoreArgs, ctx: CliContext): Promise<number> {
  const { client, onEvent } = jobSetup(args, ctx);
  const stores = labelled(args.store, '--store');
  const services = labelled(args.service, '--service');
  const nodes = new Map(args.node.map((value) => [parseNode(value).label, parseNode(value)]));
  const targets = new Map<string, DevicedbRestoreTarget>();
  for (const [label, store] of stores) {
    const name = services.get(label);
    const service: ServiceController =
      args.serviceManager === 'none'
        ? serviceController({ kind: 'none', stopTimeoutSeconds: args.stopTimeout, forceKill: false })
        : serviceController({ kind: args.serviceManager, name, stopTimeoutSeconds: args.stopTimeout, forceKill: false, env: ctx.env });
    targets.set(label, { store: path.resolve(ctx.cwd, store), service, node: nodes.get(label) });
  }
  const result = await runDevicedbRestore(
    {
      manifestPath: path.resolve(ctx.cwd, args.manifest),
      targets,
      client,
      overviewTimeoutMs: secondsToMs(args.timeout),
      pollIntervalMs: secondsToMs(args.pollInterval),
      keepOld: args.keepOld,
      dryRun: args.dryRun,
      now: ctx.now(),
    },
    onEvent,
  );
  if (args.json) ctx.stdout.write(toJson({ schemaVersion: 1, type: 'devicedb-restore', ...result }) + '\n');
  else {
    if (result.dryRun) ctx.stdout.write(`Would do:\n${result.plannedSteps.map((c) => `  ${c}`).join('\n')}\n`);
    else for (const n of result.nodes) ctx.stdout.write(`${n.label}: ${n.store} ← ${n.piece} (${n.entries ?? 0} files), overview ${n.overview.status === 'ok' ? 'ok' : n.overview.status === 'failed' ? n.overview.message : 'not checked'}\n`);
    if (result.keptStores.length > 0) ctx.stdout.write(`Replaced stores kept: ${result.keptStores.join(', ')}\n`);
  }
  if (result.error) {
    reportFailure(ctx, result.error);
    return 1;
  }
  return 0;
}
