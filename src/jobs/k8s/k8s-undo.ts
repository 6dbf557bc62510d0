import { UserError } from '../../core/errors.js';
import { errorReport, type ErrorReport } from '../steps.js';
import { Kubectl, type KubectlOptions } from './kubectl.js';
import { ReplicaJournal, readJournal, unfinishedJournals, type ReplicaRecord } from './replica-journal.js';
import { scaleBack, type ScaleOptions } from './statefulset.js';

export interface K8sUndoResult {
  readonly journal: string;
  readonly statefulset: string;
  readonly namespace: string;
  readonly context: string;
  readonly replicas: number;
  readonly job: 'snapshot' | 'restore';
  /** Restore journals: claims the job deleted and never recreated (the scale-up creates them empty). */
  readonly missingClaims: readonly string[];
  readonly action: 'scaled-back' | 'nothing-to-do';
  readonly rollout: string | null;
  readonly error: ErrorReport | null;
}

/**
 * After a crash mid-job (snapshot or restore, both record the replicas the same way): scale the StatefulSet back to the count its journal recorded, on the
 * context and namespace the job used (not whatever kubectl points at now).
 */
export async function undoK8sJob(
  target: { journal: string } | { statefulset: string; namespace?: string | undefined; journalDir: string },
  kubectlOptions: Omit<KubectlOptions, 'namespace' | 'context'>,
  scale: Omit<ScaleOptions, 'onEvent'>,
  onEvent: (text: string) => void,
): Promise<K8sUndoResult> {
  let path: string;
  if ('journal' in target) {
    path = target.journal;
  } else {
    const found = await unfinishedJournals(target.journalDir, { statefulset: target.statefulset, namespace: target.namespace });
    const first = found[0];
    if (!first) throw new UserError(`No unfinished snapplan k8s job for StatefulSet ${target.statefulset} in ${target.journalDir}.`, { hint: 'Pass --journal PATH, or --journal-dir where the job wrote it.' });
    if (found.length > 1) onEvent(`${found.length} unfinished journals; using the newest, ${first.path}`);
    path = first.path;
  }
  const state = await readJournal(path);
  const { begin } = state;
  const missingClaims = deletedNotRecreated(state.records);
  const base = { journal: path, statefulset: begin.statefulset, namespace: begin.namespace, context: begin.context, replicas: begin.replicas, job: begin.job, missingClaims };
  if (state.scaledBack || state.done) return { ...base, action: 'nothing-to-do', rollout: null, error: null };
  // Scaling back is still right (the set must not stay down), but the operator has to know
  // which ordinals will start on an empty volume.
  if (missingClaims.length > 0) onEvent(`warning: the restore deleted ${missingClaims.join(', ')} and did not recreate it; the StatefulSet creates it empty from its template on scale-up. Run the restore again for it.`);
  const kubectl = new Kubectl({ ...kubectlOptions, namespace: begin.namespace, context: begin.context });
  const journal = kubectlOptions.dryRun ? null : await ReplicaJournal.open(path);
  const back = await scaleBack(kubectl, begin.statefulset, begin.replicas, journal, 'undo', { ...scale, onEvent });
  if (back.scaled) await journal?.append({ type: 'done', outcome: back.error ? 'failed' : 'ok', at: new Date().toISOString() });
  return { ...base, action: 'scaled-back', rollout: back.rollout, error: back.error ? errorReport(back.error) : null };
}

function deletedNotRecreated(records: readonly ReplicaRecord[]): string[] {
  const missing = new Set<string>();
  for (const r of records) {
    if (r.type !== 'object' || r.kind !== 'PersistentVolumeClaim') continue;
    if (r.action === 'deleted') missing.add(r.name);
    else missing.delete(r.name);
  }
  return [...missing];
}
