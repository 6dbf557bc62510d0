import { UserError } from '../../core/errors.js';
import type { Kubectl } from './kubectl.js';
import type { ClaimShape } from './manifests.js';
import type { ReplicaJournal } from './replica-journal.js';
import { withNodeStopped } from '../node-stopped.js';
import { StepLog } from '../steps.js';

/** The parts of `kubectl get sts -o json` snapplan reads. */
export interface StatefulSetJson {
  metadata?: { name?: string };
  spec?: {
    replicas?: number;
    volumeClaimTemplates?: { metadata?: { name?: string; labels?: Record<string, string> }; spec?: { accessModes?: string[]; storageClassName?: string; resources?: { requests?: { storage?: string } } } }[];
  };
}

export interface ClaimTemplate extends ClaimShape {
  readonly name: string;
  readonly storage: string | undefined;
}

export interface StatefulSetInfo {
  readonly name: string;
  readonly replicas: number;
  readonly templates: readonly ClaimTemplate[];
}

export async function readStatefulSet(kubectl: Kubectl, name: string): Promise<StatefulSetInfo> {
  const sts = await kubectl.getObject<StatefulSetJson>('statefulset', name);
  if (!sts) throw new UserError(`StatefulSet ${name} was not found in namespace ${kubectl.options.namespace}.`, { hint: 'Check --namespace and --context (kubectl get sts).' });
  // replicas defaults to 1 when the field is absent (apps/v1).
  const replicas = sts.spec?.replicas ?? 1;
  const templates = (sts.spec?.volumeClaimTemplates ?? []).map((t) => ({
    name: t.metadata?.name ?? '',
    storage: t.spec?.resources?.requests?.storage,
    accessModes: t.spec?.accessModes ?? ['ReadWriteOnce'],
    storageClassName: t.spec?.storageClassName,
    labels: t.metadata?.labels,
  }));
  if (templates.length === 0) throw new UserError(`StatefulSet ${name} has no volumeClaimTemplates: there is nothing to snapshot.`);
  return { name, replicas, templates };
}

/** `<claim>-<sts>-<ordinal>`: the StatefulSet controller's PVC naming. */
export function pvcName(claim: string, sts: string, ordinal: number): string {
  return `${claim}-${sts}-${ordinal}`;
}

export function pvcOrdinal(pvc: string, claim: string, sts: string): number | null {
  const prefix = `${claim}-${sts}-`;
  if (!pvc.startsWith(prefix)) return null;
  const rest = pvc.slice(prefix.length);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? Number(rest) : null;
}

export interface ScaleOptions {
  readonly waitTimeoutSeconds: number;
  readonly pollIntervalMs: number;
  readonly onEvent: (text: string) => void;
}

/** Scale to 0 and wait until every pod the StatefulSet had is gone. */
export async function scaleDown(kubectl: Kubectl, info: StatefulSetInfo, journal: ReplicaJournal | null, options: ScaleOptions): Promise<void> {
  options.onEvent(`scaling statefulset/${info.name} from ${info.replicas} to 0`);
  await kubectl.run(['scale', `statefulset/${info.name}`, '--replicas=0']);
  await journal?.append({ type: 'scaled-down', at: new Date().toISOString() });
  for (let i = 0; i < info.replicas; i += 1) {
    options.onEvent(`waiting for pod/${info.name}-${i} to be deleted`);
    // kubectl wait --for=delete returns at once when the pod is already gone.
    await kubectl.run(['wait', '--for=delete', `pod/${info.name}-${i}`, `--timeout=${options.waitTimeoutSeconds}s`], { timeoutMs: (options.waitTimeoutSeconds + 30) * 1000 });
  }
}

/** Scale back to the recorded count and wait for the rollout. Errors are returned, not thrown. */
export async function scaleBack(
  kubectl: Kubectl,
  name: string,
  replicas: number,
  journal: ReplicaJournal | null,
  by: 'job' | 'undo',
  options: ScaleOptions,
): Promise<{ scaled: boolean; rollout: string | null; error: unknown }> {
  options.onEvent(`scaling statefulset/${name} back to ${replicas}`);
  try {
    await kubectl.run(['scale', `statefulset/${name}`, `--replicas=${replicas}`]);
    await journal?.append({ type: 'scaled-back', replicas, by, at: new Date().toISOString() });
  } catch (error) {
    return { scaled: false, rollout: null, error };
  }
  try {
    options.onEvent(`waiting for the rollout of statefulset/${name}`);
    const result = await kubectl.run(['rollout', 'status', `statefulset/${name}`, `--timeout=${options.waitTimeoutSeconds}s`], { timeoutMs: (options.waitTimeoutSeconds + 30) * 1000 });
    return { scaled: true, rollout: result.stdout.trim().split('\n').pop() ?? '', error: null };
  } catch (error) {
    return { scaled: true, rollout: null, error };
  }
}

export type ScaleBackResult = Awaited<ReturnType<typeof scaleBack>>;

/**
 * Scale to 0, run the work, and scale back to the recorded count whatever the work did, through
 * withNodeStopped (the StatefulSet is the node). A scale-down that failed with the pods still
 * asked for (the `kubectl scale` call itself failed) changes nothing and is not scaled back; one
 * that failed later (waiting for the pods to go) is. `back` is null when no scale-back ran.
 */
export async function withScaledDown<T>(
  kubectl: Kubectl,
  info: StatefulSetInfo,
  journal: ReplicaJournal | null,
  options: ScaleOptions,
  work: () => Promise<T>,
): Promise<{ readonly workError: unknown; readonly back: ScaleBackResult | null }> {
  let back: ScaleBackResult | null = null;
  const node = {
    controller: {
      label: `statefulset/${info.name}`,
      stop: () => scaleDown(kubectl, info, journal, options),
      start: async () => {
        back = await scaleBack(kubectl, info.name, info.replicas, journal, 'job', options);
        if (back.error) throw back.error;
      },
      // Unreadable: scaling back to the recorded count is harmless, so it counts as down.
      state: async () => ((await readStatefulSet(kubectl, info.name).catch(() => null))?.replicas ?? 0) === 0 ? 'stopped' as const : 'running' as const,
    },
  };
  // The k8s jobs report their own events (onEvent); the log keeps the steps for the outcome.
  const job = await withNodeStopped({ log: new StepLog(() => undefined), nodes: [node], restart: true, steps: { stop: 'scale-down', start: 'scale-back' } }, work);
  const backError = (back as ScaleBackResult | null)?.error ?? null;
  return { workError: job.error !== null && job.error !== backError ? job.error : null, back };
}
