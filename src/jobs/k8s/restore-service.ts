import { writeFile } from 'node:fs/promises';
import { ExternalError, UserError } from '../../core/errors.js';
import { pollUntil } from '../../core/poll.js';
import { errorReport, type ErrorReport } from '../steps.js';
import type { Kubectl } from './kubectl.js';
import { ANNOTATION_CLAIM, ANNOTATION_PVC, ebsVolumeManifests, LABEL_SET, LABEL_STS, pvcFromSnapshot, yamlDocuments, type Manifest } from './manifests.js';
import { parseQuantity, requireQuantity } from './quantity.js';
import { ReplicaJournal, readJournal } from './replica-journal.js';
import { pvcName, pvcOrdinal, readStatefulSet, withScaledDown, type ClaimTemplate, type ScaleOptions, type StatefulSetInfo } from './statefulset.js';
import { faultPoint } from '../fault-point.js';
import { utcStamp } from '../../core/time.js';

/** Where the data comes from: the VolumeSnapshots of one `k8s snapshot` job, or existing EBS volumes. */
export type RestoreSource =
  | { readonly kind: 'snapshots'; readonly from: string }
  | { readonly kind: 'ebs'; readonly volumes: readonly EbsVolume[]; readonly zone: string; readonly fsType: string };

export interface EbsVolume {
  readonly ordinal: number;
  readonly volumeId: string;
}

export interface K8sRestoreRequest {
  readonly statefulset: string;
  readonly source: RestoreSource;
  /** The claim template, when the StatefulSet has more than one (the EBS route names one volume per ordinal). */
  readonly claim?: string | undefined;
  /** Snapshots: at least each restoreSize (default: the larger of it and the template's request). EBS: required. */
  readonly size?: string | undefined;
  readonly storageClass?: string | undefined;
  /** Delete existing PVCs of the same names (their PVs follow their reclaim policy). */
  readonly replace: boolean;
  readonly journalDir: string;
  readonly scale: Omit<ScaleOptions, 'onEvent'>;
  readonly now: Date;
}

export interface ClaimReport {
  readonly pvc: string;
  readonly claim: string;
  readonly ordinal: number;
  readonly snapshot: string | null;
  readonly volumeId: string | null;
  readonly pv: string | null;
  readonly restoreSize: string | null;
  readonly size: string;
  /** The claim this restore deletes (with --replace): its PV and what the PV's reclaim policy does to it. */
  readonly existing: { readonly volume: string | null; readonly reclaimPolicy: string | null } | null;
  readonly state: 'planned' | 'deleted' | 'applied' | 'bound';
}

export interface K8sRestoreResult {
  readonly statefulset: string;
  readonly namespace: string;
  readonly context: string;
  readonly replicas: number;
  readonly mode: 'snapshots' | 'ebs';
  readonly claims: readonly ClaimReport[];
  readonly manifests: readonly Manifest[];
  /** EBS route: the PV + PVC manifests as YAML (the seed's restore-pvc.yaml), and where they were written. */
  readonly yaml: string | null;
  readonly manifestFile: string | null;
  readonly scaledBack: boolean;
  readonly rollout: string | null;
  readonly journal: string | null;
  readonly warnings: readonly string[];
  readonly error: ErrorReport | null;
}

interface VolumeSnapshotJson {
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  status?: { readyToUse?: boolean; restoreSize?: string; error?: { message?: string } };
}

interface PvcJson {
  spec?: { volumeName?: string };
  status?: { phase?: string };
}

interface PvJson {
  spec?: { persistentVolumeReclaimPolicy?: string; csi?: { volumeHandle?: string } };
}

interface NodeJson {
  metadata?: { labels?: Record<string, string> };
}

interface StorageClassJson {
  metadata?: { name?: string; annotations?: Record<string, string> };
  volumeBindingMode?: string;
}

interface Target {
  report: ClaimReport;
  /** Applied together (EBS: the PV, then its PVC). */
  objects: Manifest[];
}

const ZONE_LABELS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];
const VOLUME_ID = /^vol-[0-9a-f]{8,17}$/;

/** `ORDINAL=vol-…` from --ebs-volume. */
export function parseEbsVolume(text: string): EbsVolume {
  const match = /^(0|[1-9][0-9]*)=(.+)$/.exec(text.trim());
  if (!match) throw new UserError(`--ebs-volume ${JSON.stringify(text)} is not ORDINAL=VOLUME_ID.`, { hint: 'For example --ebs-volume 0=vol-0abcd1234efgh5678.' });
  const volumeId = match[2] ?? '';
  if (!VOLUME_ID.test(volumeId)) throw new UserError(`--ebs-volume ${JSON.stringify(text)}: ${JSON.stringify(volumeId)} is not an EBS volume ID (vol- and 8 or 17 hex digits).`);
  return { ordinal: Number(match[1]), volumeId };
}

/**
 * The seed's restore workflow: scale to 0, replace the claims named `<claim>-<sts>-<ordinal>`
 * (from VolumeSnapshots, or as PV + PVC for an existing EBS volume), scale back — in a
 * `finally`. Every check that can refuse runs before the journal and the scale-down, so a
 * refusal (UserError, exit 2) leaves the cluster as it was.
 */
export async function runK8sRestore(kubectl: Kubectl, request: K8sRestoreRequest, onEvent: (text: string) => void): Promise<K8sRestoreResult> {
  const context = await kubectl.currentContext();
  const namespace = kubectl.options.namespace;
  const info = await readStatefulSet(kubectl, request.statefulset);
  const stamp = utcStamp(request.now).toLowerCase();
  const warnings: string[] = [];
  const warn = (text: string) => {
    warnings.push(text);
    onEvent(`warning: ${text}`);
  };

  const targets = request.source.kind === 'snapshots' ? await snapshotTargets(kubectl, info, request, request.source.from, warn) : await ebsTargets(kubectl, info, request, request.source, stamp);
  if (targets.length === 0) throw new UserError('Nothing to restore.');
  const ordinals = new Set(targets.map((t) => t.report.ordinal));
  for (let i = 0; i < info.replicas; i += 1) if (!ordinals.has(i)) warn(`no volume for ordinal ${i}: pod ${info.name}-${i} keeps its current claim`);
  for (const t of targets) if (t.report.ordinal >= info.replicas) warn(`ordinal ${t.report.ordinal} is beyond the ${info.replicas} replicas: ${t.report.pvc} is restored but no pod uses it until the StatefulSet grows`);
  await checkExistingClaims(kubectl, targets, request.replace, warn);
  const waitBeforeScaleUp = request.source.kind === 'ebs' || (await bindsImmediately(kubectl, targets, warn));

  const manifests = targets.flatMap((t) => t.objects);
  const yaml = request.source.kind === 'ebs' ? yamlDocuments(manifests) : null;
  const base = { statefulset: info.name, namespace, context, replicas: info.replicas, mode: request.source.kind, manifests, yaml, warnings };
  const scaleOptions: ScaleOptions = { ...request.scale, onEvent };
  const dryRun = kubectl.options.dryRun;
  const journal = dryRun ? null : await ReplicaJournal.create(request.journalDir, { job: 'restore', context, namespace, statefulset: info.name, replicas: info.replicas, at: request.now.toISOString() });
  // The manifests sit next to the journal: the record of what was applied, and a file an operator can re-apply.
  const manifestFile = yaml !== null && journal ? journal.path.replace(/\.jsonl$/, '.restore-pvc.yaml') : null;
  if (manifestFile !== null && yaml !== null) {
    await writeFile(manifestFile, yaml, { flag: 'wx' });
    onEvent(`wrote ${manifestFile}`);
  } else if (yaml !== null) {
    onEvent(`(dry run) the PV + PVC manifests, written next to the journal on a real run:\n${yaml}`);
  }

  const reports = targets.map((t) => t.report);
  const setState = (i: number, state: ClaimReport['state']) => {
    const r = reports[i];
    if (r) reports[i] = { ...r, state };
  };
  let error: ErrorReport | null = null;
  let scaledBack = false;
  let rollout: string | null = null;
  const { workError, back } = await withScaledDown(kubectl, info, journal, scaleOptions, async () => {
    // One ordinal at a time, delete then apply: a failure leaves at most one claim missing.
    for (const [i, target] of targets.entries()) {
      const { pvc } = target.report;
      await faultPoint(`k8s restore: ${pvc}`);
      if (target.report.existing) {
        onEvent(`deleting persistentvolumeclaim/${pvc}`);
        await kubectl.run(['delete', 'persistentvolumeclaim', pvc, '--wait=true', `--timeout=${request.scale.waitTimeoutSeconds}s`], { timeoutMs: (request.scale.waitTimeoutSeconds + 30) * 1000 });
        await journal?.append({ type: 'object', action: 'deleted', kind: 'PersistentVolumeClaim', name: pvc, at: new Date().toISOString() });
        setState(i, 'deleted');
      }
      for (const object of target.objects) {
        const meta = object['metadata'] as { name: string };
        onEvent(`applying ${String(object['kind'])} ${meta.name}`);
        await kubectl.run(['apply', '-f', '-'], { input: JSON.stringify(object) });
        await journal?.append({ type: 'object', action: 'applied', kind: String(object['kind']), name: meta.name, at: new Date().toISOString() });
      }
      setState(i, 'applied');
    }
    await faultPoint('k8s restore: wait bound');
    if (!dryRun && waitBeforeScaleUp) {
      for (const [i, r] of reports.entries()) {
        await waitBound(kubectl, r.pvc, request.scale, onEvent);
        setState(i, 'bound');
      }
    }
  });
  if (workError !== null) {
    // Past the scale-down something has changed: exit 1, never the usage code 2.
    error = { ...errorReport(workError), exitCode: 1 };
    const missing = reports.filter((r) => r.state === 'deleted').map((r) => r.pvc);
    if (missing.length > 0) {
      error = {
        ...error,
        hint: `${error.hint ? `${error.hint} ` : ''}${missing.join(', ')} was deleted and not recreated: on scale-up the StatefulSet creates it empty from its template. Scale to 0 and run the restore again for that ordinal.`,
      };
    }
  }
  scaledBack = back?.scaled ?? false;
  rollout = back?.rollout ?? null;
  if (back?.error) {
    const report = errorReport(back.error);
    error ??= back.scaled
      ? { ...report, exitCode: 1, message: `The StatefulSet was scaled back to ${info.replicas}, but its rollout did not finish: ${report.message}` }
      : { ...report, exitCode: 1, message: `Scaling ${info.name} back to ${info.replicas} failed: ${report.message}`, hint: `Run snapplan k8s undo --journal ${journal?.path ?? '<journal>'} once kubectl works again.` };
  }
  await journal?.append({ type: 'done', outcome: error ? 'failed' : 'ok', at: new Date().toISOString() });
  // WaitForFirstConsumer claims bind only once their pods exist: check them after the rollout.
  if (!dryRun && !waitBeforeScaleUp && error === null) {
    for (const [i, r] of reports.entries()) {
      const phase = (await kubectl.getObject<PvcJson>('persistentvolumeclaim', r.pvc))?.status?.phase;
      if (phase === 'Bound') setState(i, 'bound');
      else warn(`${r.pvc} is ${phase ?? 'missing'} after the rollout`);
    }
  }
  return { ...base, claims: reports, manifestFile, scaledBack, rollout, journal: journal?.path ?? null, error };
}

/** The snapshot set: a `snapplan.io/snapshot-set` value, or the journal of the snapshot job. */
async function findSnapshots(kubectl: Kubectl, info: StatefulSetInfo, from: string): Promise<VolumeSnapshotJson[]> {
  if (from.endsWith('.jsonl')) {
    const state = await readJournal(from);
    const { begin } = state;
    if (begin.job !== 'snapshot') throw new UserError(`${from} is the journal of a k8s ${begin.job} job, not of a snapshot.`);
    if (begin.statefulset !== info.name || begin.namespace !== kubectl.options.namespace) {
      throw new UserError(`${from} snapshotted statefulset/${begin.statefulset} in namespace ${begin.namespace}, not ${info.name} in ${kubectl.options.namespace}.`);
    }
    if (!state.records.some((r) => r.type === 'done' && r.outcome === 'ok')) throw new UserError(`The snapshot job of ${from} did not finish successfully; its snapshots may be incomplete.`);
    const names = state.records.flatMap((r) => (r.type === 'object' && r.kind === 'VolumeSnapshot' && r.action === 'applied' ? [r.name] : []));
    const found: VolumeSnapshotJson[] = [];
    for (const name of names) {
      const vs = await kubectl.getObject<VolumeSnapshotJson>('volumesnapshot', name);
      if (!vs) throw new UserError(`VolumeSnapshot ${name} (from ${from}) no longer exists.`);
      found.push(vs);
    }
    return found;
  }
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(from)) throw new UserError(`--from-snapshots ${JSON.stringify(from)} is neither a snapshot set (like 20261121t120000z) nor a snapshot job's .jsonl journal.`);
  const all = await kubectl.list<VolumeSnapshotJson>('volumesnapshot', `${LABEL_SET}=${from}`);
  const mine = all.filter((vs) => vs.metadata?.labels?.[LABEL_STS] === info.name);
  if (mine.length === 0) {
    throw new UserError(`No VolumeSnapshot of statefulset/${info.name} in snapshot set ${from} (namespace ${kubectl.options.namespace}).`, {
      hint: `List the sets with: kubectl get volumesnapshot -n ${kubectl.options.namespace} -l ${LABEL_STS}=${info.name} -L ${LABEL_SET}`,
    });
  }
  return mine;
}

async function snapshotTargets(kubectl: Kubectl, info: StatefulSetInfo, request: K8sRestoreRequest, from: string, warn: (text: string) => void): Promise<Target[]> {
  const snapshots = await findSnapshots(kubectl, info, from);
  const override = request.size === undefined ? null : requireQuantity(request.size, '--size');
  const problems: string[] = [];
  const targets: Target[] = [];
  for (const vs of snapshots) {
    const name = vs.metadata?.name ?? '';
    const pvc = vs.metadata?.annotations?.[ANNOTATION_PVC];
    const claim = vs.metadata?.annotations?.[ANNOTATION_CLAIM];
    const ordinal = pvc && claim ? pvcOrdinal(pvc, claim, info.name) : null;
    const template = info.templates.find((t) => t.name === claim);
    if (!pvc || !claim || ordinal === null || !template) {
      problems.push(`VolumeSnapshot ${name} does not name a claim of statefulset/${info.name} (annotations ${ANNOTATION_PVC}, ${ANNOTATION_CLAIM})`);
      continue;
    }
    if (request.claim !== undefined && claim !== request.claim) continue;
    const status = vs.status;
    if (status?.readyToUse !== true) {
      problems.push(`VolumeSnapshot ${name} is not readyToUse${status?.error?.message ? ` (${status.error.message})` : ''}`);
      continue;
    }
    const restoreSize = status.restoreSize ?? null;
    const restoreBytes = restoreSize === null ? null : parseQuantity(restoreSize);
    if (restoreSize === null || restoreBytes === null) {
      problems.push(`VolumeSnapshot ${name} has no usable status.restoreSize (${JSON.stringify(restoreSize)})`);
      continue;
    }
    // A claim smaller than the snapshot is refused by the provisioner and stays Pending.
    const size = chooseSize(template, restoreSize, restoreBytes, request.size, override);
    if (size === null) {
      problems.push(`--size ${request.size ?? ''} is smaller than the restoreSize ${restoreSize} of VolumeSnapshot ${name}`);
      continue;
    }
    if (targets.some((t) => t.report.pvc === pvc)) {
      problems.push(`two VolumeSnapshots in the set restore ${pvc}`);
      continue;
    }
    const shape = { ...template, storageClassName: request.storageClass ?? template.storageClassName };
    targets.push({
      report: { pvc, claim, ordinal, snapshot: name, volumeId: null, pv: null, restoreSize, size, existing: null, state: 'planned' },
      objects: [pvcFromSnapshot({ name: pvc, namespace: kubectl.options.namespace, size, snapshot: name, shape })],
    });
  }
  if (problems.length > 0) throw new UserError(`Refusing to restore; nothing was changed:\n  - ${problems.join('\n  - ')}`);
  if (targets.length === 0) warn(`no snapshot of claim ${request.claim ?? ''} in the set`);
  return targets.sort((a, b) => a.report.claim.localeCompare(b.report.claim) || a.report.ordinal - b.report.ordinal);
}

function chooseSize(template: ClaimTemplate, restoreSize: string, restoreBytes: bigint, requested: string | undefined, override: bigint | null): string | null {
  if (override !== null && requested !== undefined) return override >= restoreBytes ? requested : null;
  const templateBytes = template.storage === undefined ? null : parseQuantity(template.storage);
  return template.storage !== undefined && templateBytes !== null && templateBytes >= restoreBytes ? template.storage : restoreSize;
}

async function ebsTargets(kubectl: Kubectl, info: StatefulSetInfo, request: K8sRestoreRequest, source: Extract<RestoreSource, { kind: 'ebs' }>, stamp: string): Promise<Target[]> {
  if (source.volumes.length === 0) throw new UserError('The EBS route needs at least one --ebs-volume ORDINAL=vol-….');
  if (request.size === undefined) throw new UserError('The EBS route needs --size, the volume\'s size (like 200Gi).');
  if (requireQuantity(request.size, '--size') <= 0n) throw new UserError(`--size ${request.size} must be more than 0.`);
  const template = pickTemplate(info, request.claim);
  const seen = new Set<number>();
  const handles = new Set<string>();
  for (const v of source.volumes) {
    if (seen.has(v.ordinal)) throw new UserError(`--ebs-volume names ordinal ${v.ordinal} twice.`);
    if (handles.has(v.volumeId)) throw new UserError(`--ebs-volume names ${v.volumeId} twice: an EBS volume attaches to one node at a time.`);
    seen.add(v.ordinal);
    handles.add(v.volumeId);
  }
  // An EBS volume attaches only in its own zone: a zone no node is in would leave the pod Pending.
  const nodes = await kubectl.list<NodeJson>('node', undefined, true);
  const zones = new Set(nodes.flatMap((n) => ZONE_LABELS.map((l) => n.metadata?.labels?.[l]).filter((z): z is string => z !== undefined)));
  if (!zones.has(source.zone)) {
    throw new UserError(`No node is in zone ${source.zone}: a PV pinned there could never be attached. Nothing was changed.`, {
      hint: zones.size > 0 ? `The nodes' zones (topology.kubernetes.io/zone): ${[...zones].sort().join(', ')}.` : 'No node carries a topology.kubernetes.io/zone label.',
    });
  }
  const pvs = await kubectl.list<PvJson & { metadata?: { name?: string } }>('persistentvolume', undefined, true);
  for (const pv of pvs) {
    const handle = pv.spec?.csi?.volumeHandle;
    if (handle !== undefined && handles.has(handle)) throw new UserError(`${handle} is already the volume of PV ${pv.metadata?.name ?? '?'}; two PVs on one EBS volume would corrupt it.`);
  }
  const size = request.size;
  return [...source.volumes]
    .sort((a, b) => a.ordinal - b.ordinal)
    .map((v) => {
      const pvc = pvcName(template.name, info.name, v.ordinal);
      const pvName = `${pvc}-pv-${stamp}`;
      const shape = { ...template, storageClassName: request.storageClass ?? template.storageClassName };
      const objects = ebsVolumeManifests({ pvName, pvcName: pvc, namespace: kubectl.options.namespace, volumeId: v.volumeId, size, zone: source.zone, fsType: source.fsType, shape });
      return { report: { pvc, claim: template.name, ordinal: v.ordinal, snapshot: null, volumeId: v.volumeId, pv: pvName, restoreSize: null, size, existing: null, state: 'planned' as const }, objects };
    });
}

function pickTemplate(info: StatefulSetInfo, claim: string | undefined): ClaimTemplate {
  const names = info.templates.map((t) => t.name).join(', ');
  if (claim !== undefined) {
    const found = info.templates.find((t) => t.name === claim);
    if (!found) throw new UserError(`statefulset/${info.name} has no claim template ${claim} (it has ${names}).`);
    return found;
  }
  const [only, ...more] = info.templates;
  if (!only || more.length > 0) throw new UserError(`statefulset/${info.name} has several claim templates (${names}); pass --claim NAME.`);
  return only;
}

/**
 * A restored claim must take the name of the existing one, so that one has to go. Deleting it
 * deletes its volume when the PV's reclaim policy is Delete: only with --replace, said plainly.
 */
async function checkExistingClaims(kubectl: Kubectl, targets: Target[], replace: boolean, warn: (text: string) => void): Promise<void> {
  const problems: string[] = [];
  for (const target of targets) {
    const { pvc } = target.report;
    const existing = await kubectl.getObject<PvcJson>('persistentvolumeclaim', pvc);
    if (!existing) continue;
    const volume = existing.spec?.volumeName ?? null;
    const pv = volume ? await kubectl.getObject<PvJson>('persistentvolume', volume) : null;
    const reclaimPolicy = pv ? (pv.spec?.persistentVolumeReclaimPolicy ?? 'Delete') : null;
    target.report = { ...target.report, existing: { volume, reclaimPolicy } };
    const consequence =
      reclaimPolicy === 'Delete'
        ? `its PV ${volume ?? ''} has reclaim policy Delete: deleting the claim deletes that volume and the data on it`
        : reclaimPolicy !== null
          ? `its PV ${volume ?? ''} has reclaim policy ${reclaimPolicy}: the volume stays (Released) when the claim is deleted`
          : 'it is not bound to a volume';
    if (!replace) problems.push(`PVC ${pvc} exists; ${consequence}`);
    else if (reclaimPolicy === 'Delete') warn(`--replace: deleting ${pvc} deletes PV ${volume ?? ''} and its data`);
  }
  if (problems.length > 0) {
    throw new UserError(`Refusing to restore; nothing was changed. The restored claims need the names of existing ones:\n  - ${problems.join('\n  - ')}`, {
      hint: 'Pass --replace to delete them. To keep a volume, first set its PV to Retain: kubectl patch pv NAME -p \'{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}\'.',
    });
  }
}

/**
 * With volumeBindingMode WaitForFirstConsumer a claim binds only when a pod uses it, and the
 * pods are gone until the scale-up: waiting for Bound before it would never end.
 */
async function bindsImmediately(kubectl: Kubectl, targets: Target[], warn: (text: string) => void): Promise<boolean> {
  const classes = new Set(targets.map((t) => ((t.objects[0]?.['spec'] as { storageClassName?: string } | undefined)?.storageClassName ?? null)));
  let listed: StorageClassJson[] | null = null;
  for (const name of classes) {
    let sc: StorageClassJson | null | undefined;
    if (name !== null) {
      sc = await kubectl.getObject<StorageClassJson>('storageclass', name);
    } else {
      listed ??= await kubectl.list<StorageClassJson>('storageclass', undefined, true);
      sc = listed.find((c) => c.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
    }
    if (!sc) warn(`StorageClass ${name ?? '(default)'} was not found; the claims stay Pending until it exists`);
    if (sc?.volumeBindingMode === 'WaitForFirstConsumer') return false;
  }
  return true;
}

/** Polls the claim (not `kubectl wait`): a claim that stays Pending is reported with its name. */
async function waitBound(kubectl: Kubectl, pvc: string, scale: Omit<ScaleOptions, 'onEvent'>, onEvent: (text: string) => void): Promise<void> {
  onEvent(`waiting for persistentvolumeclaim/${pvc} to be Bound`);
  const polled = await pollUntil(async () => {
    const phase = (await kubectl.getObject<PvcJson>('persistentvolumeclaim', pvc))?.status?.phase;
    return { done: phase === 'Bound', value: phase };
  }, { timeoutMs: scale.waitTimeoutSeconds * 1000, intervalMs: scale.pollIntervalMs });
  if (!polled.ok) {
    throw new ExternalError(`persistentvolumeclaim/${pvc} is ${polled.last ?? 'missing'}, not Bound, after ${scale.waitTimeoutSeconds} s.`, { command: 'kubectl', args: ['get', 'persistentvolumeclaim', pvc] }, {
      hint: `See why with: kubectl describe pvc ${pvc} (a snapshot smaller than the claim, a missing StorageClass, a zone without nodes).`,
    });
  }
}
