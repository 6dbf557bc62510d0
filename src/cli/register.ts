import yargs, { type Argv, type Options, type PositionalOptions } from 'yargs';
import { UserError } from '../core/errors.js';
import { camelCase, type CommandDefinition, type CommandEntry, type CommandGroup, type OptionSpec, type PositionalSpec } from './define-command.js';
import { readOptionValue } from './option-values.js';

export interface Selected {
  readonly definition: CommandDefinition;
  /** The command words, e.g. `plan` or `k8s snapshot`. */
  readonly command: string;
  /** The handler's args: one camelCase key per declared option and positional (and `--`). */
  readonly args: Record<string, unknown>;
}

/** What parsing a command line gave: the command chosen, a usage error, or yargs' own text. */
export interface ParseOutcome {
  readonly selected?: Selected | undefined;
  /** A usage error, with a hint; nothing ran. */
  readonly failure?: UserError | undefined;
  /** --help, --version, completion, or a group named without its subcommand: yargs' text. */
  readonly output: string;
  /** `snapplan k8s` alone: the group named; `output` is its help. */
  readonly group?: CommandGroup | undefined;
}

/**
 * Thrown by a command's yargs handler right after it records the selection. yargs renders the
 * whole help text after every command handler returns (usage.cacheHelpMessage, so that an
 * async handler's failure can print it), which costs more than the rest of parsing on a cold
 * start; snapplan runs handlers outside yargs, so the selection leaves yargs by this throw
 * instead. Validation has already run by then. Never seen outside parseCommandLine().
 */
const COMMAND_SELECTED: unique symbol = Symbol('snapplan: command selected');

const USAGE_HINT = 'Run snapplan --help for the commands, or snapplan <command> --help for their options.';

/** Parses `argv` against the commands; never runs a handler, never writes output. */
export async function parseCommandLine(entries: readonly CommandEntry[], version: string, argv: readonly string[]): Promise<ParseOutcome> {
  let selected: Selected | undefined;
  let group: CommandGroup | undefined;
  let failure: Error | undefined;
  // A UserError thrown by an option's reader or a check: yargs keeps only its message.
  let refusal: UserError | undefined;
  let output = '';
  const hooks: Hooks = {
    onSelect: (s) => (selected = s),
    onGroup: (g) => (group = g),
    onRefusal: (e) => (refusal ??= e),
  };
  try {
    await buildParser(entries, version, hooks).parseAsync([...argv], {}, (error: Error | undefined, _argv: unknown, text: string) => {
      failure = error ?? undefined;
      output = text;
    });
  } catch (error) {
    if (error !== COMMAND_SELECTED) failure = error instanceof Error ? error : new Error(String(error));
  }
  if (failure) {
    const known = refusal !== undefined && failure.message === refusal.message ? refusal : undefined;
    return { failure: known ?? new UserError(withoutCamelTwins(failure.message), { hint: USAGE_HINT }), output };
  }
  if (group) {
    // The group alone: its help lists the subcommands.
    const help = await parseCommandLine(entries, version, [group.name, '--help']);
    return { group, output: help.output };
  }
  return { selected, output };
}

interface Hooks {
  onSelect(selected: Selected): void;
  onGroup(group: CommandGroup): void;
  onRefusal(error: UserError): void;
}

/**
 * The only module that imports yargs. Handlers are not run inside yargs: parsing only records
 * which command was chosen, so errors from the work itself never pass through yargs' own
 * error handling and the exit code stays ours.
 */
function buildParser(entries: readonly CommandEntry[], version: string, hooks: Hooks): Argv {
  let parser = yargs()
    .scriptName('snapplan')
    .usage('$0 <command> [options]\n\nPlan and carry out snapshots, backups and restores of blockchain node state.')
    .version(version)
    .help()
    .alias('h', 'help')
    .strict()
    // A usage error gets one sentence and a hint from main(); the whole help text would also
    // cost ~150 ms to render (yargs renders it into the output we would then drop).
    .showHelpOnFail(false)
    .parserConfiguration({
      // Words after `--` go to args['--'] (passed through to another program), never into `_`.
      'populate--': true,
      // Numbers are read by option-values.ts from the text given (yargs would make `abc` NaN).
      'parse-numbers': false,
      'parse-positional-numbers': false,
    })
    .demandCommand(1, 'Name a command, e.g. snapplan plan --ledger L --slot X.')
    .recommendCommands()
    // Off a terminal (pipes, tests) 100 columns, so that the longer command names keep the
    // descriptions readable.
    .wrap(process.stdout.isTTY ? Math.min(100, process.stdout.columns || 80) : 100)
    .epilogue('Exit codes: 0 done (plan: reachable), 1 failed, 2 bad input or usage, 3 plan: not reachable, 130 cancelled.\nDocs: README.md');
  for (const entry of entries) parser = entry.kind === 'group' ? addGroup(parser, entry, hooks) : addCommand(parser, entry, hooks);
  // Last, so that --help lists it after the commands.
  return parser.completion('completion', 'Print the shell completion script (bash; zsh when $SHELL is zsh)');
}

function addGroup(parser: Argv, group: CommandGroup, hooks: Hooks): Argv {
  return parser.command({
    command: group.name,
    describe: group.describe,
    builder: (y: Argv) => {
      let sub = y.usage(`$0 ${group.name} <${group.subcommands.map((c) => c.name).join('|')}> [options]\n\n${group.describe}`);
      for (const definition of group.subcommands) sub = addCommand(sub, definition, hooks, `${group.name} `);
      return sub;
    },
    handler: () => {
      hooks.onGroup(group);
      throw COMMAND_SELECTED;
    },
  });
}

function addCommand(parser: Argv, definition: CommandDefinition, hooks: Hooks, prefix = ''): Argv {
  const positionals = Object.entries(definition.positionals ?? {});
  return parser.command({
    command: [definition.name, ...positionals.map(([key]) => `<${key}>`)].join(' '),
    aliases: definition.aliases ? [...definition.aliases] : [],
    describe: definition.describe,
    builder: (y: Argv) => {
      let b = y;
      for (const [key, spec] of positionals) b = b.positional(key, positionalOptions(key, spec, hooks));
      for (const [key, spec] of Object.entries(definition.options)) b = b.option(key, yargsOptions(key, spec, hooks));
      for (const [command, description] of definition.examples ?? []) b = b.example(command, description);
      const epilogue = [definition.passThrough, definition.epilogue].filter(Boolean).join('\n');
      if (epilogue) b = b.epilogue(epilogue);
      return b;
    },
    handler: (argv: Record<string, unknown>) => {
      const args = handlerArgs(definition, argv);
      // Checks across flags run here, not as a yargs .check(): with a parse callback yargs
      // records a failed check and still calls the handler. A UserError leaves parseAsync.
      guarded(hooks, () => {
        refuseUnexpectedPassThrough(prefix + definition.name, definition, argv);
        definition.check?.(args as never);
      });
      hooks.onSelect({ definition, command: prefix + definition.name, args });
      throw COMMAND_SELECTED;
    },
  });
}

function yargsOptions(key: string, spec: OptionSpec, hooks: Hooks): Options {
  const flag = `--${key}`;
  const base: Options = {
    describe: spec.describe,
    ...(spec.alias !== undefined ? { alias: spec.alias } : {}),
    ...(spec.group !== undefined ? { group: spec.group } : {}),
    ...(spec.hidden ? { hidden: true } : {}),
    ...(spec.demandOption ? { demandOption: true } : {}),
    ...(spec.default !== undefined ? { default: spec.default } : {}),
  };
  if (spec.type === 'boolean') return { ...base, type: 'boolean' };
  const coerce = (raw: unknown) => guarded(hooks, () => readOptionValue(flag, spec, raw));
  if (spec.array) return { ...base, type: 'string', array: true, default: [], coerce };
  if (spec.choices) return { ...base, type: 'string', choices: [...spec.choices], coerce };
  // Numbers stay text for yargs; readOptionValue reads them (`requiresArg`: `--keep` alone is an error).
  if (spec.type === 'number' || spec.type === 'integer' || spec.type === 'seconds') return { ...base, requiresArg: true, coerce };
  return { ...base, type: 'string', coerce };
}

function positionalOptions(key: string, spec: PositionalSpec, hooks: Hooks): PositionalOptions {
  return {
    describe: spec.describe,
    type: 'string',
    ...(spec.choices ? { choices: [...spec.choices] } : {}),
    coerce: (raw: unknown) => guarded(hooks, () => readOptionValue(key, spec, raw)),
  };
}

/** Runs an option reader or a check; a UserError is remembered for its hint, then passed to yargs. */
function guarded<T>(hooks: Hooks, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof UserError) hooks.onRefusal(error);
    throw error;
  }
}

/**
 * yargs names an unknown `--from-snapshots` twice in strict mode, also as the camelCase key it
 * added itself ("Unknown arguments: from-snapshots, fromSnapshots"); the operator typed one.
 */
function withoutCamelTwins(message: string): string {
  const match = /^Unknown arguments?: (.*)$/.exec(message);
  if (!match?.[1]) return message;
  const names = match[1].split(', ');
  const typed = names.filter((name) => name === camelCase(name) ? !names.some((other) => other !== name && camelCase(other) === name) : true);
  return `Unknown argument${typed.length > 1 ? 's' : ''}: ${typed.join(', ')}`;
}

/** Words after `--` reach only a command that passes them on; elsewhere they would be silently dropped. */
function refuseUnexpectedPassThrough(command: string, definition: CommandDefinition, argv: Record<string, unknown>): void {
  const words = (argv['--'] as unknown[] | undefined) ?? [];
  if (definition.passThrough !== undefined || words.length === 0) return;
  throw new UserError(`snapplan ${command} takes nothing after --, but was given ${words.map((w) => JSON.stringify(String(w))).join(' ')}.`, {
    hint: `Leave out what follows --, or give it as an option (snapplan ${command} --help lists them).`,
  });
}

/** Exactly the declared keys, camelCased (yargs' aliases, `_` and `$0` are left out). */
function handlerArgs(definition: CommandDefinition, argv: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const key of [...Object.keys(definition.positionals ?? {}), ...Object.keys(definition.options)]) {
    const value = argv[key];
    if (value !== undefined) args[camelCase(key)] = value;
  }
  if (definition.passThrough !== undefined) args['--'] = ((argv['--'] as unknown[] | undefined) ?? []).map(String);
  return args;
}
