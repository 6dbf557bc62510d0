import { defineCommand } from '../define-command.js';

export interface DevicedbArgs {
  readonly action: 'snapshot' | 'restore';
  readonly node: string[];
  readonly initiator?: string;
  readonly out: string;
  readonly manifest?: string;
  readonly store: string[];
  readonly service: string[];
  readonly serviceManager: 'systemd' | 'docker' | 'none';
  readonly stopTimeout: number;
  readonly timeout: number;
  readonly pollInterval: number;
  readonly requestTimeout: number;
  readonly keepOld: boolean;
  readonly dryRun: boolean;
  readonly json: boolean;
}

export const devicedbCommand = defineCommand<DevicedbArgs>({
  command: 'devicedb <action>',
  describe: 'devicedb cluster: take a consistent snapshot of every node (one UUID), or restore all nodes from one',
  builder: (yargs) =>
    yargs
      .positional('action', { choices: ['snapshot', 'restore'] as const, describe: 'snapshot: POST /snapshot, wait, download every piece; restore: put every piece back' })
      .option('node', { type: 'string', array: true, default: [] as string[], describe: 'A node as [label=]host:port (repeat for every node; snapshot)' })
      .option('initiator', { type: 'string', describe: 'snapshot: label of the node that starts it (default: the first --node)' })
      .option('out', { type: 'string', default: '.', describe: 'snapshot: folder for snapshot-<uuid>-<label>.tar and the manifest' })
      .option('manifest', { type: 'string', describe: 'restore: the snapshot-<uuid>.manifest.json (pieces beside it)' })
      .option('store', { type: 'string', array: true, default: [] as string[], describe: 'restore: LABEL=DIR, the node\'s -store folder (one per piece)' })
      .option('service', { type: 'string', array: true, default: [] as string[], describe: 'restore: LABEL=UNIT, the systemd unit or container of the node' })
      .option('service-manager', { choices: ['systemd', 'docker', 'none'] as const, default: 'systemd' as const, describe: 'restore: how nodes are stopped and started (none: already stopped, start them yourself)' })
      .option('stop-timeout', { type: 'number', default: 120, describe: 'restore: seconds for a graceful stop' })
      .option('timeout', { type: 'number', default: 600, describe: 'Seconds for every node to complete the snapshot (restore: to agree on the overview)' })
      .option('poll-interval', { type: 'number', default: 2, describe: 'Seconds between status polls' })
      .option('request-timeout', { type: 'number', default: 10, describe: 'Seconds for one HTTP request (a download: without a byte)' })
      .option('keep-old', { type: 'boolean', default: false, describe: 'restore: keep each replaced store as <store>.snapplan-replaced-<time>' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print the calls and steps; change nothing' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1); progress goes to stderr' }),
  handler: async () => (await import('./devicedb-handler.js')).devicedbHandler,
});
