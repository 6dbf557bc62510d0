import { ExternalError } from './errors.js';

export interface CaptureOptions {
  /** Kill the process (and report a time-out) after this many milliseconds. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  readonly env?: NodeJS.ProcessEnv | undefined;
  readonly cwd?: string | undefined;
  /** After SIGTERM to the process group, how long before SIGKILL (default 5 s). */
  readonly killGraceMs?: number | undefined;
}

export interface CaptureResult {
  readonly command: string;
  readonly args: readonly string[];
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/**
 * The one way snapplan runs another program for its output: an argument array (never a shell
 * string), a hard time-out, no stdin. Returns even when the program fails; throws only when it
 * cannot be started at all.
 */
export async function capture(command: string, args: readonly string[], options: CaptureOptions): Promise<CaptureResult> {
  // Loaded on first use: execa and its dependencies are most of the start-up cost of a
  // command that never runs a child process (plan --blocks).
  const { execa } = await import('execa');
  const child = execa(command, args, {
    ...baseOptions(options),
    stripFinalNewline: false,
    // ledger-tool's `bounds --all` can print every slot; keep a generous but finite cap.
    maxBuffer: 64 * 1024 * 1024,
  });
  const group = superviseGroup(child.pid, options);
  const result = await child.finally(() => group.settled());
  throwIfNotStarted(command, args, { ...result, timedOut: group.timedOut, isCanceled: group.cancelled });
  return {
    command,
    args,
    exitCode: result.exitCode,
    signal: result.signal,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    timedOut: group.timedOut,
  };
}

/** The last `count` non-empty lines of a tool's output, for error reports. */
export function tailLines(text: string, count: number): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0)
    .slice(-count)
    .join('\n');
}

/** Readable text for a process's end, in the spirit of zx's exit-code table. */
export function describeExit(result: Pick<CaptureResult, 'exitCode' | 'signal' | 'timedOut'>, timeoutMs: number): string {
  if (result.timedOut) return `did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`;
  if (result.signal) return `was killed by ${result.signal}`;
  if (result.exitCode === 127) return 'exited with 127 (command not found)';
  return `exited with code ${result.exitCode}`;
}

export interface StreamOptions extends CaptureOptions {
  /** Called for every line either stream prints, as it arrives. */
  readonly onLine: (stream: 'stdout' | 'stderr', line: string) => void;
}

export interface StreamResult {
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
}

/**
 * Runs a long program (ledger-tool replaying for minutes) and hands each output line to
 * `onLine` as it comes, without keeping the output in memory. Same rules as `capture`:
 * an argument array, a time-out, no stdin.
 */
export async function stream(command: string, args: readonly string[], options: StreamOptions): Promise<StreamResult> {
  const { execa } = await import('execa');
  const child = execa(command, args, { ...baseOptions(options), buffer: false });
  const group = superviseGroup(child.pid, options);
  const pump = async (source: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr') => {
    if (!source) return;
    const { createInterface } = await import('node:readline');
    for await (const line of createInterface({ input: source, crlfDelay: Infinity })) options.onLine(name, line);
  };
  const [result] = await Promise.all([child, pump(child.stdout, 'stdout'), pump(child.stderr, 'stderr')]).finally(() => group.settled());
  throwIfNotStarted(command, args, { ...result, timedOut: group.timedOut, isCanceled: group.cancelled });
  return { exitCode: result.exitCode, signal: result.signal, timedOut: group.timedOut, cancelled: group.cancelled };
}

/**
 * What every run shares: no rejection (callers read the result), no stdin, and a process group
 * of its own (`detached`). The time-out and Ctrl-C are handled by superviseGroup, not by execa:
 * execa would signal only the program it started, and a wrapper script that runs the real tool
 * without `exec` leaves the tool holding the pipes, so the call never returned.
 */
function baseOptions(options: CaptureOptions) {
  return {
    reject: false,
    env: options.env,
    extendEnv: options.env === undefined,
    cwd: options.cwd,
    stdin: 'ignore',
    detached: true,
  } as const;
}

const DEFAULT_KILL_GRACE_MS = 5_000;

/** Process groups started here and not yet known to be gone; ended if snapplan itself exits. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: every process of the group is gone
  }
}

/**
 * Ends the child's whole process group on time-out or cancellation: SIGTERM to the group, then
 * SIGKILL after the grace period to whatever is left. `settled()` is called once the child and
 * its pipes are done; it stops the timers (the KILL stays armed while the group still lives).
 */
function superviseGroup(pid: number | undefined, options: CaptureOptions): { readonly timedOut: boolean; readonly cancelled: boolean; settled(): void } {
  const state = { timedOut: false, cancelled: false, settled: () => {} };
  if (pid === undefined) return state; // never started: execa reports why
  liveGroups.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A group must not outlive snapplan (bin/ sets the exit code and lets the loop drain).
    process.once('exit', () => {
      for (const group of liveGroups) signalGroup(group, 'SIGKILL');
    });
  }
  const grace = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  let killTimer: NodeJS.Timeout | undefined;
  let ending = false;
  const end = (): void => {
    if (ending) return;
    ending = true;
    signalGroup(pid, 'SIGTERM');
    // Unref'd: once the child and its pipes are done, snapplan may exit; the 'exit' hook then
    // sends the KILL to whatever of the group is left.
    killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), grace);
    killTimer.unref();
  };
  const timer = options.timeoutMs > 0 ? setTimeout(() => ((state.timedOut = true), end()), options.timeoutMs) : undefined;
  const onAbort = (): void => {
    state.cancelled = true;
    end();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  state.settled = () => {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    if (signalGroup(pid, 0)) {
      // Something of the group still runs although the child is done (a daemonised helper):
      // end it too when we were stopping the group anyway, otherwise leave it be.
      if (ending && killTimer !== undefined) return;
    }
    clearTimeout(killTimer);
    liveGroups.delete(pid);
  };
  return state;
}

/** A program that never started (missing, not executable) is an error, not an exit code. */
function throwIfNotStarted(
  command: string,
  args: readonly string[],
  result: { failed: boolean; exitCode?: number | undefined; timedOut: boolean; isCanceled: boolean; signal?: string | undefined; cause?: unknown; shortMessage?: string | undefined },
): void {
  if (!result.failed || result.exitCode !== undefined || result.timedOut || result.isCanceled || result.signal !== undefined) return;
  const code = (result.cause as { code?: string } | undefined)?.code;
  throw new ExternalError(
    code === 'ENOENT' ? `${command} was not found.` : code === 'EACCES' ? `${command} is not executable.` : `${command} could not be started: ${result.shortMessage}`,
    { command, args },
    { cause: result.cause },
  );
}
