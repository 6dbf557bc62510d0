import { BugError } from '../../core/errors.js';
import { shellQuote } from '../../core/shell-quote.js';
import type { Slot } from '../../core/slot.js';
import { flagUses, locateValidatorCommand, otherArgs, type Arg, type FlagUse, type ValidatorCommand } from './start-file.js';

/** What the validator's restart boot must be started with (restart-cluster procedure, agave#192). */
export interface RestartValues {
  readonly restartSlot: Slot;
  readonly expectedBankHash: string;
  readonly expectedShredVersion: number;
  /** Hard forks the announcement gives the validator itself; empty unless announced (F18). */
  readonly validatorHardForks: readonly Slot[];
}

export interface FlagChange {
  readonly flag: string;
  readonly action: 'add' | 'replace' | 'remove' | 'keep';
  readonly from: string | null;
  readonly to: string | null;
}

export interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface PatchPlan {
  readonly edits: readonly Edit[];
  readonly changes: readonly FlagChange[];
  readonly patched: string;
}

const SINGLE_FLAGS = ['--wait-for-supermajority', '--expected-bank-hash', '--expected-shred-version'] as const;

/**
 * The edits that give the validator command exactly the restart flags: the announced values
 * added, stale ones replaced, duplicates and unannounced `--hard-fork`s removed. Every other byte
 * stays; the result is parsed again and checked before it is offered.
 */
export function planPatch(text: string, cmd: ValidatorCommand, values: RestartValues, file: string): PatchPlan {
  const edits: Edit[] = [];
  const changes: FlagChange[] = [];
  const additions: string[][] = [];
  const wanted: Record<(typeof SINGLE_FLAGS)[number], string> = {
    '--wait-for-supermajority': String(values.restartSlot),
    '--expected-bank-hash': values.expectedBankHash,
    '--expected-shred-version': String(values.expectedShredVersion),
  };
  for (const flag of SINGLE_FLAGS) {
    const uses = flagUses(cmd, flag);
    const want = wanted[flag];
    const [first, ...rest] = uses;
    if (first === undefined || first.valueArg === null) {
      if (first !== undefined) edits.push(removal(text, first.words));
      additions.push([flag, want]);
      changes.push({ flag, action: 'add', from: null, to: want });
    } else if (first.value === want) {
      changes.push({ flag, action: 'keep', from: want, to: want });
    } else {
      edits.push(replaceValue(first, want));
      changes.push({ flag, action: 'replace', from: first.value ?? first.valueArg.word.raw, to: want });
    }
    for (const extra of rest) {
      edits.push(removal(text, extra.words));
      changes.push({ flag, action: 'remove', from: extra.value ?? extra.valueArg?.word.raw ?? null, to: null });
    }
  }
  const forks = new Set(values.validatorHardForks.map(String));
  const kept = new Set<string>();
  for (const use of flagUses(cmd, '--hard-fork')) {
    const value = use.value;
    if (value !== null && forks.has(value) && !kept.has(value)) {
      kept.add(value);
      changes.push({ flag: '--hard-fork', action: 'keep', from: value, to: value });
    } else {
      edits.push(removal(text, use.words));
      changes.push({ flag: '--hard-fork', action: 'remove', from: value ?? use.valueArg?.word.raw ?? null, to: null });
    }
  }
  for (const fork of forks) {
    if (kept.has(fork)) continue;
    additions.push(['--hard-fork', fork]);
    changes.push({ flag: '--hard-fork', action: 'add', from: null, to: fork });
  }
  const switches = flagUses(cmd, '--no-snapshot-fetch');
  if (switches.length === 0) {
    additions.push(['--no-snapshot-fetch']);
    changes.push({ flag: '--no-snapshot-fetch', action: 'add', from: null, to: '' });
  } else {
    changes.push({ flag: '--no-snapshot-fetch', action: 'keep', from: '', to: '' });
    for (const extra of switches.slice(1)) {
      edits.push(removal(text, extra.words));
      changes.push({ flag: '--no-snapshot-fetch', action: 'remove', from: '', to: null });
    }
  }
  if (additions.length > 0) edits.push(insertion(text, cmd, additions, edits));
  const patched = applyEdits(text, edits);
  verify(text, patched, cmd, values, file);
  return { edits, changes, patched };
}

export function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    if (edit.start < at) throw new BugError(`restart-flags: two edits overlap at offset ${edit.start}.`);
    out += text.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + text.slice(at);
}

function replaceValue(use: FlagUse, value: string): Edit {
  const word = (use.valueArg as Arg).word;
  return { start: word.start, end: word.end, text: use.inline ? `${use.name}=${shellQuote(value)}` : shellQuote(value) };
}

/**
 * Removes a flag (and its value). When they fill their line(s), the whole line goes, and if that
 * was the command's last line, the previous line's continuation backslash goes with it.
 */
function removal(text: string, words: readonly Arg[]): Edit {
  const a = (words[0] as Arg).word.start;
  const b = (words.at(-1) as Arg).word.end;
  const lineStart = text.lastIndexOf('\n', a - 1) + 1;
  let lineEnd = text.indexOf('\n', b);
  if (lineEnd < 0) lineEnd = text.length;
  const before = text.slice(lineStart, a);
  const after = text.slice(b, lineEnd);
  if (/^[ \t]*$/.test(before) && /^[ \t]*\\?[ \t]*$/.test(after)) {
    if (after.includes('\\') || (words[0] as Arg).inArray) return { start: lineStart, end: Math.min(lineEnd + 1, text.length), text: '' };
    // The command's last line: drop the ` \` that continued the previous line onto it.
    const previous = /[ \t]*\\\n[ \t]*(?:[#;][^\n]*\n[ \t]*)*$/.exec(text.slice(0, a));
    if (previous) return { start: previous.index, end: b + after.length, text: '' };
    return { start: lineStart, end: Math.min(lineEnd + 1, text.length), text: '' };
  }
  const trailing = /^[ \t]+/.exec(text.slice(b, lineEnd));
  if (trailing) return { start: a, end: b + trailing[0].length, text: '' };
  const leading = /[ \t]+$/.exec(before);
  return { start: leading ? a - leading[0].length : a, end: b, text: '' };
}

/** New flags go after the last argument, in the command's own layout (one per line when it is continued). */
function insertion(text: string, cmd: ValidatorCommand, additions: readonly string[][], edits: readonly Edit[]): Edit {
  const removed = (arg: Arg) => edits.some((e) => e.text === '' && e.start <= arg.word.start && arg.word.end <= e.end);
  const pieces = additions.map((pair) => pair.map(shellQuote).join(' '));
  if (cmd.array !== null) {
    const words = cmd.array.words.filter((w) => !w.ignorable && !removed({ word: w, inArray: true }));
    const last = words.at(-1);
    const closeLine = text.lastIndexOf('\n', cmd.array.close - 1);
    if (last !== undefined && closeLine > last.end) {
      // A multi-line array: one flag per line, at the end of the last element's line.
      let lineEnd = text.indexOf('\n', last.end);
      if (lineEnd < 0) lineEnd = text.length;
      const indent = indentOf(text, last.start) ?? '  ';
      return { start: lineEnd, end: lineEnd, text: pieces.map((p) => `\n${indent}${p}`).join('') };
    }
    const at = last?.end ?? cmd.array.close;
    return { start: at, end: at, text: pieces.map((p) => (last ? ` ${p}` : `${p} `)).join('') };
  }
  const remaining = cmd.args.filter((a) => !a.inArray && !removed(a)).map((a) => a.word);
  const last = remaining.at(-1) ?? cmd.binary;
  if (cmd.command.continued) {
    const indent = indentOf(text, last.start) ?? continuationIndent(text, cmd) ?? '    ';
    return { start: last.end, end: last.end, text: pieces.map((p) => ` \\\n${indent}${p}`).join('') };
  }
  return { start: last.end, end: last.end, text: pieces.map((p) => ` ${p}`).join('') };
}

/** The whitespace before a word when it is the first thing on its line. */
function indentOf(text: string, offset: number): string | null {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  return /^[ \t]*$/.test(before) ? before : null;
}

function continuationIndent(text: string, cmd: ValidatorCommand): string | null {
  for (const arg of cmd.args) {
    const indent = indentOf(text, arg.word.start);
    if (indent !== null) return indent;
  }
  return null;
}

/** The patched file must hold the same command with exactly the wanted restart flags and every other argument unchanged. */
function verify(original: string, patched: string, cmd: ValidatorCommand, values: RestartValues, file: string): void {
  const again = locateValidatorCommand(patched, cmd.kind, file);
  const before = otherArgs(cmd);
  const after = otherArgs(again);
  const same = before.length === after.length && before.every((w, i) => w === after[i]);
  const got = restartFlagValues(again);
  const want = {
    wfsm: [String(values.restartSlot)],
    hash: [values.expectedBankHash],
    shred: [String(values.expectedShredVersion)],
    forks: [...new Set(values.validatorHardForks.map(String))].sort(),
    noFetch: 1,
  };
  if (!same || JSON.stringify(got) !== JSON.stringify(want)) {
    throw new BugError(`restart-flags: the patched ${file} did not read back as planned (${JSON.stringify(got)}).`);
  }
  if (original === patched && JSON.stringify(restartFlagValues(cmd)) !== JSON.stringify(want)) {
    throw new BugError(`restart-flags: nothing changed in ${file} although its restart flags differ.`);
  }
}

export function restartFlagValues(cmd: ValidatorCommand): { wfsm: string[]; hash: string[]; shred: string[]; forks: string[]; noFetch: number } {
  const values = (name: string) => flagUses(cmd, name).map((u) => u.value ?? u.valueArg?.word.raw ?? '');
  return {
    wfsm: values('--wait-for-supermajority'),
    hash: values('--expected-bank-hash'),
    shred: values('--expected-shred-version'),
    forks: values('--hard-fork').sort(),
    noFetch: flagUses(cmd, '--no-snapshot-fetch').length,
  };
}
