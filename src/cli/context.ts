import type { Writer } from '../core/io.js';

export type { Writer };

/**
 * Everything a command may touch of the outside world, injected so tests can run `main()`
 * in-process with captured output, a fake clock and their own environment.
 */
export interface CliContext {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: Writer;
  readonly stderr: Writer;
  /** Whether stdout is a terminal: decides colour and whether prompts may be shown. */
  readonly stdoutIsTTY: boolean;
  /** Where answers to prompts come from; prompts need it to be a terminal too. */
  readonly stdin?: NodeJS.ReadableStream | undefined;
  readonly stdinIsTTY?: boolean | undefined;
  readonly now: () => Date;
  readonly signal?: AbortSignal | undefined;
}

export function processContext(): CliContext {
  // Ctrl-C aborts the work in progress (journals stay consistent) and main() exits 130.
  const controller = new AbortController();
  onStopSignals(process, controller, process.stderr);
  // `snapplan plan --json | head` closes the pipe early: the reader has what it wanted, so
  // the rest of the output is dropped quietly instead of crashing with an unhandled EPIPE.
  // The work itself goes on (an apply must never stop half-way because its reader left).
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  return {
    // The one place the process's cwd is read; everything else gets it from the context.
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTTY: process.stdout.isTTY === true,
    stdin: process.stdin,
    stdinIsTTY: process.stdin.isTTY === true,
    now: () => new Date(),
    signal: controller.signal,
  };
}

/**
 * Colour only on a terminal, and never under NO_COLOR (no-color.org: a non-empty NO_COLOR
 * prevents colour "regardless of its value"), even when FORCE_COLOR is set too: an operator who
 * turned colour off for the logs means it. FORCE_COLOR forces it everywhere else (pipes, CI).
 */
export function colorLevel(ctx: Pick<CliContext, 'env' | 'stdoutIsTTY'>): 0 | 1 {
  if (ctx.env['NO_COLOR'] !== undefined && ctx.env['NO_COLOR'] !== '') return 0;
  const force = ctx.env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force === '0' || force === 'false' ? 0 : 1;
  if (ctx.env['TERM'] === 'dumb') return 0;
  return ctx.stdoutIsTTY ? 1 : 0;
}

/** Prompts are allowed only with a terminal on both ends and outside CI. */
export function canPrompt(ctx: CliContext): boolean {
  return ctx.stdoutIsTTY && ctx.stdinIsTTY === true && !ctx.env['CI'];
}

/**
 * The first SIGINT or SIGTERM aborts the work; the handlers stay installed, so a second Ctrl-C
 * (an impatient operator) does not take Node's default action and kill snapplan half-way, e.g.
 * while a node it stopped is being started again. It only says that the clean-up is running.
 */
export function onStopSignals(target: Pick<NodeJS.Process, 'on'>, controller: AbortController, stderr: Writer): void {
  const handle = (name: 'SIGINT' | 'SIGTERM') => () => {
    if (!controller.signal.aborted) {
      controller.abort(new Error(name === 'SIGINT' ? 'interrupted (SIGINT)' : 'terminated (SIGTERM)'));
      return;
    }
    stderr.write(`snapplan: ${name} again: already stopping. Anything stopped is being started again and the journals closed; this ends on its own.\n`);
  };
  target.on('SIGINT', handle('SIGINT'));
  target.on('SIGTERM', handle('SIGTERM'));
}
