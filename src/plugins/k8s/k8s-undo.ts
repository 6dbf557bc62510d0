import { UserError } from '../../core/errors.js';
import { errorReport, type ErrorReport } from '../steps.js';
import { Kubectl, type KubectlOptions } from './kubectl.js';
import { ReplicaJournal, readJournal, unfinishedJournals } from './replica-journal.js';
import { scaleBack, type ScaleOptions } from './statefulset.js';

export interface K8sUndoResult {
  readonly journal: string;
  readonly statefulset: string;
  readonly namespace: string;
  readonly context: string;
  readonly replicas: number;
  readonly action: 'scaled-back' | 'nothing-to-do';
  readonly rollout: string | null;
  readonly error: ErrorReport | null;
}

/**
 * After a crash mid-job: scale the StatefulSet back to the count its journal recorded, on the
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
  const base = { journal: path, statefulset: begin.statefulset, namespace: begin.namespace, context: begin.context, replicas: begin.replicas };
  if (state.scaledBack || state.done) return { ...base, action: 'nothing-to-do', rollout: null, error: null };
  const kubectl = new Kubectl({ ...kubectlOptions, namespace: begin.namespace, context: begin.context });
  const journal = kubectlOptions.dryRun ? null : ReplicaJournal.open(path);
  const back = await scaleBack(kubectl, begin.statefulset, begin.replicas, journal, 'undo', { ...scale, onEvent });
  if (back.scaled) await journal?.append({ type: 'done', outcome: back.error ? 'failed' : 'ok', at: new Date().toISOString() });
  return { ...base, action: 'scaled-back', rollout: back.rollout, error: back.error ? errorReport(back.error) : null };
}
