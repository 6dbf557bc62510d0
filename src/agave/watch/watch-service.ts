import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { OperationCancelledError, UserError } from '../../core/errors.js';
import { tryParseU64, type Slot } from '../../core/slot.js';
import { readLedgerPointer } from '../restart-patch/restart-patch-service.js';
import { VALIDATOR_SUBCOMMANDS } from '../restart-patch/start-file.js';
import { findValidatorsUsing, type ValidatorProcess } from '../validator-process.js';
import { isBootStart, parseLogLine } from './boot-log-lines.js';
import { BootWatch, type WatchEvent } from './boot-watch.js';
import { LogFollower, type FollowResult } from './log-follower.js';
import { parseMonitorLine, type MonitorEvent } from './monitor-lines.js';

export interface WatchRequest {
  readonly ledger: string;
  readonly log: string | null;
  readonly restartSlot: Slot | null;
  readonly timeoutSeconds: number | null;
  /** The validator binary asked for `monitor`; null: do not ask. */
  readonly validatorBin: string | null;
  readonly pollMs: number;
  readonly env: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal | undefined;
  readonly now: () => Date;
  readonly onEvent: (event: WatchEvent) => void;
  readonly procRoot?: string | undefined;
}

export type EndEvent = Extract<WatchEvent, { event: 'end' }>;

export interface WatchOutcome {
  readonly end: EndEvent;
  /** The start script or unit restart-flags patched for this ledger, if any: the one to revert. */
  readonly startFile: string | null;
}

/** A process running an agave-validator subcommand (monitor, exit, …) talks to the validator; it is not the validator. */
const isSubcommandCall = (commandLine: string) => commandLine.split(' ').slice(1).some((word) => VALIDATOR_SUBCOMMANDS.has(word));
const LAST_LINES = 12;

/**
 * Follows one restart boot to its end state: the validator's log from the start of the current
 * boot (earlier boots' lines do not count), `agave-validator monitor` where it answers, and the
 * validator process itself (found as apply's preflight finds it), until the cluster resumed,
 * the validator stopped, or the time-out.
 */
export async function watchRestartBoot(request: WatchRequest): Promise<WatchOutcome> {
  const pointer = await readLedgerPointer(request.ledger);
  const nowIso = () => request.now().toISOString();
  let monitorPid: number | null = null;
  const validators = (): ValidatorProcess[] =>
    findValidatorsUsing(request.ledger, request.procRoot).filter((p) => p.pid !== monitorPid && !isSubcommandCall(p.commandLine));
  const running = validators();
  const log = request.log ?? pointer?.log ?? logOfProcess(running[0], request.procRoot) ?? null;
  const restartSlot = request.restartSlot ?? (pointer ? (tryParseU64(pointer.restartSlot) ?? null) : null);
  if (log === null && request.validatorBin === null) {
    throw new UserError(`No validator log is known for ${request.ledger}.`, { hint: 'Pass --log FILE (the validator\'s --log), or let watch ask agave-validator monitor.' });
  }
  const watch = new BootWatch(restartSlot, request.onEvent);
  const follower = log === null ? null : new LogFollower(log);
  // What is in the log now is read before "following" is reported: anything written after that
  // event is new (a test's writer, or the boot that starts right after).
  let firstPoll: FollowResult | null = follower === null ? null : await follower.poll();
  request.onEvent({ time: nowIso(), event: 'following', log, monitor: request.validatorBin !== null, restartSlot, ledger: request.ledger });

  const monitorQueue: MonitorEvent[] = [];
  let monitor: ChildProcess | null = null;
  if (request.validatorBin !== null) {
    monitor = spawn(request.validatorBin, ['--ledger', request.ledger, 'monitor'], { stdio: ['ignore', 'pipe', 'ignore'], env: request.env });
    monitorPid = monitor.pid ?? null;
    monitor.on('error', (error: NodeJS.ErrnoException) => {
      request.onEvent({ time: nowIso(), event: 'monitor-unavailable', reason: error.code === 'ENOENT' ? `${request.validatorBin} was not found` : error.message });
    });
    if (monitor.stdout) {
      createInterface({ input: monitor.stdout, crlfDelay: Infinity }).on('line', (line) => {
        const event = parseMonitorLine(line);
        if (event) monitorQueue.push(event);
      });
    }
  }

  const lastLines: string[] = [];
  // Without a validator running, the boots already in the log are over: wait for a new one,
  // unless one started after restart-flags patched the start (that is the restart boot).
  let awaitingBoot = false;
  let seenProcess = running.length > 0;
  const started = Date.now();
  try {
    while (watch.ended === null) {
      if (request.signal?.aborted) throw new OperationCancelledError('watch was interrupted; the validator was not touched.');
      if (follower !== null) {
        const { lines, initial, notes } = firstPoll ?? (await follower.poll());
        firstPoll = null;
        for (const note of notes) request.onEvent({ time: nowIso(), event: `log-${note}`, log: follower.file } as WatchEvent);
        let fresh = lines;
        if (initial) {
          fresh = currentBoot(lines, seenProcess, pointer?.patchedAt ?? null);
          if (fresh.length < lines.length) request.onEvent({ time: nowIso(), event: 'earlier-boots-ignored', lines: lines.length - fresh.length });
          awaitingBoot = fresh.length === 0 && !seenProcess;
        }
        for (const line of fresh) {
          if (awaitingBoot) {
            if (!isBootStart(line)) continue;
            awaitingBoot = false;
          }
          lastLines.push(line);
          if (lastLines.length > LAST_LINES) lastLines.shift();
          const { line: parsed, event } = parseLogLine(line);
          if (event) watch.log(event, parsed.time ?? nowIso());
          if (watch.ended) break;
        }
      }
      while (monitorQueue.length > 0 && watch.ended === null) watch.monitor(monitorQueue.shift() as MonitorEvent, nowIso());
      if (watch.ended) break;
      const alive = validators().length > 0;
      if (alive) seenProcess = true;
      else if (seenProcess) {
        // Read what it wrote last before calling it gone.
        if (follower !== null) {
          for (const line of (await follower.poll()).lines) {
            lastLines.push(line);
            const { line: parsed, event } = parseLogLine(line);
            if (event) watch.log(event, parsed.time ?? nowIso());
          }
          if (lastLines.length > LAST_LINES) lastLines.splice(0, lastLines.length - LAST_LINES);
        }
        watch.processGone(nowIso(), [...lastLines]);
        break;
      }
      if (request.timeoutSeconds !== null && Date.now() - started >= request.timeoutSeconds * 1000) {
        watch.timedOut(nowIso(), request.timeoutSeconds);
        break;
      }
      await sleep(request.pollMs, request.signal);
    }
  } finally {
    monitor?.kill('SIGTERM');
    await follower?.close();
  }
  return { end: watch.ended as unknown as EndEvent, startFile: pointer?.file ?? null };
}

/** The lines of the current boot among those already in the log. */
function currentBoot(lines: readonly string[], running: boolean, patchedAt: string | null): string[] {
  let last = -1;
  for (let i = 0; i < lines.length; i++) if (isBootStart(lines[i] as string)) last = i;
  if (last < 0) return running ? [...lines] : [];
  // The version line and "Starting validator with:" come as a pair: start at the first of them.
  if (last > 0 && isBootStart(lines[last - 1] as string)) last -= 1;
  if (running) return lines.slice(last);
  const time = parseLogLine(lines[last] as string).line.time;
  if (patchedAt !== null && time !== null && time >= patchedAt) return lines.slice(last);
  return [];
}

/** The --log of a running validator, from its command line (/proc/<pid>/cmdline). */
function logOfProcess(process: ValidatorProcess | undefined, procRoot = '/proc'): string | null {
  if (process === undefined) return null;
  try {
    const argv = readFileSync(path.join(procRoot, String(process.pid), 'cmdline'), 'utf8').replace(/\0$/, '').split('\0');
    let cwd = '/';
    try {
      cwd = readlinkSync(path.join(procRoot, String(process.pid), 'cwd'));
    } catch {
      // another user's process: relative paths are read from /
    }
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i] as string;
      if ((arg === '--log' || arg === '-o') && argv[i + 1] && argv[i + 1] !== '-') return path.resolve(cwd, argv[i + 1] as string);
      if (arg.startsWith('--log=') && arg !== '--log=-') return path.resolve(cwd, arg.slice('--log='.length));
    }
  } catch {
    return null;
  }
  return null;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
