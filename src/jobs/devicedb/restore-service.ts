import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { pollUntil } from '../../core/poll.js';
import { fsyncDirectory, lstatOrNull } from '../../ops/fs-util.js';
import type { ServiceController } from '../../ops/service-control.js';
import { failed, ok, skipped, type Outcome } from '../../plugins/plugin.js';
import { faultPoint } from '../fault-point.js';
import { withNodeStopped } from '../node-stopped.js';
import { StepLog, errorMessage } from '../steps.js';
import { clusterOverview, type ClientOptions } from './client.js';
import { checkFlatTar, extractFlatTar } from './flat-tar.js';
import { readManifest, type DevicedbManifest } from './manifest.js';
import type { DevicedbNode } from './node-address.js';
import type { DevicedbEvent } from './snapshot-service.js';
import { utcStamp } from '../../core/time.js';

export interface DevicedbRestoreTarget {
  /** The node's -store folder (absolute). */
  readonly store: string;
  readonly service: ServiceController;
  /** Where the node answers after the start; default: the address in the manifest. */
  readonly node?: DevicedbNode | undefined;
}

export interface DevicedbRestoreRequest {
  readonly manifestPath: string;
  /** One per piece label. */
  readonly targets: ReadonlyMap<string, DevicedbRestoreTarget>;
  readonly client: ClientOptions;
  /** How long the restarted nodes may take to agree on the cluster overview. */
  readonly overviewTimeoutMs: number;
  readonly pollIntervalMs: number;
  /** Keep each replaced store as <store>.snapplan-replaced-<stamp> instead of removing it. */
  readonly keepOld: boolean;
  readonly dryRun: boolean;
  readonly now: Date;
}

export interface NodeRestoreReport {
  readonly label: string;
  readonly store: string;
  readonly service: string;
  readonly piece: string;
  readonly entries: number | null;
  readonly stopped: boolean;
  readonly swapped: boolean;
  readonly started: boolean;
  readonly overview: Outcome<{ nodeIds: readonly string[] }>;
}

export interface DevicedbRestoreResult {
  readonly uuid: string;
  readonly dryRun: boolean;
  readonly nodes: readonly NodeRestoreReport[];
  readonly plannedSteps: readonly string[];
  /** Replaced stores still on disk (kept, or kept because the check failed). */
  readonly keptStores: readonly string[];
  readonly error: { readonly message: string; readonly hint?: string | undefined } | null;
}

/**
 * The restore of docs/disaster_recovery.md: every piece of one UUID present and intact, then
 * stop all nodes, replace each store with its piece, start them, and ask each for the cluster
 * overview. Pieces are extracted beside the stores before anything is stopped, so a bad piece
 * costs no downtime; the old stores are removed only after the overview check passed.
 */
export async function runDevicedbRestore(request: DevicedbRestoreRequest, onEvent: (event: DevicedbEvent) => void): Promise<DevicedbRestoreResult> {
  const manifest = await readManifest(request.manifestPath);
  const dir = path.dirname(request.manifestPath);
  checkTargets(manifest, request.targets);
  onEvent({ type: 'step', text: `checking the ${manifest.pieces.length} pieces of snapshot ${manifest.uuid}` });
  await checkPieces(manifest, dir);

  const stamp = utcStamp(request.now);
  const plan = manifest.pieces.map((piece) => {
    const target = request.targets.get(piece.label) as DevicedbRestoreTarget;
    const node: DevicedbNode = target.node ?? { label: piece.label, host: piece.host, port: piece.port };
    return { piece, target, node, staging: `${target.store}.snapplan-restore-${stamp}`, replaced: `${target.store}.snapplan-replaced-${stamp}` };
  });
  const plannedSteps = [
    ...plan.map((p) => `extract ${p.piece.file} into ${p.staging}`),
    ...plan.map((p) => `stop ${p.piece.label}: ${p.target.service.label}`),
    ...plan.map((p) => `replace ${p.target.store} (old store → ${p.replaced}${request.keepOld ? ', kept' : ', removed after the check'})`),
    ...plan.map((p) => `start ${p.piece.label}: ${p.target.service.label}`),
    ...plan.map((p) => `GET http://${p.node.host}:${p.node.port}/cluster (expect ${manifest.pieces.length} nodes, the same on every node)`),
  ];
  const reports = new Map<string, { entries: number | null; stopped: boolean; swapped: boolean; started: boolean; overview: Outcome<{ nodeIds: readonly string[] }> }>();
  for (const p of plan) reports.set(p.piece.label, { entries: null, stopped: false, swapped: false, started: false, overview: skipped('not checked') });
  const result = (error: DevicedbRestoreResult['error'], kept: string[] = []): DevicedbRestoreResult => ({
    uuid: manifest.uuid,
    dryRun: request.dryRun,
    plannedSteps,
    keptStores: kept,
    error,
    nodes: plan.map((p) => ({ label: p.piece.label, store: p.target.store, service: p.target.service.label, piece: p.piece.file, ...(reports.get(p.piece.label) as NonNullable<ReturnType<typeof reports.get>>) })),
  });
  if (request.dryRun) return result(null);

  // 1. Extract beside each store (same file system, so the swap is a rename).
  for (const p of plan) {
    if ((await lstatOrNull(p.staging)) !== null) throw new UserError(`${p.staging} already exists.`, { hint: 'Remove it (an earlier restore left it) and run again.' });
    onEvent({ type: 'step', text: `extracting ${p.piece.file}` });
    try {
      const extracted = await extractFlatTar(path.join(dir, p.piece.file), p.staging);
      (reports.get(p.piece.label) as { entries: number | null }).entries = extracted.entries;
    } catch (error) {
      await Promise.all(plan.map((q) => rm(q.staging, { recursive: true, force: true })));
      throw error;
    }
  }

  // 2. Stop every node (devicedb's restore needs the whole cluster down at once), 3. swap the
  // stores, 4. start every node: withNodeStopped starts each stopped node again whatever fails.
  const log = new StepLog((text) => onEvent({ type: 'step', text }));
  let stopFailure: { label: string; error: unknown } | null = null;
  let swapFailure: { store: string; error: unknown } | null = null;
  const report = (label: string) => reports.get(label) as { stopped: boolean; swapped: boolean; started: boolean };
  const nodes = plan.map((p) => {
    const service = p.target.service;
    return {
      label: p.piece.label,
      suffix: ` ${p.piece.label}`,
      controller: {
        label: service.label,
        state: () => service.state(),
        start: () => service.start(),
        stop: async () => {
          try {
            await service.stop();
          } catch (error) {
            stopFailure ??= { label: p.piece.label, error };
            throw error;
          }
        },
      },
    };
  });
  const job = await withNodeStopped({
    log,
    nodes,
    restart: true,
    steps: { stop: 'stop', start: 'start' },
    onStopped: (node) => void (report((node as (typeof nodes)[number]).label).stopped = true),
    onStarted: (node) => void (report((node as (typeof nodes)[number]).label).started = true),
  }, async () => {
    // A failure puts back the ones already swapped (old store back in place) before the starts.
    const swapped: typeof plan = [];
    let current: (typeof plan)[number] | undefined;
    try {
      for (const p of plan) {
        current = p;
        await faultPoint(`devicedb restore: swap ${p.piece.label}`);
        if ((await lstatOrNull(p.target.store)) !== null) await rename(p.target.store, p.replaced);
        await rename(p.staging, p.target.store);
        await fsyncDirectory(path.dirname(p.target.store));
        swapped.push(p);
        report(p.piece.label).swapped = true;
      }
      current = undefined;
      await faultPoint('devicedb restore: swapped');
    } catch (error) {
      if (current !== undefined) swapFailure = { store: current.target.store, error };
      for (const q of swapped.reverse()) {
        await rename(q.target.store, q.staging).catch(() => undefined);
        if ((await lstatOrNull(q.replaced)) !== null) await rename(q.replaced, q.target.store).catch(() => undefined);
        report(q.piece.label).swapped = false;
      }
      if (current !== undefined && (await lstatOrNull(current.replaced)) !== null && (await lstatOrNull(current.target.store)) === null) await rename(current.replaced, current.target.store).catch(() => undefined);
      throw error;
    }
  });
  if (job.error !== null && !plan.every((p) => report(p.piece.label).swapped)) {
    await Promise.all(plan.map((q) => rm(q.staging, { recursive: true, force: true })));
    const failed = stopFailure as { label: string; error: unknown } | null;
    const swap = swapFailure as { store: string; error: unknown } | null;
    if (!job.worked && failed !== null) return result({ message: `${failed.label} could not be stopped: ${errorMessage(failed.error)}`, hint: 'Nothing was replaced; the nodes already stopped were started again.' });
    if (swap !== null) return result({ message: `The store ${swap.store} could not be replaced: ${errorMessage(swap.error)}`, hint: 'The old stores were put back and the nodes started again.' });
    return result({ message: `The restore stopped before every store was replaced: ${errorMessage(job.error)}`, hint: 'The old stores were put back and the nodes started again.' });
  }
  const notStarted = plan.filter((p) => !reports.get(p.piece.label)?.started);
  const kept = plan.filter((p) => p.replaced !== '').map((p) => p.replaced);
  const existingKept = async () => (await Promise.all(kept.map(async (k) => ((await lstatOrNull(k)) ? k : null)))).filter((k): k is string => k !== null);
  if (notStarted.length > 0) {
    return result({ message: `${notStarted.map((p) => p.piece.label).join(', ')} did not start after the restore.`, hint: 'The stores hold the snapshot; the replaced ones are kept beside them.' }, await existingKept());
  }
  const check = await checkOverviews(plan.map((p) => p.node), manifest.pieces.length, request, onEvent);
  for (const p of plan) (reports.get(p.piece.label) as { overview: Outcome<{ nodeIds: readonly string[] }> }).overview = check.get(p.node.label) ?? skipped('not checked');
  const bad = plan.filter((p) => reports.get(p.piece.label)?.overview.status !== 'ok');
  if (bad.length > 0) {
    return result(
      { message: `The cluster overview is not consistent after the restore (${bad.map((p) => p.piece.label).join(', ')}).`, hint: 'The replaced stores are kept beside the new ones; check the nodes\' logs and `devicedb cluster overview`.' },
      await existingKept(),
    );
  }
  if (!request.keepOld) await Promise.all(kept.map((k) => rm(k, { recursive: true, force: true })));
  return result(null, request.keepOld ? await existingKept() : []);
}

function checkTargets(manifest: DevicedbManifest, targets: ReadonlyMap<string, DevicedbRestoreTarget>): void {
  const labels = manifest.pieces.map((p) => p.label);
  const missing = labels.filter((l) => !targets.has(l));
  const unknown = [...targets.keys()].filter((l) => !labels.includes(l));
  if (missing.length > 0 || unknown.length > 0) {
    throw new UserError(
      `The stores named do not match the snapshot's nodes${missing.length ? `; no --store for ${missing.join(', ')}` : ''}${unknown.length ? `; not in the snapshot: ${unknown.join(', ')}` : ''}.`,
      { hint: `Snapshot ${manifest.uuid} has pieces for ${labels.join(', ')}: name each with --store LABEL=DIR.` },
    );
  }
  const stores = [...targets.values()].map((t) => path.resolve(t.store));
  if (new Set(stores).size !== stores.length) throw new UserError('Two nodes name the same --store folder.');
  if (stores.some((s) => path.dirname(s) === s)) throw new UserError('A --store cannot be the root folder.');
}

/** Every piece of the UUID beside the manifest, with the size and sha256 the manifest recorded. */
async function checkPieces(manifest: DevicedbManifest, dir: string): Promise<void> {
  const problems: string[] = [];
  for (const piece of manifest.pieces) {
    const file = path.join(dir, piece.file);
    const stats = await lstatOrNull(file);
    if (!stats?.isFile()) {
      problems.push(`${piece.file} is missing`);
      continue;
    }
    if (stats.size !== piece.bytes) {
      problems.push(`${piece.file} has ${stats.size} bytes, the manifest says ${piece.bytes}`);
      continue;
    }
    if ((await sha256(file)) !== piece.sha256) {
      problems.push(`${piece.file} differs from the manifest's sha256`);
      continue;
    }
    try {
      await checkFlatTar(file);
    } catch (error) {
      problems.push(errorMessage(error));
    }
  }
  if (problems.length > 0) {
    throw new UserError(`Snapshot ${manifest.uuid} is not complete: ${problems.join('; ')}.`, {
      hint: 'A devicedb cluster can only be restored from every node\'s piece of one snapshot; nothing was stopped or changed.',
    });
  }
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The check `devicedb cluster overview` stands for: every node answers GET /cluster, lists
 * `expected` nodes, and all list the same node IDs. Polled until the time-out, since a node
 * answers only once its Raft state is loaded.
 */
async function checkOverviews(
  nodes: readonly DevicedbNode[],
  expected: number,
  request: DevicedbRestoreRequest,
  onEvent: (event: DevicedbEvent) => void,
): Promise<Map<string, Outcome<{ nodeIds: readonly string[] }>>> {
  let outcome = new Map<string, Outcome<{ nodeIds: readonly string[] }>>();
  await pollUntil(async () => {
    outcome = new Map();
    const answers = await Promise.all(nodes.map(async (n) => [n, await clusterOverview(n, request.client)] as const));
    const reference = answers.find(([, a]) => a.ok && a.value.nodeIds.length === expected);
    const refIds = reference && reference[1].ok ? reference[1].value.nodeIds.join(',') : null;
    for (const [n, a] of answers) {
      if (!a.ok) outcome.set(n.label, failed('unreachable', a.message));
      else if (a.value.nodeIds.length !== expected) outcome.set(n.label, failed('node-count', `lists ${a.value.nodeIds.length} nodes, expected ${expected}`));
      else if (a.value.nodeIds.join(',') !== refIds) outcome.set(n.label, failed('inconsistent', `lists other nodes (${a.value.nodeIds.join(', ')})`));
      else outcome.set(n.label, ok({ nodeIds: a.value.nodeIds }));
    }
    return { done: [...outcome.values()].every((o) => o.status === 'ok'), value: undefined };
  }, { timeoutMs: request.overviewTimeoutMs, intervalMs: request.pollIntervalMs, signal: request.client.signal });
  for (const n of nodes) {
    const o = outcome.get(n.label);
    onEvent({ type: 'step', text: `overview of ${n.label}: ${o?.status === 'ok' ? `${o.value.nodeIds.length} nodes` : o?.status === 'failed' ? o.message : 'not checked'}` });
  }
  return outcome;
}
