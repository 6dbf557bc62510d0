import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ExternalError, UserError } from '../core/errors.js';
import { capture, describeExit } from '../core/process.js';
import type { ChainPlugin, NodeHealth } from '../plugins/plugin.js';
import { faultPoint } from './fault-point.js';
import { nodesToStop, withNodeStopped } from './node-stopped.js';
import { StepLog, checkHolders, errorReport, healthAfter, type ErrorReport, type JobEnv, type ServiceReport, type StepRecord, knownState, jobExitCode } from './steps.js';
import { createEbsSnapshot, describeVolume, makeEc2Client, VOLUME_ID, waitForEbsSnapshot, type Ec2Settings, type EbsSnapshot } from '../ops/ec2.js';
import { acquireLock, type HeldLock } from '../ops/lock.js';
import { checkLvmArgs, lvmPreflight, lvmSnapshot } from '../ops/lvm.js';
import { serviceController, type ServiceSpec, type ServiceState } from '../ops/service-control.js';
import { checkZfsNames, zfsDatasetOf, zfsPreflight, zfsSnapshot } from '../ops/zfs.js';
import { utcStamp } from '../core/time.js';

/**
 * stop → sync → snapshot → restart, like `backup` (backup.ts), for a whole volume: EBS
 * (CreateSnapshot), ZFS (`zfs snapshot`) or LVM (`lvcreate --snapshot`), around withNodeStopped:
 * a failing snapshot still starts the node again (unless --no-restart).
 *
 * An EBS snapshot holds the blocks as they were when CreateSnapshot returned, so the node is
 * started again right then and the wait for `completed` (minutes to hours for a first snapshot)
 * runs while it serves; a failure there is still reported (exit 1).
 */

export type VolumeKind = 'ebs' | 'zfs' | 'lvm';

export interface VolumeSnapshotRequest {
  readonly kind: VolumeKind;
  readonly plugin: ChainPlugin;
  /** The node's data folder, when known: fsync, open-file check, lock, ZFS dataset lookup. */
  readonly dataDir: string | null;
  readonly service: ServiceSpec;
  readonly rpc: string | undefined;
  readonly restart: boolean;
  readonly dryRun: boolean;
  readonly healthTimeoutMs: number;
  /** ZFS/LVM snapshot name. */
  readonly name: string;
  readonly ebs?: {
    readonly volumeId: string;
    readonly description: string;
    readonly tags: Readonly<Record<string, string>>;
    readonly wait: boolean;
    readonly waitTimeoutMs: number;
    readonly pollIntervalMs: number;
    readonly settings: Omit<Ec2Settings, 'env'>;
  };
  readonly zfs?: { readonly dataset: string | undefined; readonly recursive: boolean };
  readonly lvm?: { readonly origin: string; readonly size: string };
}

/** A volume snapshot reports no byte progress and names nothing by time. */
export type VolumeSnapshotEnv = Pick<JobEnv, 'env' | 'cwd' | 'signal' | 'onEvent'>;

export interface SnapshotRecord {
  readonly kind: VolumeKind;
  /** snap-…, pool/fs@name, vg/name. */
  readonly id: string;
  /** The volume, dataset or origin LV. */
  readonly source: string;
  /** EBS: pending/completed/error; ZFS and LVM snapshots exist once created: `completed`. */
  readonly state: string;
  readonly progress: number | null;
  readonly createdAt: string | null;
  readonly tags: Readonly<Record<string, string>> | null;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface VolumeSnapshotOutcome {
  readonly exitCode: number;
  readonly dryRun: boolean;
  readonly kind: VolumeKind;
  readonly chain: string;
  readonly dataDir: string | null;
  readonly source: string | null;
  readonly snapshot: SnapshotRecord | null;
  readonly service: ServiceReport;
  readonly node: { height: number | null };
  readonly steps: readonly StepRecord[];
  readonly error: ErrorReport | null;
}

/** `snapplan-20261121T120000Z`: valid as a ZFS snapshot and an LVM volume name, sorts by time. */
export function defaultSnapshotName(now: Date): string {
  return `snapplan-${utcStamp(now)}`;
}

/** The seed's tags (Name=Stacks Snapshot, type=chainstate) for Stacks; the chain's name otherwise. */
export function defaultEbsTags(chain: string, extra: Readonly<Record<string, string>>, facts: { host: string; dataDir: string | null }): Record<string, string> {
  const title = chain === 'generic' ? 'Node' : `${chain.slice(0, 1).toUpperCase()}${chain.slice(1)}`;
  return {
    Name: `${title} Snapshot`,
    type: 'chainstate',
    'snapplan:chain': chain,
    'snapplan:host': facts.host,
    ...(facts.dataDir ? { 'snapplan:data-dir': facts.dataDir } : {}),
    ...extra,
  };
}

/** The seed's description: `Stacks Node Snapshot - YYYYMMDD`. */
export function defaultEbsDescription(chain: string, now: Date): string {
  const title = chain === 'generic' ? 'Node' : `${chain.slice(0, 1).toUpperCase()}${chain.slice(1)} Node`;
  return `${title} Snapshot - ${now.toISOString().slice(0, 10).replace(/-/g, '')}`;
}

interface Snapshotter {
  source: string;
  preflight(): Promise<string | undefined>;
  create(): Promise<SnapshotRecord>;
  /** After the restart: EBS waits for `completed`. */
  settle?(record: SnapshotRecord): Promise<SnapshotRecord>;
}

export async function runVolumeSnapshot(request: VolumeSnapshotRequest, env: VolumeSnapshotEnv): Promise<VolumeSnapshotOutcome> {
  const log = new StepLog(env.onEvent);
  const dataDir = request.dataDir === null ? null : path.resolve(env.cwd, request.dataDir);
  let snapshot: SnapshotRecord | null = null;
  let source: string | null = null;
  let before: ServiceState | null = null;
  let after: ServiceState | null = null;
  let health: NodeHealth | null = null;
  let error: unknown = null;
  let changed = false;
  let snapshotter: Snapshotter | null = null;
  let lock: HeldLock | null = null;
  const controller = serviceController(request.service);
  try {
    // Refusals first (exit 2): nothing has changed yet.
    if (dataDir !== null && !(await stat(dataDir).catch(() => null))?.isDirectory()) {
      throw new UserError(`${dataDir} is not a folder.`, { hint: 'Name the node\'s data folder with --data-dir, or leave it out.' });
    }
    if (request.restart && controller.kind === 'process' && !controller.canStart) {
      throw new UserError('--service-manager process cannot restart the node without its command.', { hint: 'Put the start command after --, or pass --no-restart.' });
    }
    const chosen = await makeSnapshotter(request, dataDir, env);
    snapshotter = chosen;
    source = chosen.source;
    if (request.rpc) {
      health = await log.run('health-before', async () => {
        const result = await request.plugin.health(request.rpc as string, env);
        if (result.status === 'failed') throw new ExternalError(result.message, { command: 'GET', args: [request.rpc as string] });
        return result.status === 'ok' ? result.value : null;
      }, (h) => (h?.height != null ? `height ${h.height}` : undefined)).catch(() => null);
    } else log.skip('health-before', 'no --rpc');
    before = await knownState(controller);
    await log.run('preflight', () => chosen.preflight(), (m) => m);
    if (request.dryRun) {
      log.skip('stop', 'dry run');
      return finish();
    }
    if (dataDir !== null) lock = await acquireLock(path.join(path.dirname(dataDir), `.${path.basename(dataDir)}.snapplan.lock`), { purpose: 'volume-snapshot' });

    const nodes = nodesToStop(log, controller, before);
    const job = await withNodeStopped({ log, nodes, restart: request.restart, steps: { stop: 'stop', start: 'restart' }, health: healthAfter(request, env) }, async () => {
      await faultPoint('volume-snapshot: open-files');
      if (dataDir !== null) checkHolders([dataDir], log, 'snapshot');
      else log.skip('open-files', 'no --data-dir');
      // The node's last writes may still sit in the page cache; a block-level snapshot sees only
      // what reached the disk. (`sync -f` flushes the one filesystem holding the folder.)
      await log.run('sync', async () => {
        const args = dataDir === null ? [] : ['-f', dataDir];
        const result = await capture('sync', args, { timeoutMs: 300_000, env: env.env, signal: env.signal });
        if (result.exitCode !== 0) throw new ExternalError(`sync ${args.join(' ')} ${describeExit(result, 300_000)}.`, { command: 'sync', args, exitCode: result.exitCode, outputTail: result.stderr.trim() });
      });
      await faultPoint('volume-snapshot: snapshot');
      changed = true;
      const made = await log.run('snapshot', () => chosen.create(), (s) => `${s.id} (${s.state})`);
      await faultPoint('volume-snapshot: snapshotted');
      return made;
    });
    changed ||= job.stopped.length > 0;
    snapshot = job.value ?? null;
    if (job.error !== null) throw job.error;
  } catch (caught) {
    error = caught;
  } finally {
    after = before === null ? null : await controller.state().catch(() => 'unknown' as const);
    await lock?.release();
  }
  const settle = snapshotter?.settle;
  if (error === null && snapshot !== null && settle !== undefined) {
    if (!request.ebs?.wait) log.skip('wait', '--no-wait');
    else {
      try {
        const created = snapshot;
        snapshot = await log.run('wait', () => settle(created), (s) => `${s.state} ${s.progress ?? '?'}%`);
      } catch (waitError) {
        error = waitError;
      }
    }
  }
  return finish();

  function finish(): VolumeSnapshotOutcome {
    const report = error === null ? null : errorReport(error);
    const exitCode = jobExitCode(report, changed);
    return {
      exitCode,
      dryRun: request.dryRun,
      kind: request.kind,
      chain: request.plugin.id,
      dataDir,
      source,
      snapshot,
      service: { manager: controller.kind, label: controller.label, before, after },
      node: { height: health?.height ?? null },
      steps: log.steps,
      error: report,
    };
  }
}

async function makeSnapshotter(request: VolumeSnapshotRequest, dataDir: string | null, env: VolumeSnapshotEnv): Promise<Snapshotter> {
  switch (request.kind) {
    case 'ebs': {
      const ebs = request.ebs;
      if (!ebs || ebs.volumeId === '') throw new UserError('volume-snapshot ebs needs --volume-id vol-….');
      if (!VOLUME_ID.test(ebs.volumeId)) throw new UserError(`${JSON.stringify(ebs.volumeId)} is not an EBS volume id (vol-…).`, { hint: 'Find it with: aws ec2 describe-volumes, or lsblk -o NAME,SERIAL on Nitro instances.' });
      for (const [key, value] of Object.entries(ebs.tags)) {
        // EC2 tag limits: keys 1–128, values 0–256 characters, no `aws:` prefix.
        if (key.length === 0 || key.length > 128 || value.length > 256 || key.toLowerCase().startsWith('aws:')) throw new UserError(`The tag ${JSON.stringify(key)}=${JSON.stringify(value)} is not allowed by EC2.`, { hint: 'Keys are 1–128 characters and may not start with aws:; values up to 256.' });
      }
      const client = await makeEc2Client({ ...ebs.settings, env: env.env });
      return {
        source: ebs.volumeId,
        preflight: async () => {
          const volume = await describeVolume(client, ebs.volumeId, env.signal);
          return `${ebs.volumeId}: ${volume.state ?? '?'}, ${volume.sizeGiB ?? '?'} GiB${volume.attachedTo ? `, attached to ${volume.attachedTo}` : ''}`;
        },
        create: async () => toRecord(await createEbsSnapshot(client, { volumeId: ebs.volumeId, description: ebs.description, tags: ebs.tags }, env.signal)),
        settle: async (record) =>
          toRecord(
            await waitForEbsSnapshot(client, record.id, {
              timeoutMs: ebs.waitTimeoutMs,
              intervalMs: ebs.pollIntervalMs,
              signal: env.signal,
              onProgress: (s) => env.onEvent(`wait: ${s.snapshotId} ${s.state} ${s.progress ?? '?'}%`),
            }),
          ),
      };
    }
    case 'zfs': {
      const zfs = request.zfs ?? { dataset: undefined, recursive: false };
      let dataset = zfs.dataset;
      if (dataset === undefined) {
        if (dataDir === null) throw new UserError('volume-snapshot zfs needs --dataset pool/path (or --data-dir on a ZFS dataset).');
        dataset = await zfsDatasetOf(dataDir, env.env, env.signal);
      }
      checkZfsNames(dataset, request.name);
      const ds = dataset;
      return {
        source: ds,
        preflight: async () => {
          await zfsPreflight(ds, request.name, env.env, env.signal);
          return `${ds}@${request.name} is free`;
        },
        create: async () => {
          const info = await zfsSnapshot(ds, request.name, { recursive: zfs.recursive, env: env.env, signal: env.signal });
          return { kind: 'zfs', id: info.name, source: ds, state: 'completed', progress: 100, createdAt: info.createdAt, tags: null, details: { used: info.used, referenced: info.referenced, recursive: zfs.recursive } };
        },
      };
    }
    case 'lvm': {
      const lvm = request.lvm;
      if (!lvm) throw new UserError('volume-snapshot lvm needs --origin VG/LV and --size SIZE.');
      checkLvmArgs(lvm.origin, request.name, lvm.size);
      return {
        source: lvm.origin,
        preflight: async () => {
          await lvmPreflight(lvm.origin, request.name, lvm.size, env.env, env.signal);
          return 'lvcreate --test accepts it';
        },
        create: async () => {
          const made = await lvmSnapshot(lvm.origin, request.name, lvm.size, { env: env.env, signal: env.signal });
          return { kind: 'lvm', id: made.name, source: lvm.origin, state: 'completed', progress: 100, createdAt: null, tags: null, details: { device: made.device, size: lvm.size } };
        },
      };
    }
  }
}

function toRecord(s: EbsSnapshot): SnapshotRecord {
  return {
    kind: 'ebs',
    id: s.snapshotId,
    source: s.volumeId ?? '',
    state: s.state,
    progress: s.progress,
    createdAt: s.startTime,
    tags: s.tags,
    details: { description: s.description, volumeSizeGiB: s.volumeSizeGiB, ...(s.stateMessage ? { stateMessage: s.stateMessage } : {}) },
  };
}
