import { defineCommand, defineOptions, type ArgsOf } from '../define-command.js';
import { announcementOptions } from '../options/announcement-options.js';
import { ledgerFolderOptions, ledgerToolOptions } from '../options/ledger-options.js';

// Numbers here are plain `number`s (text that is not a number is refused while parsing); the
// handler checks their ranges, naming the unit (MB/s, seconds, milliseconds).
export const fetchOptions = defineOptions({
  ...ledgerFolderOptions,
  ...announcementOptions,
  // A string, not a number: slots are u64 and must not pass through a double. The other
  // target, --restart-slot R (the archive at exactly R, after the restart), comes with
  // the announcement options, as does --announcement FILE (its restart-slot).
  slot: { alias: 'x', type: 'string', describe: 'Fetch the best base below slot X (before the restart)' },
  rpc: { type: 'string', array: true, demandOption: true, describe: 'RPC URL of a source (repeatable)', group: 'Sources:' },
  discover: { type: 'boolean', default: false, describe: 'Also try the RPC addresses getClusterNodes lists on the first --rpc', group: 'Sources:' },
  'discover-limit': { type: 'number', default: 50, describe: 'At most this many discovered sources', group: 'Sources:' },
  'known-validator': { type: 'string', array: true, describe: 'Accept only sources with this identity (repeatable)', group: 'Filters:' },
  'node-version': { type: 'string', describe: 'Accept only sources whose version satisfies this semver range, e.g. ">=2.1 <2.2"', group: 'Filters:' },
  'full-only': { type: 'boolean', default: false, describe: 'Ignore incremental archives', group: 'Filters:' },
  'min-speed': { type: 'number', describe: 'MB/s: reject slower sources, and abandon a download that falls below it', group: 'Filters:' },
  'max-latency': { type: 'number', describe: 'ms: reject sources that answer slower', group: 'Filters:' },
  'speed-test-count': { type: 'number', default: 5, describe: 'How many of the best sources are speed-tested', group: 'Measurement:' },
  'speed-test-seconds': { type: 'number', default: 3, describe: 'Seconds each speed test reads', group: 'Measurement:' },
  'speed-window': { type: 'number', default: 20, describe: 'Seconds over which a download\'s speed is judged (a silent source is abandoned after one window)', group: 'Measurement:' },
  'probe-timeout': { type: 'number', default: 5, describe: 'Seconds each probe request (RPC call, HEAD) may take', group: 'Measurement:' },
  retries: { type: 'number', default: 3, describe: 'How many times a dropped connection is resumed per file', group: 'Measurement:' },
  'bounds-from': { choices: ['native', 'ledger-tool'], default: 'native', describe: 'The plan after the fetch: who reads the blockstore (as in plan)' },
  blocks: { type: 'string', describe: 'The plan after the fetch: blockstore range FIRST..LAST given by hand (as in plan)' },
  'dry-run': { type: 'boolean', default: false, describe: 'Show the candidates, the choice and each rejection; download nothing' },
  json: { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' },
  ...ledgerToolOptions,
});

export type FetchArgs = ArgsOf<typeof fetchOptions>;

export const fetchCommand = defineCommand({
  name: 'fetch',
  describe: 'Download a snapshot from known validators: a base below X, or the restart snapshot at R (checked, resumable)',
  options: fetchOptions,
  handler: async () => (await import('./fetch-handler.js')).fetchHandler,
});
