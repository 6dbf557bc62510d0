import { writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { pollUntil } from '../../core/poll.js';
import { ensureDirectory, fsyncDirectory } from '../../ops/fs-util.js';
import { failed, ok, type Outcome } from '../../plugins/plugin.js';
import { downloadSnapshot, snapshotStatus, startSnapshot, type ClientOptions, type SnapshotStatus } from './client.js';
import { manifestFileName, pieceFileName, type DevicedbManifest, type DevicedbPiece } from './manifest.js';
import { describeNode, type DevicedbNode } from './node-address.js';

export interface DevicedbSnapshotRequest {
  readonly nodes: readonly DevicedbNode[];
  /** Label of the node that receives POST /snapshot (default: the first). */
  readonly initiator?: string | undefined;
  readonly outDir: string;
  readonly pollIntervalMs: number;
  /** How long all nodes together may take to reach `completed`. */
  readonly timeoutMs: number;
  readonly client: ClientOptions;
  readonly dryRun: boolean;
  readonly now: Date;
}

export interface NodeSnapshotReport {
  readonly label: string;
  readonly address: string;
  /** The last status the node answered, or `unreachable`. */
  readonly status: SnapshotStatus | 'unreachable' | 'not-asked';
  readonly message?: string | undefined;
  readonly download: Outcome<{ file: string; bytes: number; sha256: string }>;
}

export interface DevicedbSnapshotResult {
  readonly uuid: string | null;
  readonly nodes: readonly NodeSnapshotReport[];
  readonly manifest: string | null;
  /** Set when the cluster snapshot is not complete; the exit code is then 1. */
  readonly error: { readonly message: string; readonly hint?: string | undefined } | null;
  readonly dryRun: boolean;
  readonly plannedCalls: readonly string[];
}

export type DevicedbEvent = { type: 'step'; text: string } | { type: 'progress'; label: string; bytes: number; total: number | null };

/**
 * `devicedb cluster snapshot`, `get_snapshot` on every node and `download_snapshot` from each,
 * as one job: the pieces are only worth keeping together, so the manifest is written only when
 * every node's piece arrived whole.
 */
export async function runDevicedbSnapshot(request: DevicedbSnapshotRequest, onEvent: (event: DevicedbEvent) => void): Promise<DevicedbSnapshotResult> {
  const initiator = request.initiator === undefined ? request.nodes[0] : request.nodes.find((n) => n.label === request.initiator);
  if (!initiator) throw new UserError(`--initiator ${request.initiator} is none of the --node labels.`);
  const planned = [
    `POST http://${initiator.host}:${initiator.port}/snapshot`,
    ...request.nodes.map((n) => `GET http://${n.host}:${n.port}/snapshot/<uuid> (until completed)`),
    ...request.nodes.map((n) => `GET http://${n.host}:${n.port}/snapshot/<uuid>.tar → ${path.join(request.outDir, pieceFileName('<uuid>', n.label))}`),
  ];
  const notAsked = (status: NodeSnapshotReport['status']): NodeSnapshotReport[] =>
    request.nodes.map((n) => ({ label: n.label, address: `${n.host}:${n.port}`, status, download: { status: 'skipped', reason: 'not downloaded' } }));
  if (request.dryRun) return { uuid: null, nodes: notAsked('not-asked'), manifest: null, error: null, dryRun: true, plannedCalls: planned };

  await ensureDirectory(request.outDir);
  onEvent({ type: 'step', text: `asking ${describeNode(initiator)} to start a cluster snapshot` });
  const started = await startSnapshot(initiator, request.client);
  if (!started.ok) {
    return { uuid: null, nodes: notAsked('not-asked'), manifest: null, error: { message: `The snapshot could not be started: ${started.message}.` }, dryRun: false, plannedCalls: planned };
  }
  const uuid = started.value.uuid;
  onEvent({ type: 'step', text: `snapshot ${uuid} started; waiting for every node` });

  const last = new Map<string, { status: NodeSnapshotReport['status']; message?: string }>();
  await pollUntil(async () => {
    const pending = request.nodes.filter((n) => {
      const s = last.get(n.label)?.status;
      return s !== 'completed' && s !== 'failed';
    });
    const answers = await Promise.all(pending.map(async (n) => [n, await snapshotStatus(n, uuid, request.client)] as const));
    for (const [n, answer] of answers) {
      const before = last.get(n.label)?.status;
      const now = answer.ok ? { status: answer.value } : { status: 'unreachable' as const, message: answer.message };
      last.set(n.label, now);
      if (before !== now.status) onEvent({ type: 'step', text: `${describeNode(n)}: ${now.status}${now.message ? ` (${now.message})` : ''}` });
    }
    const statuses = request.nodes.map((n) => last.get(n.label)?.status);
    // `failed` is final (devicedb: metadata unreadable or for another UUID). `missing` may only
    // mean the Raft entry has not reached that node yet, so it is waited out until the deadline.
    return { done: statuses.every((s) => s === 'completed' || s === 'failed'), value: undefined };
  }, { timeoutMs: request.timeoutMs, intervalMs: request.pollIntervalMs, signal: request.client.signal });

  const reports: NodeSnapshotReport[] = [];
  for (const n of request.nodes) {
    const state = last.get(n.label) ?? { status: 'unreachable' as const };
    const address = `${n.host}:${n.port}`;
    if (state.status !== 'completed') {
      reports.push({ label: n.label, address, status: state.status, message: state.message, download: { status: 'skipped', reason: `the node is ${state.status}` } });
    } else {
      reports.push({ label: n.label, address, status: 'completed', download: { status: 'skipped', reason: 'not downloaded' } });
    }
  }
  const notDone = reports.filter((r) => r.status !== 'completed');
  if (notDone.length > 0) {
    const timedOut = notDone.some((r) => r.status === 'processing' || r.status === 'missing' || r.status === 'unreachable');
    const list = notDone.map((r) => `${r.label}: ${r.status}`).join(', ');
    return {
      uuid,
      nodes: reports,
      manifest: null,
      error: {
        message: timedOut
          ? `Snapshot ${uuid} did not complete on every node within ${Math.round(request.timeoutMs / 1000)} s (${list}).`
          : `Snapshot ${uuid} failed on ${notDone.length} node(s) (${list}).`,
        hint: timedOut
          ? 'Check the nodes were started with -snapshot_store (an existing folder) and have room; give them longer with --timeout.'
          : 'A failed piece cannot be repaired: take a new snapshot once the node is healthy.',
      },
      dryRun: false,
      plannedCalls: planned,
    };
  }

  // Downloads one node at a time: each piece is a copy of a whole node store.
  const pieces: DevicedbPiece[] = [];
  const finalReports: NodeSnapshotReport[] = [];
  for (const n of request.nodes) {
    const file = pieceFileName(uuid, n.label);
    onEvent({ type: 'step', text: `downloading ${file} from ${describeNode(n)}` });
    const result = await downloadSnapshot(n, uuid, path.join(request.outDir, file), {
      ...request.client,
      onProgress: (bytes, total) => onEvent({ type: 'progress', label: n.label, bytes, total }),
    });
    const base = { label: n.label, address: `${n.host}:${n.port}`, status: 'completed' as const };
    if (result.ok) {
      pieces.push({ label: n.label, host: n.host, port: n.port, file, bytes: result.value.bytes, sha256: result.value.sha256 });
      finalReports.push({ ...base, download: ok({ file, ...result.value }) });
    } else {
      finalReports.push({ ...base, download: failed('download', result.message) });
    }
  }
  const broken = finalReports.filter((r) => r.download.status !== 'ok');
  if (broken.length > 0) {
    return {
      uuid,
      nodes: finalReports,
      manifest: null,
      error: {
        message: `${broken.length} piece(s) of snapshot ${uuid} could not be downloaded (${broken.map((r) => r.label).join(', ')}); no manifest was written.`,
        hint: `The pieces stay in each node's -snapshot_store (snapshot-${uuid}-<nodeID>); run snapplan devicedb snapshot again for a new, complete set.`,
      },
      dryRun: false,
      plannedCalls: planned,
    };
  }
  const manifest: DevicedbManifest = {
    schemaVersion: 1,
    kind: 'devicedb-cluster-snapshot',
    uuid,
    createdAt: request.now.toISOString(),
    initiator: initiator.label,
    pieces,
  };
  const manifestPath = path.join(request.outDir, manifestFileName(uuid));
  await writeFile(`${manifestPath}.partial`, JSON.stringify(manifest, null, 2) + '\n', { flush: true });
  await rename(`${manifestPath}.partial`, manifestPath);
  await fsyncDirectory(request.outDir);
  return { uuid, nodes: finalReports, manifest: manifestPath, error: null, dryRun: false, plannedCalls: planned };
}
