import { UserError } from '../../core/errors.js';
import { defineCommand, defineGroup, defineOptions, type ArgsOf } from '../define-command.js';

/** What every k8s job takes: where it runs, its journal, the waits, dry run and JSON. */
const k8sJobOptions = defineOptions({
  namespace: { alias: 'n', type: 'string', default: 'default', describe: 'The StatefulSet\'s namespace' },
  'journal-dir': { type: 'path', describe: 'Where jobs write their journals (default: $XDG_STATE_HOME/snapplan/k8s)' },
  kubectl: { type: 'path', default: 'kubectl', describe: 'The kubectl to run' },
  'wait-timeout': { type: 'seconds', default: 600, describe: 'Seconds for pods to go and for the rollout' },
  'dry-run': { type: 'boolean', default: false, describe: 'Print every kubectl call and manifest; run only reads' },
  json: { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1); progress goes to stderr' },
});

const statefulsetOption = defineOptions({
  statefulset: { type: 'string', demandOption: true, describe: 'The StatefulSet' },
  context: { type: 'string', describe: 'kubeconfig context (default: the current one, recorded in the journal)' },
});

export const k8sSnapshotOptions = defineOptions({
  ...statefulsetOption,
  'snapshot-class': { type: 'string', describe: 'VolumeSnapshotClass (default: the cluster\'s default class)' },
  'ready-timeout': { type: 'seconds', default: 1800, describe: 'Seconds for every VolumeSnapshot to be readyToUse' },
  ...k8sJobOptions,
});

export const k8sRestoreOptions = defineOptions({
  ...statefulsetOption,
  'from-snapshots': { type: 'string', describe: 'The snapshot set (label snapplan.io/snapshot-set, like 20261121t120000z) or the snapshot job\'s .jsonl journal' },
  'ebs-volume': { type: 'string', array: true, describe: 'Without the snapshot API: ORDINAL=vol-… (repeatable), as a PV + PVC' },
  size: { type: 'string', describe: 'The claim size (EBS: required, the volume\'s size; snapshots: at least restoreSize)' },
  zone: { type: 'string', describe: '--ebs-volume: the volumes\' availability zone (a node must be in it)' },
  'fs-type': { type: 'string', default: 'ext4', describe: '--ebs-volume: the filesystem on the volumes' },
  'storage-class': { type: 'string', describe: 'StorageClass of the new claims (default: the claim template\'s)' },
  claim: { type: 'string', describe: 'The claim template, when the StatefulSet has several' },
  replace: { type: 'boolean', default: false, describe: 'Delete existing PVCs of the same names (with reclaim policy Delete, their volumes go too)' },
  ...k8sJobOptions,
});

export const k8sUndoOptions = defineOptions({
  journal: { type: 'path', describe: 'The journal file to scale back from' },
  statefulset: { type: 'string', describe: '…or the StatefulSet whose newest unfinished journal to use' },
  ...k8sJobOptions,
});

export type K8sSnapshotArgs = ArgsOf<typeof k8sSnapshotOptions>;
export type K8sRestoreArgs = ArgsOf<typeof k8sRestoreOptions>;
export type K8sUndoArgs = ArgsOf<typeof k8sUndoOptions>;

export const k8sCommand = defineGroup({
  name: 'k8s',
  describe: 'Kubernetes StatefulSet: scale to 0, VolumeSnapshot every PVC (or restore the PVCs), always scale back; undo a crashed job',
  subcommands: [
    defineCommand({
      name: 'snapshot',
      describe: 'Scale to 0, VolumeSnapshot every PVC, scale back and wait for the rollout',
      options: k8sSnapshotOptions,
      handler: async () => (await import('./k8s-handler.js')).k8sSnapshotHandler,
    }),
    defineCommand({
      name: 'restore',
      describe: 'Scale to 0, recreate the PVCs from a snapshot set or EBS volumes, scale back',
      options: k8sRestoreOptions,
      handler: async () => (await import('./k8s-handler.js')).k8sRestoreHandler,
    }),
    defineCommand({
      name: 'undo',
      describe: 'Scale a StatefulSet back from the journal of a job that did not finish',
      options: k8sUndoOptions,
      check: (args) => {
        if (args.journal === undefined && args.statefulset === undefined) {
          throw new UserError('k8s undo needs to know which job to undo.', { hint: 'Name it: --journal PATH, or --statefulset NAME for its newest unfinished journal.' });
        }
      },
      handler: async () => (await import('./k8s-handler.js')).k8sUndoHandler,
    }),
  ],
});
