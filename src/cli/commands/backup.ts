import { defineCommand } from '../define-command.js';
import { withServiceOptions, type ServiceArgs } from './service-options.js';

export interface BackupArgs extends ServiceArgs {
  readonly to: string;
  readonly set: 'data' | 'config';
  readonly dryRun: boolean;
  readonly exclude: string[];
  readonly network?: string;
  readonly name?: string;
  readonly workDir?: string;
  readonly keepLocal: boolean;
  readonly zstdLevel: number;
  readonly spaceFactor: number;
}

export const backupCommand = defineCommand<BackupArgs>({
  command: 'backup <chain>',
  describe: 'Stop the node, archive its folder (tar + zstd, sha256, manifest), start it again, upload to a folder or s3://',
  builder: (yargs) =>
    withServiceOptions(yargs)
      .option('to', { type: 'string', demandOption: true, describe: 'Destination: a folder or s3://bucket/prefix' })
      .option('set', { choices: ['data', 'config'] as const, default: 'data' as const, describe: 'Loom: the data set (chaindata, app.db) or the config set' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Check and print the steps; stop nothing, write nothing' })
      .option('exclude', { type: 'string', array: true, default: [] as string[], describe: 'Pattern to leave out (repeatable): a name (*.log) or a path from the data folder (chainstate/estimates, /LOCK); see "Exclude patterns" in the README' })
      .option('network', { type: 'string', describe: 'Stacks: mainnet or testnet in the archive name (default: from /v2/info)' })
      .option('name', { type: 'string', describe: 'Archive file name (default: the chain\'s naming)' })
      .option('work-dir', { type: 'string', describe: 'Where an archive bound for S3 is written first (default: the OS temp dir)' })
      .option('keep-local', { type: 'boolean', default: false, describe: 'Keep the local archive after an S3 upload' })
      .option('zstd-level', { type: 'number', default: 3, describe: 'zstd level (pzstd\'s default is 3)' })
      .option('space-factor', { type: 'number', default: 0.6, describe: 'Free space wanted, as a fraction of the uncompressed size' }),
  handler: async () => (await import('./backup-handler.js')).backupHandler,
});
