import { ExitCode } from '../core/exit-codes.js';
import { isSnapplanError } from '../core/errors.js';
import { canPrompt, processContext, type CliContext } from './context.js';
import { parseCommandLine } from './register.js';
import { commands } from './registry.js';
import { packageVersion } from './version.js';

/**
 * Runs snapplan with `argv` (without node and the script) and resolves to the exit code.
 * Never exits the process: bin/snapplan.js does, so tests can call main() in-process.
 */
export async function main(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  // Bare `snapplan` on a terminal opens the app (on the current folder if it is a ledger).
  if (argv.length === 0 && canPrompt(ctx)) {
    try {
      return await (await import('./commands/tui-handler.js')).openAppWithoutCommand(ctx);
    } catch (error) {
      return report(error, ctx);
    }
  }
  const { selected, failure, output } = await parseCommandLine(commands, packageVersion(), withDefaultCommand(argv));
  if (failure) {
    ctx.stderr.write(`snapplan: ${failure.message}\n`);
    ctx.stderr.write('Run snapplan --help for the commands, or snapplan <command> --help for their options.\n');
    return ExitCode.Usage;
  }
  if (!selected) {
    // --help or --version: yargs produced the text and ran no command.
    if (output) ctx.stdout.write(output.endsWith('\n') ? output : output + '\n');
    return ExitCode.Ok;
  }
  try {
    const handler = await selected.definition.handler();
    return await handler(toCamelArgs(selected.args) as never, ctx);
  } catch (error) {
    return report(error, ctx);
  }
}

/**
 * Forms without a command word: the design card's `snapplan --plan --ledger L --slot X` is
 * `snapplan plan …`; `snapplan --ledger L [--slot X]` is the app (`tui`), which without a
 * terminal prints the plan and a hint instead of waiting.
 */
function withDefaultCommand(argv: readonly string[]): string[] {
  const index = argv.indexOf('--plan');
  if (index !== -1) return ['plan', ...argv.slice(0, index), ...argv.slice(index + 1)];
  const first = argv[0];
  const namesLedger = argv.some((a) => a === '--ledger' || a === '-l' || a.startsWith('--ledger='));
  if (first !== undefined && first.startsWith('-') && namesLedger && !argv.includes('--help') && !argv.includes('--version')) {
    return ['tui', ...argv];
  }
  return [...argv];
}

/**
 * yargs adds camelCase keys already; keep only those so handlers see one spelling, plus `--`,
 * the words after `--` (passed through to another program).
 */
function toCamelArgs(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([key]) => key === '--' || !key.includes('-')));
}

function report(error: unknown, ctx: CliContext): number {
  if (isSnapplanError(error)) {
    ctx.stderr.write(`snapplan: ${error.message}\n`);
    const tail = 'details' in error ? (error.details as { outputTail?: string }).outputTail : undefined;
    if (tail) ctx.stderr.write(tail.split('\n').map((line) => `  | ${line}`).join('\n') + '\n');
    if (error.hint) ctx.stderr.write(`${error.hint}\n`);
    if (error.name === 'BugError' && error.stack) ctx.stderr.write(`${error.stack}\nThis is a bug in snapplan; please report it.\n`);
    return error.exitCode;
  }
  const err = error instanceof Error ? error : new Error(String(error));
  ctx.stderr.write(`snapplan: unexpected error: ${err.message}\n${err.stack ?? ''}\nThis is a bug in snapplan; please report it with the command you ran.\n`);
  return ExitCode.Failed;
}

