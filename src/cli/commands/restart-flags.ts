import { defineCommand, defineOptions, type ArgsOf } from '../define-command.js';
import { announcementOptions } from '../options/announcement-options.js';

export const restartFlagsOptions = defineOptions({
  ...announcementOptions,
  slot: { alias: 'x', type: 'string', describe: 'The snapshot slot X (the validator\'s --hard-fork when the announcement gives it one but lists no slot)', group: 'From the announcement:' },
  patch: { type: 'path', describe: 'The start script, unit or drop-in to give the restart flags' },
  revert: { type: 'path', describe: 'Take the restart flags out again (from the record kept beside the file)' },
  yes: { alias: 'y', type: 'boolean', default: false, describe: 'Do not ask for confirmation (needed without a terminal)' },
  'dry-run': { type: 'boolean', default: false, describe: 'Show the diff; change nothing' },
  json: { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' },
  reload: { type: 'boolean', default: false, describe: 'After a systemd unit changed, run systemctl daemon-reload' },
});

export type RestartFlagsArgs = ArgsOf<typeof restartFlagsOptions>;

export const restartFlagsCommand = defineCommand({
  name: 'restart-flags',
  describe: 'Add the restart flags to the validator\'s start script or systemd unit, with a diff, and take them out again',
  options: restartFlagsOptions,
  handler: async () => (await import('./restart-flags-handler.js')).restartFlagsHandler,
});
