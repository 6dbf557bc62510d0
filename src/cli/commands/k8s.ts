import { defineCommand } from '../define-command.js';

export interface K8sArgs {
  readonly action: 'snapshot' | 'restore' | 'undo';
  readonly statefulset?: string;
  readonly namespace: string;
  readonly context?: string;
  readonly snapshotClass?: string;
  readonly journal?: string;
  readonly journalDir?: string;
  /** restore (optional: `snapplan undo` builds these args without them). */
  readonly fromSnapshots?: string;
  readonly ebsVolume?: string[];
  readonly size?: string;
  readonly zone?: string;
  readonly fsType?: string;
  readonly storageClass?: string;
  readonly claim?: string;
  readonly replace?: boolean;
  readonly kubectl: string;
  readonly waitTimeout: number;
  readonly readyTimeout: number;
  readonly dryRun: boolean;
  readonly json: boolean;
}

export const k8sCommand = defineCommand<K8sArgs>({
  command: 'k8s <action>',
  describe: 'Kubernetes StatefulSet: scale to 0, VolumeSnapshot every PVC (or restore the PVCs), always scale back; undo a crashed job',
  builder: (yargs) =>
    yargs
      .positional('action', { choices: ['snapshot', 'restore', 'undo'] as const, describe: 'snapshot: the whole job; restore: recreate the PVCs; undo: scale back from a journal' })
      .option('statefulset', { type: 'string', describe: 'The StatefulSet (undo: its newest unfinished journal)' })
      .option('namespace', { alias: 'n', type: 'string', default: 'default', describe: 'Its namespace' })
      .option('context', { type: 'string', describe: 'kubeconfig context (default: the current one, recorded in the journal)' })
      .option('snapshot-class', { type: 'string', describe: 'VolumeSnapshotClass (default: the cluster\'s default class)' })
      .option('from-snapshots', { type: 'string', describe: 'restore: the snapshot set (label snapplan.io/snapshot-set, like 20261121t120000z) or the snapshot job\'s .jsonl journal' })
      .option('ebs-volume', { type: 'string', array: true, describe: 'restore without the snapshot API: ORDINAL=vol-… (repeatable), as a PV + PVC' })
      .option('size', { type: 'string', describe: 'restore: the claim size (EBS: required, the volume\'s size; snapshots: at least restoreSize)' })
      .option('zone', { type: 'string', describe: 'restore --ebs-volume: the volumes\' availability zone (a node must be in it)' })
      .option('fs-type', { type: 'string', default: 'ext4', describe: 'restore --ebs-volume: the filesystem on the volumes' })
      .option('storage-class', { type: 'string', describe: 'restore: StorageClass of the new claims (default: the claim template\'s)' })
      .option('claim', { type: 'string', describe: 'restore: the claim template, when the StatefulSet has several' })
      .option('replace', { type: 'boolean', default: false, describe: 'restore: delete existing PVCs of the same names (with reclaim policy Delete, their volumes go too)' })
      .option('journal', { type: 'string', describe: 'undo: the journal file to scale back from' })
      .option('journal-dir', { type: 'string', describe: 'Where jobs write their journals (default: $XDG_STATE_HOME/snapplan/k8s)' })
      .option('kubectl', { type: 'string', default: 'kubectl', describe: 'The kubectl to run' })
      .option('wait-timeout', { type: 'number', default: 600, describe: 'Seconds for pods to go and for the rollout' })
      .option('ready-timeout', { type: 'number', default: 1800, describe: 'Seconds for every VolumeSnapshot to be readyToUse' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print every kubectl call and manifest; run only reads' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1); progress goes to stderr' }),
  handler: async () => (await import('./k8s-handler.js')).k8sHandler,
});
