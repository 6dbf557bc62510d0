import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { readExecStartValue, readScriptCommands, type ArrayLiteral, type SimpleCommand, type Word } from './shell-words.js';

export type StartFileKind = 'bash' | 'systemd';

/** The validator binary through its history (renamed from solana-validator in 2.0). */
const VALIDATOR_BINARIES = new Set(['agave-validator', 'solana-validator']);

/** agave-validator subcommands: a line running one of these talks to a running validator, it does not start one. */
export const VALIDATOR_SUBCOMMANDS: ReadonlySet<string> = new Set([
  'exit', 'monitor', 'wait-for-restart-window', 'set-identity', 'authorized-voter', 'contact-info', 'init', 'plugin',
  'repair-shred-from-peer', 'repair-whitelist', 'set-log-filter', 'staked-nodes-overrides', 'set-public-address',
  'manage-block-production',
]);

/** The restart flags that take a value: the value may follow as the next word or after `=`. */
export const RESTART_VALUE_FLAGS = new Set(['--wait-for-supermajority', '--expected-bank-hash', '--expected-shred-version', '--hard-fork']);
export const RESTART_SWITCHES = new Set(['--no-snapshot-fetch']);

export interface ValidatorCommand {
  readonly kind: StartFileKind;
  readonly command: SimpleCommand;
  readonly binary: Word;
  /** The arguments in order, array elements spliced in where the array is expanded. */
  readonly args: readonly Arg[];
  /** The array the arguments come from, when the command expands one. */
  readonly array: ArrayLiteral | null;
  /** `NAME=value` assignments (literal values) seen in the file, for showing and for --log/--ledger. */
  readonly variables: ReadonlyMap<string, string>;
  /** 1-based line of the validator binary word. */
  readonly line: number;
}

export interface Arg {
  readonly word: Word;
  readonly inArray: boolean;
}

export interface FlagUse {
  readonly name: string;
  /** The words to remove for this use (the flag, and its value when separate). */
  readonly words: readonly Arg[];
  /** The value word: the flag word itself when written `--flag=value`. */
  readonly valueArg: Arg | null;
  readonly inline: boolean;
  /** The value as the validator will see it, when snapplan can tell. */
  readonly value: string | null;
  readonly inArray: boolean;
}

export function detectKind(file: string, text: string): StartFileKind {
  if (/\.(service|conf)$/.test(file)) return 'systemd';
  if (/^\s*\[(Unit|Service|Install)\]\s*$/m.test(text) && /^\s*ExecStart\s*=/m.test(text)) return 'systemd';
  return 'bash';
}

export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Finds the one command that starts the validator. Refuses (UserError, exit 2) when there is
 * none, more than one, or when it is built in a way whose flags cannot be known from the file.
 */
export function locateValidatorCommand(text: string, kind: StartFileKind, file: string): ValidatorCommand {
  const label = path.basename(file);
  const commands = kind === 'systemd' ? execStartCommands(text) : readScriptCommands(text);
  const variables = new Map<string, string>();
  for (const command of commands) {
    for (const word of command.words) {
      const m = word.value === null ? null : /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word.value);
      if (!m) break;
      variables.set(m[1] as string, m[2] as string);
    }
  }
  const found: { command: SimpleCommand; index: number }[] = [];
  for (const command of commands) {
    const index = binaryIndex(command, variables);
    if (index >= 0) found.push({ command, index });
  }
  if (found.length === 0) {
    const runs = kind === 'systemd' ? commands.map((c) => c.words[0]?.value).find((v) => v !== undefined && v !== null) : undefined;
    throw new UserError(
      `${label} has no command that starts agave-validator (or solana-validator), so there is nothing to patch.`,
      {
        hint: runs
          ? `Its ExecStart= runs ${runs.replace(/^[-@:+!]+/, '')}: patch that script instead (snapplan restart-flags --patch ${runs.replace(/^[-@:+!]+/, '')}).`
          : 'Name the script or unit that runs agave-validator with its flags.',
      },
    );
  }
  if (found.length > 1) {
    const lines = found.map((f) => lineOf(text, (f.command.words[f.index] as Word).start)).join(' and ');
    throw new UserError(`${label} starts the validator in two places (lines ${lines}); snapplan cannot tell which one runs.`, {
      hint: 'Keep one validator command in the file (or patch by hand), then run restart-flags again.',
    });
  }
  const { command, index } = found[0] as { command: SimpleCommand; index: number };
  const binary = command.words[index] as Word;
  const line = lineOf(text, binary.start);
  if (command.heredoc) throw refuse(label, line, 'it feeds the command a heredoc (<<)');
  const allArrays = commands.flatMap((c) => c.arrays);
  const appended = new Set(commands.flatMap((c) => c.appends));
  const args: Arg[] = [];
  let array: ArrayLiteral | null = null;
  for (const word of command.words.slice(index + 1)) {
    if (word.ignorable) continue;
    if (word.arrayExpansion !== null) {
      const name = word.arrayExpansion;
      const literals = allArrays.filter((a) => a.name === name);
      if (appended.has(name)) throw refuse(label, line, `the array ${name} is built in several steps (${name}+=(…))`);
      if (literals.length !== 1) throw refuse(label, line, literals.length === 0 ? `the array ${name} is not defined in the file` : `the array ${name} is defined ${literals.length} times`);
      if (array !== null) throw refuse(label, line, 'the command expands two arrays');
      array = literals[0] as ArrayLiteral;
      for (const element of array.words) if (!element.ignorable) args.push({ word: element, inArray: true });
      continue;
    }
    args.push({ word, inArray: false });
  }
  for (let i = 0; i < args.length; i++) {
    const { word } = args[i] as Arg;
    if (word.value !== null) continue;
    const previous = args[i - 1]?.word.value ?? null;
    const isValue = previous !== null && previous.startsWith('-') && !previous.includes('=') && !RESTART_SWITCHES.has(previous);
    if (isValue) continue;
    if (word.raw === '"$@"') continue; // the script's own arguments: passed through, not written here
    if (/^[0-9]*[<>]/.test(word.raw)) continue; // a redirection
    throw refuse(label, lineOf(text, word.start), `${word.raw} stands where a flag should be, and what it expands to is not in the file`);
  }
  return { kind, command, binary, args, array, variables, line };
}

function refuse(label: string, line: number, why: string): UserError {
  return new UserError(`${label} line ${line}: snapplan cannot follow how the validator command is built: ${why}.`, {
    hint: 'Write the restart flags by hand, or spell the flags out in the command and run restart-flags again.',
  });
}

/** Index of the validator binary among the command's words, or -1. */
function binaryIndex(command: SimpleCommand, variables: ReadonlyMap<string, string>): number {
  for (let i = 0; i < command.words.length; i++) {
    const word = command.words[i] as Word;
    const value = word.value ?? resolveSimple(word.raw, variables);
    if (value === null) continue;
    const name = path.basename(value.replace(/^[-@:+!]+/, ''));
    if (VALIDATOR_BINARIES.has(name)) {
      const rest = command.words.slice(i + 1);
      if (rest.some((w) => w.value !== null && VALIDATOR_SUBCOMMANDS.has(w.value))) return -1;
      return i;
    }
  }
  return -1;
}

/** `$BIN/agave-validator`, `"${BIN}"`: substitutes literal assignments made in the file. */
function resolveSimple(raw: string, variables: ReadonlyMap<string, string>): string | null {
  const unquoted = raw.replace(/^"(.*)"$/s, '$1');
  if (/["'`\\]|\$\(/.test(unquoted)) return null;
  let unknown = false;
  const value = unquoted.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a: string | undefined, b: string | undefined) => {
    const v = variables.get((a ?? b) as string);
    if (v === undefined) {
      unknown = true;
      return '';
    }
    return v;
  });
  // An unknown variable in front of /agave-validator still names the binary.
  if (unknown && !/\/(agave|solana)-validator$/.test(value)) return null;
  return value;
}

/** Non-empty `ExecStart=` values; an empty one resets the list (drop-ins), as systemd does. */
function execStartCommands(text: string): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  const pattern = /^[ \t]*ExecStart[ \t]*=[ \t]*/gm;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const start = m.index + m[0].length;
    const command = readExecStartValue(text, start);
    if (command.words.length === 0) {
      out.length = 0;
      continue;
    }
    // `a ; b` runs two commands: split at the `;` words.
    let current: Word[] = [];
    const parts: Word[][] = [];
    for (const word of command.words) {
      if (word.raw === ';') {
        parts.push(current);
        current = [];
      } else current.push(word);
    }
    parts.push(current);
    for (const words of parts) if (words.length > 0) out.push({ ...command, words });
  }
  return out;
}

/** The uses of one flag among the arguments: `--flag value`, `--flag=value`. */
export function flagUses(cmd: ValidatorCommand, name: string): FlagUse[] {
  const uses: FlagUse[] = [];
  const takesValue = RESTART_VALUE_FLAGS.has(name);
  for (let i = 0; i < cmd.args.length; i++) {
    const arg = cmd.args[i] as Arg;
    const v = arg.word.value;
    if (v === null) continue;
    if (v === name) {
      if (takesValue) {
        const next = cmd.args[i + 1];
        if (next !== undefined && next.inArray === arg.inArray) {
          uses.push({ name, words: [arg, next], valueArg: next, inline: false, value: valueOf(next.word, cmd.variables), inArray: arg.inArray });
          i++;
          continue;
        }
      }
      uses.push({ name, words: [arg], valueArg: null, inline: false, value: null, inArray: arg.inArray });
    } else if (v.startsWith(`${name}=`)) {
      uses.push({ name, words: [arg], valueArg: arg, inline: true, value: v.slice(name.length + 1), inArray: arg.inArray });
    }
  }
  return uses;
}

function valueOf(word: Word, variables: ReadonlyMap<string, string>): string | null {
  return word.value ?? resolveSimple(word.raw, variables);
}

/** The value of a flag such as --log or --ledger, when the file spells it out (literally or through a simple variable). */
export function flagValue(cmd: ValidatorCommand, names: readonly string[]): string | null {
  for (let i = 0; i < cmd.args.length; i++) {
    const arg = cmd.args[i] as Arg;
    const v = arg.word.value;
    if (v === null) continue;
    for (const name of names) {
      if (v === name) {
        const next = cmd.args[i + 1];
        return next ? valueOf(next.word, cmd.variables) : null;
      }
      if (v.startsWith(`${name}=`)) return v.slice(name.length + 1);
    }
  }
  return null;
}

/** Every argument that is not a restart flag (nor its value), as written: a patch must leave these alone. */
export function otherArgs(cmd: ValidatorCommand): string[] {
  const restart = new Set<Arg>();
  for (const name of [...RESTART_VALUE_FLAGS, ...RESTART_SWITCHES]) for (const use of flagUses(cmd, name)) for (const w of use.words) restart.add(w);
  return cmd.args.filter((a) => !restart.has(a)).map((a) => a.word.raw);
}
