import { isSnapplanError } from '../core/errors.js';
import { ExitCode } from '../core/exit-codes.js';
import { canPrompt, processContext, type CliContext } from './context.js';
import { parseCommandLine } from './register.js';
import { commands } from './registry.js';
import { versionText } from './version.js';
import { writeError } from './write-error.js';

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
      return report(error, ctx, 'tui');
    }
  }
  const { selected, failure, output, group } = await parseCommandLine(commands, versionText(), withDefaultCommand(argv));
  if (failure) return report(failure, ctx);
  if (group) {
    // `snapplan k8s` alone: nothing to do yet, so a usage error that lists the subcommands.
    ctx.stderr.write(`snapplan: name what ${group.name} should do: ${group.subcommands.map((c) => c.name).join(', ')}.\n\n${output.endsWith('\n') ? output : output + '\n'}`);
    return ExitCode.Usage;
  }
  if (!selected) {
    // --help, --version or completion: yargs produced the text and ran no command.
    if (output) ctx.stdout.write(output.endsWith('\n') ? output : output + '\n');
    return ExitCode.Ok;
  }
  try {
    const handler = await selected.definition.handler();
    return await handler(selected.args as never, ctx);
  } catch (error) {
    return report(error, ctx, selected.command);
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

function report(error: unknown, ctx: CliContext, command?: string): number {
  writeError(ctx, error, command);
  return isSnapplanError(error) ? error.exitCode : ExitCode.Failed;
}
