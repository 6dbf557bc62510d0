import { defineCommand } from '../define-command.js';

export interface ScheduleArgs {
  readonly format: 'systemd' | 'cron';
  readonly name?: string;
  readonly onCalendar: string;
  readonly randomizedDelay: string;
  readonly cron: string;
  readonly user?: string;
  readonly write?: string;
  readonly snapplan?: string;
  readonly json: boolean;
  readonly '--'?: (string | number)[];
}

export const scheduleCommand = defineCommand<ScheduleArgs>({
  command: 'schedule',
  describe: 'Print a systemd service + timer (or a cron line) that runs a snapplan command on a schedule',
  builder: (yargs) =>
    yargs
      .option('format', { choices: ['systemd', 'cron'] as const, default: 'systemd' as const, describe: 'A systemd .service + .timer pair, or a cron line' })
      .option('name', { type: 'string', describe: 'Unit / cron.d file name (default: snapplan-<command>-<chain>)' })
      .option('on-calendar', { type: 'string', default: '*-*-* 02:00:00', describe: 'systemd: OnCalendar= (e.g. daily, "Sun *-*-* 03:00:00")' })
      .option('randomized-delay', { type: 'string', default: '30m', describe: 'systemd: RandomizedDelaySec= (spreads nodes on one schedule)' })
      .option('cron', { type: 'string', default: '0 2 * * *', describe: 'cron: the five time fields' })
      .option('user', { type: 'string', describe: 'systemd: User=; cron: write an /etc/cron.d file for this user' })
      .option('write', { type: 'string', describe: 'Write the files into this folder (never overwriting) instead of only printing them' })
      .option('snapplan', { type: 'string', describe: 'Absolute path of the snapplan to run (default: this node and this snapplan)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' })
      .example('$0 schedule -- backup stacks --data-dir /var/stacks/mainnet --to s3://snaps/stacks', 'a nightly backup timer')
      .example('$0 schedule --format cron --cron "30 3 * * *" -- retention s3://snaps/stacks --keep 7 --yes', 'a cron line for retention')
      .epilogue('The snapplan command to run goes after --.'),
  handler: async () => (await import('./schedule-handler.js')).scheduleHandler,
});
