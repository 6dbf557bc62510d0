import yargs, { type Argv } from 'yargs';
import type { CommandDefinition } from './define-command.js';

export interface Selected {
  readonly definition: CommandDefinition<never>;
  readonly args: Record<string, unknown>;
}

/** What parsing a command line gave: the command chosen, a usage error, or yargs' own text. */
export interface ParseOutcome {
  readonly selected?: Selected | undefined;
  readonly failure?: Error | undefined;
  /** --help or --version: the text yargs produced (no command was selected). */
  readonly output: string;
}

/**
 * Thrown by a command's yargs handler right after it records the selection. yargs renders the
 * whole help text after every command handler returns (usage.cacheHelpMessage, so that an
 * async handler's failure can print it), which costs more than the rest of parsing on a cold
 * start; snapplan runs handlers outside yargs, so the selection leaves yargs by this throw
 * instead. Validation has already run by then. Never seen outside parseCommandLine().
 */
const COMMAND_SELECTED: unique symbol = Symbol('snapplan: command selected');

/** Parses `argv` against the commands; never runs a handler, never writes output. */
export async function parseCommandLine(definitions: readonly CommandDefinition<never>[], version: string, argv: readonly string[]): Promise<ParseOutcome> {
  let selected: Selected | undefined;
  let failure: Error | undefined;
  let output = '';
  try {
    await buildParser(definitions, version, (s) => (selected = s)).parseAsync([...argv], {}, (error: Error | undefined, _argv: unknown, text: string) => {
      failure = error ?? undefined;
      output = text;
    });
  } catch (error) {
    if (error !== COMMAND_SELECTED) failure = error instanceof Error ? error : new Error(String(error));
  }
  return failure ? { failure, output } : { selected, output };
}

/**
 * The only module that imports yargs. Handlers are not run inside yargs: parsing only records
 * which command was chosen, so errors from the work itself never pass through yargs' own
 * error handling and the exit code stays ours.
 */
function buildParser(definitions: readonly CommandDefinition<never>[], version: string, onSelect: (selected: Selected) => void): Argv {
  let parser = yargs()
    .scriptName('snapplan')
    .usage('$0 <command> [options]\n\nPlan and carry out snapshots, backups and restores of blockchain node state.')
    .version(version)
    .help()
    .alias('h', 'help')
    .strict()
    // Words after `--` go to args['--'] (passed through to another program), never into `_`.
    .parserConfiguration({ 'populate--': true })
    .demandCommand(1, 'Name a command, e.g. snapplan plan --ledger L --slot X.')
    .recommendCommands()
    // Off a terminal (pipes, tests) 100 columns, so that the longer command names keep the
    // descriptions readable.
    .wrap(process.stdout.isTTY ? Math.min(100, process.stdout.columns || 80) : 100)
    .epilogue('Exit codes: 0 done (plan: reachable), 1 failed, 2 bad input or usage, 3 plan: not reachable, 130 cancelled.\nDocs: README.md');
  for (const definition of definitions) {
    parser = parser.command({
      command: definition.command,
      aliases: definition.aliases ? [...definition.aliases] : [],
      describe: definition.describe,
      builder: (y: Argv) => definition.builder(y),
      handler: (args: Record<string, unknown>) => {
        onSelect({ definition, args });
        throw COMMAND_SELECTED;
      },
    });
  }
  return parser;
}
