import { defineCommand } from '../define-command.js';
import { withAnnouncementOptions, type AnnouncementArgs } from '../options/announcement-options.js';

export interface WatchArgs extends AnnouncementArgs {
  readonly ledger: string;
  readonly log?: string;
  readonly timeout?: number;
  readonly json: boolean;
  readonly monitor: boolean;
  readonly validatorBin: string;
  readonly pollMs: number;
}

export const watchCommand = defineCommand<WatchArgs>({
  command: 'watch',
  describe: 'Follow the validator\'s restart boot (log and monitor) until the cluster resumes or the boot fails',
  builder: (yargs) =>
    withAnnouncementOptions(yargs)
      .option('ledger', { alias: 'l', type: 'string', demandOption: true, describe: 'The validator\'s ledger folder' })
      .option('log', { type: 'string', describe: 'The validator\'s log file (default: from the patched start script, or the running validator\'s --log)' })
      .option('timeout', { type: 'number', describe: 'Give up after this many seconds (exit 25)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document per event (JSON lines)' })
      .option('monitor', { type: 'boolean', default: true, describe: 'Also ask agave-validator --ledger L monitor (--no-monitor: the log only)' })
      .option('validator-bin', { type: 'string', default: 'agave-validator', describe: 'The validator binary asked for monitor' })
      .option('poll-ms', { type: 'number', default: 500, hidden: true, describe: 'How often the log and the process are looked at' }),
  handler: async () => (await import('./watch-handler.js')).watchHandler,
});
