import { defineCommand, defineOptions, type ArgsOf, type WithPassThrough } from '../define-command.js';
import { chainPositional, SERVICE_PASS_THROUGH, serviceOptions } from './service-options.js';

export const backupOptions = defineOptions({
  ...serviceOptions,
  to: { type: 'path', demandOption: true, describe: 'Destination: a folder or s3://bucket/prefix' },
  set: { choices: ['data', 'config'], default: 'data', describe: 'Loom: the data set (chaindata, app.db) or the config set' },
  'dry-run': { type: 'boolean', default: false, describe: 'Check and print the steps; stop nothing, write nothing' },
  exclude: { type: 'string', array: true, describe: 'Pattern to leave out (repeatable): a name (*.log) or a path from the data folder (chainstate/estimates, /LOCK); see "Exclude patterns" in the README' },
  network: { type: 'string', describe: 'Stacks: mainnet or testnet in the archive name (default: from /v2/info)' },
  name: { type: 'string', describe: 'Archive file name (default: the chain\'s naming)' },
  'work-dir': { type: 'path', describe: 'Where an archive bound for S3 is written first (default: the OS temp dir)' },
  'keep-local': { type: 'boolean', default: false, describe: 'Keep the local archive after an S3 upload' },
  'zstd-level': { type: 'integer', min: 1, max: 19, default: 3, describe: 'zstd level (pzstd\'s default is 3)' },
  'space-factor': { type: 'number', min: 0, default: 0.6, describe: 'Free space wanted, as a fraction of the uncompressed size' },
});

export type BackupArgs = WithPassThrough<ArgsOf<typeof backupOptions, typeof chainPositional>>;

export const backupCommand = defineCommand({
  name: 'backup',
  describe: 'Stop the node, archive its folder (tar + zstd, sha256, manifest), start it again, upload to a folder or s3://',
  positionals: chainPositional,
  options: backupOptions,
  passThrough: SERVICE_PASS_THROUGH,
  handler: async () => (await import('./backup-handler.js')).backupHandler,
});
