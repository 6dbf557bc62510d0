import { defineCommand } from '../define-command.js';
import { withAnnouncementOptions, type AnnouncementArgs } from '../options/announcement-options.js';
import { withLedgerFolders, withLedgerTool, type LedgerFolderArgs, type LedgerToolArgs } from '../options/ledger-options.js';

export interface FetchArgs extends LedgerFolderArgs, LedgerToolArgs, AnnouncementArgs {
  readonly slot?: string;
  readonly restartSlot?: string;
  readonly rpc: readonly string[];
  readonly discover: boolean;
  readonly discoverLimit: number;
  readonly knownValidator?: readonly string[];
  readonly nodeVersion?: string;
  readonly fullOnly: boolean;
  readonly minSpeed?: number;
  readonly maxLatency?: number;
  readonly speedTestCount: number;
  readonly speedTestSeconds: number;
  readonly speedWindow: number;
  readonly probeTimeout: number;
  readonly retries: number;
  readonly boundsFrom: 'native' | 'ledger-tool';
  readonly blocks?: string;
  readonly dryRun: boolean;
  readonly json: boolean;
}

export const fetchCommand = defineCommand<FetchArgs>({
  command: 'fetch',
  describe: 'Download a snapshot from known validators: a base below X, or the restart snapshot at R (checked, resumable)',
  builder: (yargs) =>
    withLedgerTool(
      withAnnouncementOptions(withLedgerFolders(yargs))
        // A string, not a number: slots are u64 and must not pass through a double. The other
        // target, --restart-slot R (the archive at exactly R, after the restart), comes with
        // the announcement options, as does --announcement FILE (its restart-slot).
        .option('slot', { alias: 'x', type: 'string', describe: 'Fetch the best base below slot X (before the restart)' })
        .option('rpc', { type: 'string', array: true, demandOption: true, describe: 'RPC URL of a source (repeatable)', group: 'Sources:' })
        .option('discover', { type: 'boolean', default: false, describe: 'Also try the RPC addresses getClusterNodes lists on the first --rpc', group: 'Sources:' })
        .option('discover-limit', { type: 'number', default: 50, describe: 'At most this many discovered sources', group: 'Sources:' })
        .option('known-validator', { type: 'string', array: true, describe: 'Accept only sources with this identity (repeatable)', group: 'Filters:' })
        .option('node-version', { type: 'string', describe: 'Accept only sources whose version satisfies this semver range, e.g. ">=2.1 <2.2"', group: 'Filters:' })
        .option('full-only', { type: 'boolean', default: false, describe: 'Ignore incremental archives', group: 'Filters:' })
        .option('min-speed', { type: 'number', describe: 'MB/s: reject slower sources, and abandon a download that falls below it', group: 'Filters:' })
        .option('max-latency', { type: 'number', describe: 'ms: reject sources that answer slower', group: 'Filters:' })
        .option('speed-test-count', { type: 'number', default: 5, describe: 'How many of the best sources are speed-tested', group: 'Measurement:' })
        .option('speed-test-seconds', { type: 'number', default: 3, describe: 'Seconds each speed test reads', group: 'Measurement:' })
        .option('speed-window', { type: 'number', default: 20, describe: 'Seconds over which a download\'s speed is judged (a silent source is abandoned after one window)', group: 'Measurement:' })
        .option('probe-timeout', { type: 'number', default: 5, describe: 'Seconds each probe request (RPC call, HEAD) may take', group: 'Measurement:' })
        .option('retries', { type: 'number', default: 3, describe: 'How many times a dropped connection is resumed per file', group: 'Measurement:' })
        .option('bounds-from', {
          choices: ['native', 'ledger-tool'] as const,
          default: 'native' as const,
          describe: 'The plan after the fetch: who reads the blockstore (as in plan)',
        })
        .option('blocks', { type: 'string', describe: 'The plan after the fetch: blockstore range FIRST..LAST given by hand (as in plan)' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Show the candidates, the choice and each rejection; download nothing' })
        .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' }),
    ),
  handler: async () => (await import('./fetch-handler.js')).fetchHandler,
});
