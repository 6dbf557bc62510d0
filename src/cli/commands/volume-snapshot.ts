import { defineCommand, defineOptions, definePositionals, type ArgsOf, type WithPassThrough } from '../define-command.js';
import { chainPositional, SERVICE_PASS_THROUGH, serviceOptions } from './service-options.js';

/** In command-line order: `volume-snapshot ebs stacks`. */
export const volumeSnapshotPositionals = definePositionals({
  kind: { choices: ['ebs', 'zfs', 'lvm'], describe: 'EBS CreateSnapshot, zfs snapshot or lvcreate --snapshot' },
  ...chainPositional,
});

export const volumeSnapshotOptions = defineOptions({
  ...serviceOptions,
  name: { type: 'string', describe: 'zfs/lvm: the snapshot\'s name (default: snapplan-<UTC time>)' },
  'dry-run': { type: 'boolean', default: false, describe: 'Check the volume and the name; stop nothing, create nothing' },
  'volume-id': { type: 'string', describe: 'ebs: the volume (vol-…)' },
  description: { type: 'string', describe: 'ebs: snapshot description (default: "<Chain> Node Snapshot - YYYYMMDD")' },
  tag: { type: 'string', array: true, describe: 'ebs: extra tag KEY=VALUE (repeatable; overrides the defaults Name, type)' },
  wait: { type: 'boolean', default: true, describe: 'ebs: wait until the snapshot is completed (--no-wait: return once it is pending)' },
  'wait-timeout': { type: 'seconds', default: 3600, describe: 'ebs: seconds to wait for completed' },
  'poll-interval': { type: 'seconds', default: 15, describe: 'ebs: seconds between DescribeSnapshots calls' },
  dataset: { type: 'string', describe: 'zfs: pool/path (default: the dataset holding --data-dir)' },
  recursive: { type: 'boolean', default: false, describe: 'zfs: snapshot the child datasets too (zfs snapshot -r)' },
  origin: { type: 'string', describe: 'lvm: the origin volume as VG/LV' },
  size: { type: 'string', describe: 'lvm: copy-on-write space, e.g. 20G' },
  // The shared flags describe S3; here the same settings reach EC2.
  region: { type: 'string', describe: 'ebs: AWS region (default: AWS_REGION, the profile\'s)' },
  endpoint: { type: 'string', describe: 'ebs: EC2 endpoint URL (default: AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL)' },
  profile: { type: 'string', describe: 'ebs: AWS profile (default: AWS_PROFILE)' },
});

export type VolumeSnapshotArgs = WithPassThrough<ArgsOf<typeof volumeSnapshotOptions, typeof volumeSnapshotPositionals>>;

export const volumeSnapshotCommand = defineCommand({
  name: 'volume-snapshot',
  describe: 'Stop the node, snapshot its volume (EBS, ZFS or LVM), start it again',
  positionals: volumeSnapshotPositionals,
  options: volumeSnapshotOptions,
  passThrough: SERVICE_PASS_THROUGH,
  handler: async () => (await import('./volume-snapshot-handler.js')).volumeSnapshotHandler,
});
