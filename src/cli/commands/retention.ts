import { defineCommand } from '../define-command.js';

export interface RetentionArgs {
  readonly location: string;
  readonly keep: number;
  readonly yes: boolean;
  readonly dryRun: boolean;
  readonly region?: string;
  readonly endpoint?: string;
  readonly profile?: string;
  readonly json: boolean;
}

export const retentionCommand = defineCommand<RetentionArgs>({
  command: 'retention <location>',
  describe: 'Keep the newest N backup archives per node in a folder or s3://bucket/prefix; preview first, delete with --yes',
  builder: (yargs) =>
    yargs
      .positional('location', { type: 'string', demandOption: true, describe: 'The folder or s3://bucket/prefix that backup --to writes to' })
      .option('keep', { type: 'number', demandOption: true, describe: 'Archive sets to keep per node (newest first), at least 1' })
      .option('yes', { type: 'boolean', default: false, describe: 'Delete without asking (scripts, timers); without it a terminal is asked' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Only print the preview' })
      .option('region', { type: 'string', describe: 'S3 region (default: AWS_REGION, the profile\'s)' })
      .option('endpoint', { type: 'string', describe: 'S3 endpoint URL (default: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL)' })
      .option('profile', { type: 'string', describe: 'AWS profile (default: AWS_PROFILE)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' }),
  handler: async () => (await import('./retention-handler.js')).retentionHandler,
});
