import { defineCommand, defineOptions, definePositionals, type ArgsOf } from '../define-command.js';
import { s3Options } from '../options/s3-options.js';

export const retentionPositionals = definePositionals({
  location: { type: 'path', describe: 'The folder or s3://bucket/prefix that backup --to writes to' },
});

export const retentionOptions = defineOptions({
  keep: { type: 'integer', min: 1, demandOption: true, describe: 'Archive sets to keep per node (newest first), at least 1' },
  yes: { type: 'boolean', default: false, describe: 'Delete without asking (scripts, timers); without it a terminal is asked' },
  'dry-run': { type: 'boolean', default: false, describe: 'Only print the preview' },
  ...s3Options,
  json: { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' },
});

export type RetentionArgs = ArgsOf<typeof retentionOptions, typeof retentionPositionals>;

export const retentionCommand = defineCommand({
  name: 'retention',
  describe: 'Keep the newest N backup archives per node in a folder or s3://bucket/prefix; preview first, delete with --yes',
  positionals: retentionPositionals,
  options: retentionOptions,
  handler: async () => (await import('./retention-handler.js')).retentionHandler,
});
