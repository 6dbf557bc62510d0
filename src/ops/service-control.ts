import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { ExternalError, UserError } from '../core/errors.js';
import { pollUntil } from '../core/poll.js';
import { capture, describeExit, tailLines } from '../core/process.js';
import { liveness, processStartTicks } from './process-identity.js';

/**
 * Stopping and starting a node, the three ways the seeds do it: systemd (`systemctl
 * stop/start/is-active`), Docker (`docker stop -t N` / `docker start`) or a plain process
 * (SIGTERM, wait, confirm it is gone). `none` is for a node that is already stopped, or a
 * config-only backup: snapplan then only checks that nothing holds the folder open.
 */
export type ServiceManagerKind = 'systemd' | 'docker' | 'process' | 'none';

/** `unknown` when the manager could not tell (the tool failed or printed something new). */
export type ServiceState = 'running' | 'stopped' | 'failed' | 'unknown';

export interface ServiceController {
  readonly kind: ServiceManagerKind;
  /** How it appears in reports: `systemd stacks-node.service`, `pid 1234`. */
  readonly label: string;
  state(): Promise<ServiceState>;
  /** Stops the service and returns once it is confirmed gone; throws when it is not. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Whether start() can work at all (a process without a start command cannot). */
  readonly canStart: boolean;
}

export interface ServiceSpec {
  readonly kind: ServiceManagerKind;
  /** Unit or container name (systemd, docker). */
  readonly name?: string | undefined;
  /** For `process`: a pid file, or a pid. */
  readonly pidfile?: string | undefined;
  readonly pid?: number | undefined;
  /** For `process`: the command that starts the node again (argv, no shell). */
  readonly startCommand?: readonly string[] | undefined;
  readonly startCwd?: string | undefined;
  /** For `process`: where the restarted node's output goes. */
  readonly logFile?: string | undefined;
  /** Seconds to wait for a graceful stop. */
  readonly stopTimeoutSeconds: number;
  /** After the timeout, SIGKILL (process) instead of failing. */
  readonly forceKill: boolean;
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/** Time for the manager command itself, beyond the stop timeout it is given. */
const TOOL_SLACK_MS = 30_000;

export function serviceController(spec: ServiceSpec): ServiceController {
  switch (spec.kind) {
    case 'systemd':
      return systemd(requireName(spec), spec);
    case 'docker':
      return docker(requireName(spec), spec);
    case 'process':
      return plainProcess(spec);
    case 'none':
      return {
        kind: 'none',
        label: 'no service manager',
        canStart: false,
        state: async () => 'unknown',
        stop: async () => undefined,
        start: async () => undefined,
      };
  }
}

function requireName(spec: ServiceSpec): string {
  if (!spec.name) throw new UserError(`--service-manager ${spec.kind} needs --service NAME.`, { hint: 'Name the unit or container, e.g. --service stacks-node.' });
  return spec.name;
}

async function run(command: string, args: string[], spec: ServiceSpec, timeoutMs: number): Promise<string> {
  const result = await capture(command, args, { timeoutMs, env: spec.env });
  if (result.exitCode !== 0) {
    throw new ExternalError(`${command} ${args.join(' ')} ${describeExit(result, timeoutMs)}.`, {
      command,
      args,
      exitCode: result.exitCode,
      outputTail: tailLines(result.stderr + result.stdout, 5),
    });
  }
  return result.stdout;
}

function systemd(name: string, spec: ServiceSpec): ServiceController {
  const state = async (): Promise<ServiceState> => {
    // is-active prints the state and exits 0 only for "active"; 3 (inactive/failed) is an answer, not a failure.
    const result = await capture('systemctl', ['is-active', name], { timeoutMs: TOOL_SLACK_MS, env: spec.env });
    const word = result.stdout.trim().split('\n').pop() ?? '';
    if (word === 'active' || word === 'reloading' || word === 'deactivating' || word === 'activating') return 'running';
    if (word === 'inactive') return 'stopped';
    if (word === 'failed') return 'failed';
    return 'unknown';
  };
  return {
    kind: 'systemd',
    label: `systemd ${name}`,
    canStart: true,
    state,
    stop: async () => {
      // systemctl stop blocks until the unit's stop job is done (TimeoutStopSec, then SIGKILL by systemd).
      await run('systemctl', ['stop', name], spec, spec.stopTimeoutSeconds * 1000 + TOOL_SLACK_MS);
      const after = await state();
      if (after === 'running') throw new ExternalError(`${name} is still active after systemctl stop.`, { command: 'systemctl', args: ['is-active', name] });
      // The unit is inactive; its main process must be gone too (KillMode=none leaves it behind).
      const pid = Number((await run('systemctl', ['show', '--property=MainPID', '--value', name], spec, TOOL_SLACK_MS)).trim());
      if (Number.isInteger(pid) && pid > 0 && processStartTicks(pid) !== null) {
        throw new ExternalError(`${name} is inactive but its main process ${pid} still runs.`, { command: 'systemctl', args: ['show', name] });
      }
    },
    start: async () => {
      await run('systemctl', ['start', name], spec, TOOL_SLACK_MS * 2);
    },
  };
}

function docker(name: string, spec: ServiceSpec): ServiceController {
  const state = async (): Promise<ServiceState> => {
    const result = await capture('docker', ['inspect', '--format', '{{.State.Status}}', name], { timeoutMs: TOOL_SLACK_MS, env: spec.env });
    if (result.exitCode !== 0) return 'unknown';
    const word = result.stdout.trim();
    if (word === 'running' || word === 'restarting' || word === 'paused') return 'running';
    if (word === 'exited' || word === 'created') return 'stopped';
    if (word === 'dead') return 'failed';
    return 'unknown';
  };
  return {
    kind: 'docker',
    label: `docker ${name}`,
    canStart: true,
    state,
    stop: async () => {
      // docker stop sends the image's stop signal, waits -t seconds, then SIGKILL: the seed's
      // "allow at least 10 seconds" is the minimum, a node flushing a large database needs more.
      await run('docker', ['stop', '-t', String(spec.stopTimeoutSeconds), name], spec, spec.stopTimeoutSeconds * 1000 + TOOL_SLACK_MS);
      const after = await state();
      if (after === 'running') throw new ExternalError(`Container ${name} still runs after docker stop.`, { command: 'docker', args: ['stop', name] });
    },
    start: async () => {
      await run('docker', ['start', name], spec, TOOL_SLACK_MS * 2);
    },
  };
}

interface Tracked {
  pid: number;
  startTicks: string | null;
}

function plainProcess(spec: ServiceSpec): ServiceController {
  if (spec.pidfile === undefined && spec.pid === undefined) {
    throw new UserError('--service-manager process needs --pidfile FILE or --pid N.', { hint: 'The command after -- starts the node again.' });
  }
  let tracked: Tracked | null = null;
  const locate = async (): Promise<Tracked | null> => {
    let pid = spec.pid;
    if (spec.pidfile !== undefined) {
      const text = await readFile(spec.pidfile, 'utf8').catch(() => null);
      if (text === null) return null;
      pid = Number(text.trim());
      if (!Number.isInteger(pid) || pid <= 0) throw new UserError(`${spec.pidfile} does not hold a pid (${JSON.stringify(text.trim().slice(0, 40))}).`);
    }
    if (pid === undefined) return null;
    const startTicks = processStartTicks(pid);
    return startTicks === null ? null : { pid, startTicks };
  };
  const alive = (t: Tracked) => liveness({ pid: t.pid, hostname: hostname(), startTicks: t.startTicks, bootId: null }) === 'alive';
  const label = spec.pidfile !== undefined ? `process (pid file ${spec.pidfile})` : `process ${spec.pid}`;
  return {
    kind: 'process',
    label,
    canStart: spec.startCommand !== undefined && spec.startCommand.length > 0,
    state: async () => ((await locate()) === null ? 'stopped' : 'running'),
    stop: async () => {
      tracked = await locate();
      if (tracked === null) return;
      const target = tracked;
      signal(target.pid, 'SIGTERM');
      // pid + start time: a pid reused by another process after ours exited counts as gone.
      if (await waitUntil(() => !alive(target), spec.stopTimeoutSeconds * 1000)) return;
      if (!spec.forceKill) {
        throw new ExternalError(`Process ${target.pid} did not exit within ${spec.stopTimeoutSeconds} s of SIGTERM.`, { command: 'kill', args: ['-TERM', String(target.pid)] }, {
          hint: 'Give it longer with --stop-timeout, or pass --force-kill to SIGKILL it (its data may then need a repair).',
        });
      }
      signal(target.pid, 'SIGKILL');
      if (!(await waitUntil(() => !alive(target), 10_000))) {
        throw new ExternalError(`Process ${target.pid} survived SIGKILL.`, { command: 'kill', args: ['-KILL', String(target.pid)] });
      }
    },
    start: async () => {
      const [command, ...args] = spec.startCommand ?? [];
      if (command === undefined) throw new UserError('No start command: pass the command after --.');
      const out = spec.logFile === undefined ? 'ignore' : openSync(spec.logFile, 'a');
      try {
        // Detached in its own session: the node must outlive snapplan.
        const child = spawn(command, args, { cwd: spec.startCwd, env: spec.env, detached: true, stdio: ['ignore', out, out] });
        const pid = await new Promise<number>((resolve, reject) => {
          child.once('error', reject);
          child.once('spawn', () => resolve(child.pid ?? -1));
        }).catch((error: unknown) => {
          throw new ExternalError(`${command} could not be started: ${(error as Error).message}`, { command, args }, { cause: error });
        });
        child.unref();
        if (spec.pidfile !== undefined) await writeFile(spec.pidfile, `${pid}\n`);
      } finally {
        if (typeof out === 'number') closeSync(out);
      }
    },
  };
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ESRCH') throw error;
  }
}

/** liveness() compares hostnames; the tracked process is always local. */
function hostname(): string {
  return os.hostname();
}

/** Polls `done` every 100 ms until it is true or `timeoutMs` passes. */
async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  return (await pollUntil(() => ({ done: done(), value: undefined }), { timeoutMs, intervalMs: 100, stopBeforeDeadline: false })).ok;
}
