import { defineCommand } from '../define-command.js';
import { withServiceOptions, type ServiceArgs } from './service-options.js';

export interface VolumeSnapshotArgs extends ServiceArgs {
  readonly kind: 'ebs' | 'zfs' | 'lvm';
  readonly name?: string;
  readonly dryRun: boolean;
  readonly volumeId?: string;
  readonly description?: string;
  readonly tag: string[];
  readonly wait: boolean;
  readonly waitTimeout: number;
  readonly pollInterval: number;
  readonly dataset?: string;
  readonly recursive: boolean;
  readonly origin?: string;
  readonly size?: string;
}

export const volumeSnapshotCommand = defineCommand<VolumeSnapshotArgs>({
  command: 'volume-snapshot <kind> <chain>',
  describe: 'Stop the node, snapshot its volume (EBS, ZFS or LVM), start it again',
  builder: (yargs) =>
    withServiceOptions(yargs)
      .positional('kind', { choices: ['ebs', 'zfs', 'lvm'] as const, describe: 'EBS CreateSnapshot, zfs snapshot or lvcreate --snapshot' })
      .option('name', { type: 'string', describe: 'zfs/lvm: the snapshot\'s name (default: snapplan-<UTC time>)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Check the volume and the name; stop nothing, create nothing' })
      .option('volume-id', { type: 'string', describe: 'ebs: the volume (vol-…)' })
      .option('description', { type: 'string', describe: 'ebs: snapshot description (default: "<Chain> Node Snapshot - YYYYMMDD")' })
      .option('tag', { type: 'string', array: true, default: [] as string[], describe: 'ebs: extra tag KEY=VALUE (repeatable; overrides the defaults Name, type)' })
      .option('wait', { type: 'boolean', default: true, describe: 'ebs: wait until the snapshot is completed (--no-wait: return once it is pending)' })
      .option('wait-timeout', { type: 'number', default: 3600, describe: 'ebs: seconds to wait for completed' })
      .option('poll-interval', { type: 'number', default: 15, describe: 'ebs: seconds between DescribeSnapshots calls' })
      .option('dataset', { type: 'string', describe: 'zfs: pool/path (default: the dataset holding --data-dir)' })
      .option('recursive', { type: 'boolean', default: false, describe: 'zfs: snapshot the child datasets too (zfs snapshot -r)' })
      .option('origin', { type: 'string', describe: 'lvm: the origin volume as VG/LV' })
      .option('size', { type: 'string', describe: 'lvm: copy-on-write space, e.g. 20G' })
      // The shared flags describe S3; here the same settings reach EC2.
      .option('region', { type: 'string', describe: 'ebs: AWS region (default: AWS_REGION, the profile\'s)' })
      .option('endpoint', { type: 'string', describe: 'ebs: EC2 endpoint URL (default: AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL)' })
      .option('profile', { type: 'string', describe: 'ebs: AWS profile (default: AWS_PROFILE)' }),
  handler: async () => (await import('./volume-snapshot-handler.js')).volumeSnapshotHandler,
});
