import { defineOptions, definePositionals, type ArgsOf, type WithPassThrough } from '../define-command.js';
import { s3Options } from '../options/s3-options.js';
import { secondsToMs } from '../option-values.js';
import type { ServiceSpec } from '../../ops/service-control.js';
import type { ChainPlugin } from '../../plugins/plugin.js';

/** Flags shared by backup, restore and volume-snapshot: the service, its health endpoint, S3 settings. */
export const chainPositional = definePositionals({
  chain: { choices: ['stacks', 'loom', 'generic'], describe: 'The chain plugin' },
});

export const serviceOptions = defineOptions({
  'data-dir': { type: 'path', describe: 'The node\'s data folder (Stacks: <working_dir>/mainnet; Loom: the working dir)' },
  service: { type: 'string', describe: 'systemd unit or container (default: stacks-node, loom.service)' },
  'service-manager': { choices: ['systemd', 'docker', 'process', 'none'], default: 'systemd', describe: 'How the node is stopped and started' },
  pidfile: { type: 'path', describe: 'process: the node\'s pid file' },
  pid: { type: 'integer', min: 1, describe: 'process: the node\'s pid' },
  'stop-timeout': { type: 'seconds', default: 120, describe: 'Seconds to wait for a graceful stop' },
  'force-kill': { type: 'boolean', default: false, describe: 'process: SIGKILL after --stop-timeout instead of failing' },
  rpc: { type: 'string', describe: 'Health endpoint base URL (default: http://127.0.0.1:20443 for Stacks, :46657 for Loom)' },
  restart: { type: 'boolean', default: true, describe: 'Start the node again afterwards (--no-restart: leave it stopped)' },
  'health-timeout': { type: 'seconds', default: 300, describe: 'Seconds to wait for the node to be healthy after the start' },
  'unit-file': { type: 'path', describe: 'Loom: the installed unit (default: /etc/systemd/system/<service>)' },
  ...s3Options,
  json: { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1); progress goes to stderr' },
});

/** What `serviceSpec` reads: the service flags, the chain and the start command after `--`. */
export type ServiceArgs = WithPassThrough<ArgsOf<typeof serviceOptions, typeof chainPositional>>;

export const SERVICE_PASS_THROUGH = 'For --service-manager process, the command after -- starts the node again.';

export function serviceSpec(args: ServiceArgs, plugin: ChainPlugin, env: NodeJS.ProcessEnv, dataDir: string): ServiceSpec {
  const name = args.service ?? (args.serviceManager === 'systemd' || args.serviceManager === 'docker' ? plugin.defaultService : undefined);
  // The words after `--` (the parser keeps them apart from the positionals).
  const command = args['--'];
  return {
    kind: args.serviceManager,
    name,
    pidfile: args.pidfile,
    pid: args.pid,
    startCommand: command.length > 0 ? command : undefined,
    startCwd: dataDir,
    logFile: `${dataDir}.snapplan-node.log`,
    stopTimeoutSeconds: args.stopTimeout,
    forceKill: args.forceKill,
    env,
  };
}

/** Kept for the callers: --health-timeout is validated while parsing (option-values.ts). */
export const healthTimeoutMs = secondsToMs;

export function unitFileFor(args: ServiceArgs, plugin: ChainPlugin): string | undefined {
  if (plugin.id !== 'loom') return args.unitFile;
  return args.unitFile ?? `/etc/systemd/system/${args.service ?? plugin.defaultService}`;
}
