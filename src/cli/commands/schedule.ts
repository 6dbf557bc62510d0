import { defineCommand, defineOptions, type ArgsOf, type WithPassThrough } from '../define-command.js';

export const scheduleOptions = defineOptions({
  format: { choices: ['systemd', 'cron'], default: 'systemd', describe: 'A systemd .service + .timer pair, or a cron line' },
  name: { type: 'string', describe: 'Unit / cron.d file name (default: snapplan-<command>-<chain>)' },
  'on-calendar': { type: 'string', default: '*-*-* 02:00:00', describe: 'systemd: OnCalendar= (e.g. daily, "Sun *-*-* 03:00:00")' },
  'randomized-delay': { type: 'string', default: '30m', describe: 'systemd: RandomizedDelaySec= (spreads nodes on one schedule)' },
  cron: { type: 'string', default: '0 2 * * *', describe: 'cron: the five time fields' },
  user: { type: 'string', describe: 'systemd: User=; cron: write an /etc/cron.d file for this user' },
  write: { type: 'path', describe: 'Write the files into this folder (never overwriting) instead of only printing them' },
  snapplan: { type: 'path', describe: 'Absolute path of the snapplan to run (default: this node and this snapplan)' },
  json: { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' },
});

export type ScheduleArgs = WithPassThrough<ArgsOf<typeof scheduleOptions>>;

export const scheduleCommand = defineCommand({
  name: 'schedule',
  describe: 'Print a systemd service + timer (or a cron line) that runs a snapplan command on a schedule',
  options: scheduleOptions,
  passThrough: 'The snapplan command to run goes after --.',
  examples: [
    ['$0 schedule -- backup stacks --data-dir /var/stacks/mainnet --to s3://snaps/stacks', 'a nightly backup timer'],
    ['$0 schedule --format cron --cron "30 3 * * *" -- retention s3://snaps/stacks --keep 7 --yes', 'a cron line for retention'],
  ],
  handler: async () => (await import('./schedule-handler.js')).scheduleHandler,
});
