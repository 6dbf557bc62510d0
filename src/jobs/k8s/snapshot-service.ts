import { ExternalError, UserError } from '../../core/errors.js';
import { pollUntil } from '../../core/poll.js';
import { errorReport, type ErrorReport } from '../steps.js';
import type { Kubectl } from './kubectl.js';
import { volumeSnapshot, type Manifest } from './manifests.js';
import { ReplicaJournal } from './replica-journal.js';
import { pvcName, pvcOrdinal, readStatefulSet, withScaledDown, type ScaleOptions } from './statefulset.js';
import { faultPoint } from '../fault-point.js';
import { utcStamp } from '../../core/time.js';

export interface K8sSnapshotRequest {
  readonly statefulset: string;
  readonly snapshotClass?: string | undefined;
  /** Where the replica journal goes (one file per job). */
  readonly journalDir: string;
  readonly readyTimeoutSeconds: number;
  readonly scale: Omit<ScaleOptions, 'onEvent'>;
  readonly now: Date;
}

export interface SnapshotReport {
  readonly name: string;
  readonly pvc: string;
  readonly claim: string;
  readonly ordinal: number;
  readonly readyToUse: boolean;
  readonly restoreSize: string | null;
  readonly error: string | null;
}

export interface K8sSnapshotResult {
  readonly statefulset: string;
  readonly namespace: string;
  readonly context: string;
  readonly replicas: number;
  readonly set: string;
  readonly snapshots: readonly SnapshotReport[];
  readonly manifests: readonly Manifest[];
  readonly scaledBack: boolean;
  readonly rollout: string | null;
  readonly journal: string | null;
  readonly error: ErrorReport | null;
}

interface VolumeSnapshotJson {
  status?: { readyToUse?: boolean; restoreSize?: string; error?: { message?: string } };
}

/**
 * The seed's snapshot workflow with the CSI snapshot API instead of the AWS console: record the
 * replicas, scale to 0, wait for the pods to go, one VolumeSnapshot per PVC, wait until each is
 * readyToUse, and scale back — through withScaledDown, so a failed snapshot never leaves the set down.
 */
export async function runK8sSnapshot(kubectl: Kubectl, request: K8sSnapshotRequest, onEvent: (text: string) => void): Promise<K8sSnapshotResult> {
  const context = await kubectl.currentContext();
  const namespace = kubectl.options.namespace;
  const info = await readStatefulSet(kubectl, request.statefulset);
  const pvcs = await kubectl.list<{ metadata?: { name?: string } }>('persistentvolumeclaim');
  const names = new Set(pvcs.map((p) => p.metadata?.name ?? ''));
  // Lower case: Kubernetes object names allow no capitals.
  const set = utcStamp(request.now).toLowerCase();
  const targets = info.templates.flatMap((t) =>
    [...names]
      .map((n) => ({ pvc: n, claim: t.name, ordinal: pvcOrdinal(n, t.name, info.name) }))
      .filter((x): x is { pvc: string; claim: string; ordinal: number } => x.ordinal !== null),
  );
  targets.sort((a, b) => a.ordinal - b.ordinal || a.claim.localeCompare(b.claim));
  const expected = info.templates.flatMap((t) => Array.from({ length: info.replicas }, (_, i) => pvcName(t.name, info.name, i)));
  const absent = expected.filter((n) => !names.has(n));
  if (targets.length === 0) throw new UserError(`No PVC of StatefulSet ${info.name} was found (expected ${expected.join(', ') || '<claim>-<sts>-<ordinal>'}).`);
  if (absent.length > 0) onEvent(`warning: no PVC ${absent.join(', ')} (the pods have not created them)`);
  const manifests = targets.map((t) =>
    volumeSnapshot({ name: `${t.pvc}-${set}`, namespace, pvc: t.pvc, claim: t.claim, statefulset: info.name, set, snapshotClass: request.snapshotClass }),
  );
  const reports: SnapshotReport[] = targets.map((t) => ({ name: `${t.pvc}-${set}`, pvc: t.pvc, claim: t.claim, ordinal: t.ordinal, readyToUse: false, restoreSize: null, error: null }));
  const base = { statefulset: info.name, namespace, context, replicas: info.replicas, set, manifests };
  const scaleOptions: ScaleOptions = { ...request.scale, onEvent };

  const dryRun = kubectl.options.dryRun;
  const journal = dryRun ? null : await ReplicaJournal.create(request.journalDir, { job: 'snapshot', context, namespace, statefulset: info.name, replicas: info.replicas, at: request.now.toISOString() });
  let error: ErrorReport | null = null;
  let scaledBack = false;
  let rollout: string | null = null;
  const { workError, back } = await withScaledDown(kubectl, info, journal, scaleOptions, async () => {
    for (const manifest of manifests) {
      const name = (manifest['metadata'] as { name: string }).name;
      await faultPoint(`k8s snapshot: apply ${name}`);
      onEvent(`creating VolumeSnapshot ${name}`);
      await kubectl.run(['apply', '-f', '-'], { input: JSON.stringify(manifest) });
      await journal?.append({ type: 'object', action: 'applied', kind: 'VolumeSnapshot', name, at: new Date().toISOString() });
    }
    await faultPoint('k8s snapshot: wait ready');
    if (!dryRun) await waitReady(kubectl, reports, request, onEvent);
  });
  if (workError !== null) error = errorReport(workError);
  scaledBack = back?.scaled ?? false;
  rollout = back?.rollout ?? null;
  if (back?.error) {
    const report = errorReport(back.error);
    error ??= back.scaled
      ? { ...report, message: `The StatefulSet was scaled back to ${info.replicas}, but its rollout did not finish: ${report.message}` }
      : { ...report, message: `Scaling ${info.name} back to ${info.replicas} failed: ${report.message}`, hint: `Run snapplan k8s undo --journal ${journal?.path ?? '<journal>'} once kubectl works again.` };
  }
  await journal?.append({ type: 'done', outcome: error ? 'failed' : 'ok', at: new Date().toISOString() });
  return { ...base, snapshots: reports, scaledBack, rollout, journal: journal?.path ?? null, error };
}

/** Polls every snapshot (not `kubectl wait`): a snapshot's status.error must stop the wait at once. */
async function waitReady(kubectl: Kubectl, reports: SnapshotReport[], request: K8sSnapshotRequest, onEvent: (text: string) => void): Promise<void> {
  const polled = await pollUntil(async () => {
    for (const [i, report] of reports.entries()) {
      if (report.readyToUse) continue;
      const vs = await kubectl.getObject<VolumeSnapshotJson>('volumesnapshot', report.name);
      const status = vs?.status;
      const next: SnapshotReport = { ...report, readyToUse: status?.readyToUse === true, restoreSize: status?.restoreSize ?? null, error: status?.error?.message ?? (vs ? null : 'not found') };
      reports[i] = next;
      if (next.readyToUse) onEvent(`VolumeSnapshot ${next.name} is ready (${next.restoreSize ?? 'size unknown'})`);
      if (next.error) {
        throw new ExternalError(`VolumeSnapshot ${next.name} failed: ${next.error}`, { command: 'kubectl', args: ['get', 'volumesnapshot', next.name] }, {
          hint: 'Check the VolumeSnapshotClass and the CSI snapshotter (kubectl describe volumesnapshot); the StatefulSet is scaled back.',
        });
      }
    }
    return { done: reports.every((r) => r.readyToUse), value: undefined };
  }, { timeoutMs: request.readyTimeoutSeconds * 1000, intervalMs: request.scale.pollIntervalMs });
  if (!polled.ok) {
    const pending = reports.filter((r) => !r.readyToUse).map((r) => r.name);
    throw new ExternalError(`VolumeSnapshot ${pending.join(', ')} not readyToUse within ${request.readyTimeoutSeconds} s.`, { command: 'kubectl', args: ['get', 'volumesnapshot'] }, {
      hint: 'The snapshots may still complete (kubectl get vs); give them longer with --ready-timeout.',
    });
  }
}
