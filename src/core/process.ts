import { ExternalError } from './errors.js';

export interface CaptureOptions {
  /** Kill the process (and report a time-out) after this many milliseconds. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  readonly env?: NodeJS.ProcessEnv | undefined;
  readonly cwd?: string | undefined;
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
  const result = await execa(command, args, {
    ...baseOptions(options),
    stripFinalNewline: false,
    // ledger-tool's `bounds --all` can print every slot; keep a generous but finite cap.
    maxBuffer: 64 * 1024 * 1024,
  });
  throwIfNotStarted(command, args, result);
  return {
    command,
    args,
    exitCode: result.exitCode,
    signal: result.signal,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    timedOut: result.timedOut,
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
  const pump = async (source: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr') => {
    if (!source) return;
    const { createInterface } = await import('node:readline');
    for await (const line of createInterface({ input: source, crlfDelay: Infinity })) options.onLine(name, line);
  };
  const [result] = await Promise.all([child, pump(child.stdout, 'stdout'), pump(child.stderr, 'stderr')]);
  throwIfNotStarted(command, args, result);
  return { exitCode: result.exitCode, signal: result.signal, timedOut: result.timedOut, cancelled: result.isCanceled };
}

/** What every run shares: no rejection (callers read the result), a time-out, no stdin. */
function baseOptions(options: CaptureOptions) {
  return {
    reject: false,
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
    env: options.env,
    extendEnv: options.env === undefined,
    cwd: options.cwd,
    stdin: 'ignore',
    forceKillAfterDelay: 5_000,
  } as const;
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
