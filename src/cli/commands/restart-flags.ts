import { defineCommand } from '../define-command.js';
import { withAnnouncementOptions, type AnnouncementArgs } from '../options/announcement-options.js';

export interface RestartFlagsArgs extends AnnouncementArgs {
  readonly patch?: string;
  readonly revert?: string;
  readonly yes: boolean;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly reload: boolean;
}

export const restartFlagsCommand = defineCommand<RestartFlagsArgs>({
  command: 'restart-flags',
  describe: 'Add the restart flags to the validator\'s start script or systemd unit, with a diff, and take them out again',
  builder: (yargs) =>
    withAnnouncementOptions(yargs)
      .option('slot', { alias: 'x', type: 'string', describe: 'The snapshot slot X (the validator\'s --hard-fork when the announcement gives it one but lists no slot)', group: 'From the announcement:' })
      .option('patch', { type: 'string', describe: 'The start script, unit or drop-in to give the restart flags' })
      .option('revert', { type: 'string', describe: 'Take the restart flags out again (from the record kept beside the file)' })
      .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'Do not ask for confirmation (needed without a terminal)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Show the diff; change nothing' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' })
      .option('reload', { type: 'boolean', default: false, describe: 'After a systemd unit changed, run systemctl daemon-reload' }),
  handler: async () => (await import('./restart-flags-handler.js')).restartFlagsHandler,
});
