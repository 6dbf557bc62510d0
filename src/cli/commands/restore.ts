import { defineCommand } from '../define-command.js';
import { withServiceOptions, type ServiceArgs } from './service-options.js';

export interface RestoreArgs extends ServiceArgs {
  readonly from: string[];
  readonly sha256?: string;
  readonly set?: 'data' | 'config';
  readonly rollback: boolean;
  readonly old?: string;
  readonly waitBlocks?: number;
  readonly force: boolean;
}

export const restoreCommand = defineCommand<RestoreArgs>({
  command: 'restore <chain>',
  describe: 'Verify an archive\'s sha256, extract it safely beside the data folder, stop, swap, start and check the node; --rollback undoes',
  builder: (yargs) =>
    withServiceOptions(yargs)
      .option('from', { type: 'string', array: true, default: [] as string[], describe: 'Archive file or s3://bucket/key (Loom: give the data and the config archive)' })
      .option('sha256', { type: 'string', describe: 'Expected sha256 (default: the .sha256 file beside the archive)' })
      .option('set', { choices: ['data', 'config'] as const, describe: 'Loom: the set of an archive without a manifest' })
      .option('rollback', { type: 'boolean', default: false, describe: 'Put back the data the last restore replaced' })
      .option('old', { type: 'string', describe: 'With --rollback: which <dir>.snapplan-old-<UTC> (default: the newest)' })
      .option('wait-blocks', { type: 'number', describe: 'New blocks to wait for after the start (default: 1 for Stacks, 0 otherwise)' })
      .option('force', { type: 'boolean', default: false, describe: 'Restore despite a version or ordering refusal' }),
  handler: async () => (await import('./restore-handler.js')).restoreHandler,
});
