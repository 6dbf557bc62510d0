import type { Argv } from 'yargs';
import { UserError } from '../../core/errors.js';
import type { ServiceManagerKind, ServiceSpec } from '../../ops/service-control.js';
import type { ChainPlugin } from '../../plugins/plugin.js';

/** Flags shared by backup and restore: the service, its health endpoint, S3 settings. */
export interface ServiceArgs {
  readonly chain: string;
  readonly dataDir?: string;
  readonly service?: string;
  readonly serviceManager: ServiceManagerKind;
  readonly pidfile?: string;
  readonly pid?: number;
  readonly stopTimeout: number;
  readonly forceKill: boolean;
  readonly rpc?: string;
  readonly restart: boolean;
  readonly healthTimeout: number;
  readonly unitFile?: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly profile?: string;
  readonly json: boolean;
  /** Positionals: the command name, then (yargs puts what follows `--` here) the start command. */
  readonly '--'?: (string | number)[];
}

export function withServiceOptions(yargs: Argv): Argv {
  return yargs
    .positional('chain', { choices: ['stacks', 'loom', 'generic'] as const, describe: 'The chain plugin' })
    .option('data-dir', { type: 'string', describe: 'The node\'s data folder (Stacks: <working_dir>/mainnet; Loom: the working dir)' })
    .option('service', { type: 'string', describe: 'systemd unit or container (default: stacks-node, loom.service)' })
    .option('service-manager', { choices: ['systemd', 'docker', 'process', 'none'] as const, default: 'systemd' as const, describe: 'How the node is stopped and started' })
    .option('pidfile', { type: 'string', describe: 'process: the node\'s pid file' })
    .option('pid', { type: 'number', describe: 'process: the node\'s pid' })
    .option('stop-timeout', { type: 'number', default: 120, describe: 'Seconds to wait for a graceful stop' })
    .option('force-kill', { type: 'boolean', default: false, describe: 'process: SIGKILL after --stop-timeout instead of failing' })
    .option('rpc', { type: 'string', describe: 'Health endpoint base URL (default: http://127.0.0.1:20443 for Stacks, :46657 for Loom)' })
    .option('restart', { type: 'boolean', default: true, describe: 'Start the node again afterwards (--no-restart: leave it stopped)' })
    .option('health-timeout', { type: 'number', default: 300, describe: 'Seconds to wait for the node to be healthy after the start' })
    .option('unit-file', { type: 'string', describe: 'Loom: the installed unit (default: /etc/systemd/system/<service>)' })
    .option('region', { type: 'string', describe: 'S3 region (default: AWS_REGION, the profile\'s)' })
    .option('endpoint', { type: 'string', describe: 'S3 endpoint URL (default: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL)' })
    .option('profile', { type: 'string', describe: 'AWS profile (default: AWS_PROFILE)' })
    .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1); progress goes to stderr' })
    .epilogue('For --service-manager process, the command after -- starts the node again.');
}

export function serviceSpec(args: ServiceArgs, plugin: ChainPlugin, env: NodeJS.ProcessEnv, dataDir: string): ServiceSpec {
  if (!Number.isFinite(args.stopTimeout) || args.stopTimeout <= 0) throw new UserError(`--stop-timeout ${args.stopTimeout} is not a positive number of seconds.`);
  const name = args.service ?? (args.serviceManager === 'systemd' || args.serviceManager === 'docker' ? plugin.defaultService : undefined);
  // The words after `--` (the parser keeps them apart from the positionals).
  const command = args['--'] ?? [];
  return {
    kind: args.serviceManager,
    name,
    pidfile: args.pidfile,
    pid: args.pid,
    startCommand: command.length > 0 ? command.map(String) : undefined,
    startCwd: dataDir,
    logFile: `${dataDir}.snapplan-node.log`,
    stopTimeoutSeconds: args.stopTimeout,
    forceKill: args.forceKill,
    env,
  };
}

export function healthTimeoutMs(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UserError(`--health-timeout ${seconds} is not a positive number of seconds.`);
  return Math.round(seconds * 1000);
}

export function unitFileFor(args: ServiceArgs, plugin: ChainPlugin): string | undefined {
  if (plugin.id !== 'loom') return args.unitFile;
  return args.unitFile ?? `/etc/systemd/system/${args.service ?? plugin.defaultService}`;
}
