/**
 * Everything a command may touch of the outside world, injected so tests can run `main()`
 * in-process with captured output, a fake clock and their own environment.
 */
export interface Writer {
  write(text: string): void;
}

export interface CliContext {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: Writer;
  readonly stderr: Writer;
  /** Whether stdout is a terminal: decides colour and whether prompts may be shown. */
  readonly stdoutIsTTY: boolean;
  readonly now: () => Date;
  readonly signal?: AbortSignal | undefined;
}

export function processContext(): CliContext {
  return {
    // The one place the process's cwd is read; everything else gets it from the context.
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTTY: process.stdout.isTTY === true,
    now: () => new Date(),
  };
}

/** Colour only on a terminal, never under NO_COLOR; FORCE_COLOR wins (chalk's convention). */
export function colorLevel(ctx: Pick<CliContext, 'env' | 'stdoutIsTTY'>): 0 | 1 {
  const force = ctx.env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force === '0' || force === 'false' ? 0 : 1;
  if (ctx.env['NO_COLOR'] !== undefined && ctx.env['NO_COLOR'] !== '') return 0;
  if (ctx.env['TERM'] === 'dumb') return 0;
  return ctx.stdoutIsTTY ? 1 : 0;
}
