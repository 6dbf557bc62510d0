import { defineCommand, defineGroup, defineOptions, type ArgsOf } from '../define-command.js';

/** The cluster's nodes, the waits, dry run and JSON: both jobs. */
const devicedbJobOptions = defineOptions({
  node: { type: 'string', array: true, describe: 'A node as [label=]host:port (repeat for every node)' },
  timeout: { type: 'seconds', default: 600, describe: 'Seconds for every node to complete the snapshot (restore: to agree on the overview)' },
  'poll-interval': { type: 'seconds', default: 2, describe: 'Seconds between status polls' },
  'request-timeout': { type: 'seconds', default: 10, describe: 'Seconds for one HTTP request (a download: without a byte)' },
  'dry-run': { type: 'boolean', default: false, describe: 'Print the calls and steps; change nothing' },
  json: { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1); progress goes to stderr' },
});

export const devicedbSnapshotOptions = defineOptions({
  initiator: { type: 'string', describe: 'Label of the node that starts it (default: the first --node)' },
  out: { type: 'path', default: '.', describe: 'Folder for snapshot-<uuid>-<label>.tar and the manifest' },
  ...devicedbJobOptions,
});

export const devicedbRestoreOptions = defineOptions({
  manifest: { type: 'path', demandOption: true, describe: 'The snapshot-<uuid>.manifest.json (pieces beside it)' },
  store: { type: 'string', array: true, describe: 'LABEL=DIR, the node\'s -store folder (one per piece)' },
  service: { type: 'string', array: true, describe: 'LABEL=UNIT, the systemd unit or container of the node' },
  'service-manager': { choices: ['systemd', 'docker', 'none'], default: 'systemd', describe: 'How nodes are stopped and started (none: already stopped, start them yourself)' },
  'stop-timeout': { type: 'seconds', default: 120, describe: 'Seconds for a graceful stop' },
  'keep-old': { type: 'boolean', default: false, describe: 'Keep each replaced store as <store>.snapplan-replaced-<time>' },
  ...devicedbJobOptions,
});

export type DevicedbSnapshotArgs = ArgsOf<typeof devicedbSnapshotOptions>;
export type DevicedbRestoreArgs = ArgsOf<typeof devicedbRestoreOptions>;

export const devicedbCommand = defineGroup({
  name: 'devicedb',
  describe: 'devicedb cluster: take a consistent snapshot of every node (one UUID), or restore all nodes from one',
  subcommands: [
    defineCommand({
      name: 'snapshot',
      describe: 'POST /snapshot on one node, wait until every node has it, download every piece and write a manifest',
      options: devicedbSnapshotOptions,
      handler: async () => (await import('./devicedb-handler.js')).devicedbSnapshotHandler,
    }),
    defineCommand({
      name: 'restore',
      describe: 'Check every piece, stop the nodes, put each piece in place, start them and wait for one overview',
      options: devicedbRestoreOptions,
      handler: async () => (await import('./devicedb-handler.js')).devicedbRestoreHandler,
    }),
  ],
});
