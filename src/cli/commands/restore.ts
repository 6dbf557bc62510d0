import { defineCommand, defineOptions, type ArgsOf, type WithPassThrough } from '../define-command.js';
import { chainPositional, SERVICE_PASS_THROUGH, serviceOptions } from './service-options.js';

export const restoreOptions = defineOptions({
  ...serviceOptions,
  from: { type: 'string', array: true, describe: 'Archive file or s3://bucket/key (Loom: give the data and the config archive)' },
  sha256: { type: 'string', describe: 'Expected sha256 (default: the .sha256 file beside the archive)' },
  set: { choices: ['data', 'config'], describe: 'Loom: the set of an archive without a manifest' },
  rollback: { type: 'boolean', default: false, describe: 'Put back the data the last restore replaced' },
  old: { type: 'path', describe: 'With --rollback: which <dir>.snapplan-old-<UTC> (default: the newest)' },
  'wait-blocks': { type: 'integer', min: 0, describe: 'New blocks to wait for after the start (default: 1 for Stacks, 0 otherwise)' },
  force: { type: 'boolean', default: false, describe: 'Restore despite a version or ordering refusal' },
});

export type RestoreArgs = WithPassThrough<ArgsOf<typeof restoreOptions, typeof chainPositional>>;

export const restoreCommand = defineCommand({
  name: 'restore',
  describe: 'Verify an archive\'s sha256, extract it safely beside the data folder, stop, swap, start and check the node; --rollback undoes',
  positionals: chainPositional,
  options: restoreOptions,
  passThrough: SERVICE_PASS_THROUGH,
  handler: async () => (await import('./restore-handler.js')).restoreHandler,
});
