import { defineCommand, defineOptions, type ArgsOf } from '../define-command.js';
import { announcementOptions } from '../options/announcement-options.js';

export const watchOptions = defineOptions({
  ...announcementOptions,
  ledger: { alias: 'l', type: 'path', demandOption: true, describe: 'The validator\'s ledger folder' },
  log: { type: 'path', describe: 'The validator\'s log file (default: from the patched start script, or the running validator\'s --log)' },
  // A plain number: the handler refuses 0 and below in its own words.
  timeout: { type: 'number', describe: 'Give up after this many seconds (exit 25)' },
  json: { type: 'boolean', default: false, describe: 'Print one JSON document per event (JSON lines)' },
  monitor: { type: 'boolean', default: true, describe: 'Also ask agave-validator --ledger L monitor (--no-monitor: the log only)' },
  'validator-bin': { type: 'path', default: 'agave-validator', describe: 'The validator binary asked for monitor' },
  'poll-ms': { type: 'integer', min: 1, default: 500, hidden: true, describe: 'How often the log and the process are looked at' },
});

export type WatchArgs = ArgsOf<typeof watchOptions>;

export const watchCommand = defineCommand({
  name: 'watch',
  describe: 'Follow the validator\'s restart boot (log and monitor) until the cluster resumes or the boot fails',
  options: watchOptions,
  handler: async () => (await import('./watch-handler.js')).watchHandler,
});
