import { defineCommand } from '../define-command.js';

export interface K8sArgs {
  readonly action: 'snapshot' | 'undo';
  readonly statefulset?: string;
  readonly namespace: string;
  readonly context?: string;
  readonly snapshotClass?: string;
  readonly journal?: string;
  readonly journalDir?: string;
  readonly kubectl: string;
  readonly waitTimeout: number;
  readonly readyTimeout: number;
  readonly dryRun: boolean;
  readonly json: boolean;
}

export const k8sCommand = defineCommand<K8sArgs>({
  command: 'k8s <action>',
  describe: 'Kubernetes StatefulSet: scale to 0, VolumeSnapshot every PVC, always scale back; undo a crashed job',
  builder: (yargs) =>
    yargs
      .positional('action', { choices: ['snapshot', 'undo'] as const, describe: 'snapshot: the whole job; undo: scale back from a journal' })
      .option('statefulset', { type: 'string', describe: 'The StatefulSet (undo: its newest unfinished journal)' })
      .option('namespace', { alias: 'n', type: 'string', default: 'default', describe: 'Its namespace' })
      .option('context', { type: 'string', describe: 'kubeconfig context (default: the current one, recorded in the journal)' })
      .option('snapshot-class', { type: 'string', describe: 'VolumeSnapshotClass (default: the cluster\'s default class)' })
      .option('journal', { type: 'string', describe: 'undo: the journal file to scale back from' })
      .option('journal-dir', { type: 'string', describe: 'Where jobs write their journals (default: $XDG_STATE_HOME/snapplan/k8s)' })
      .option('kubectl', { type: 'string', default: 'kubectl', describe: 'The kubectl to run' })
      .option('wait-timeout', { type: 'number', default: 600, describe: 'Seconds for pods to go and for the rollout' })
      .option('ready-timeout', { type: 'number', default: 1800, describe: 'Seconds for every VolumeSnapshot to be readyToUse' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print every kubectl call and manifest; run only reads' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1); progress goes to stderr' }),
  handler: async () => (await import('./k8s-handler.js')).k8sHandler,
});
