import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CREATE_SNAPSHOT_HINTS } from '../../src/agave/apply/apply-service.js';
import { BOUNDS_HINTS, hintFor, type HintContext } from '../../src/agave/ledger-tool/ledger-tool.js';
import { commands } from '../../src/cli/registry.js';

/**
 * Issue 11 item 11: every flag a hint names must be one the command that prints it accepts
 * (a hint that sends the operator to a flag the command then rejects is worse than none).
 * Flags after `snapplan <other command>` in a hint are checked against that command instead.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The flags a command (`undo`, or `k8s undo` in a group) accepts, from its option data in src/cli/registry.ts. */
function accepted(words: string): Set<string> {
  const [name, sub] = words.split(' ');
  const entry = commands.find((c) => c.name === name);
  const definition = entry?.kind === 'group' ? entry.subcommands.find((c) => c.name === sub) : entry;
  if (!definition) throw new Error(`no command ${words} in the registry`);
  const names = Object.entries(definition.options).flatMap(([key, spec]) => (spec.alias === undefined ? [key] : [key, spec.alias]));
  // --help and --version are yargs' own, on every command.
  return new Set([...names, 'help', 'version'].map((n) => (n.length === 1 ? `-${n}` : `--${n}`)));
}

/** Which commands print the hints of each source file (the apply / plan / undo / status paths). */
const PRINTED_BY: Record<string, readonly string[]> = {
  'src/agave/apply/apply-service.ts': ['apply'],
  'src/agave/apply/preflight.ts': ['apply'],
  'src/agave/apply/announced-values.ts': ['apply'],
  'src/agave/apply/undo-service.ts': ['undo'],
  'src/agave/plan-service.ts': ['plan', 'apply', 'tui'],
  'src/agave/planner.ts': ['plan', 'apply', 'tui'],
  'src/agave/validator-process.ts': ['apply'],
  'src/agave/ledger-tool/ledger-tool.ts': ['plan', 'apply', 'tui', 'blockstore'],
  'src/agave/ledger-tool/locate.ts': ['plan', 'apply', 'tui', 'blockstore'],
  'src/ops/lock.ts': ['apply', 'undo', 'prune'],
  'src/ops/undo.ts': ['undo'],
  'src/ops/quarantine.ts': ['apply', 'undo'],
  'src/ops/copy.ts': ['apply', 'undo'],
  'src/ops/journal.ts': ['apply', 'undo', 'status'],
  'src/ops/preserve-copies.ts': ['apply', 'undo'],
  'src/ops/prune.ts': ['prune'],
  'src/cli/commands/apply-handler.ts': ['apply'],
  'src/cli/commands/undo-handler.ts': ['undo'],
  'src/cli/commands/status-handler.ts': ['status'],
  'src/cli/commands/prune-handler.ts': ['prune'],
  'src/cli/commands/plan-handler.ts': ['plan'],
  'src/cli/commands/tui-handler.ts': ['tui'],
};

/** Functions whose whole return text is a hint (next steps), besides `hint:` and `remedy:` properties. */
const HINT_FUNCTIONS = new Set(['whereNext', 'nextStep']);

/** The literal text of every hint in a file; `${…}` parts become a placeholder word. */
function hintTexts(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const texts: string[] = [];
  const literal = (node: ts.Node): string | null => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => `VALUE${s.literal.text}`)].join('');
    return null;
  };
  const collect = (node: ts.Node): void => {
    const text = literal(node);
    if (text !== null) texts.push(text);
    ts.forEachChild(node, collect);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && (node.name.text === 'hint' || node.name.text === 'remedy')) collect(node.initializer);
    else if ((ts.isFunctionDeclaration(node) || ts.isVariableDeclaration(node)) && node.name && ts.isIdentifier(node.name) && HINT_FUNCTIONS.has(node.name.text)) collect(node);
    else ts.forEachChild(node, visit);
  };
  visit(source);
  return texts;
}

/**
 * Flags of agave-validator that remedies tell the operator to start the validator with
 * (agave validator/src/cli.rs: `halt-at-slot`, `use-snapshot-archives-at-startup`): not snapplan's.
 */
const AGAVE_VALIDATOR_FLAGS = new Set(['--halt-at-slot', '--use-snapshot-archives-at-startup']);

/** [command, flag] pairs a hint names: flags after `snapplan <cmd>` belong to that command. */
function namedFlags(text: string, printers: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let rest = text;
  // `snapplan --plan …` is the design-card form of `snapplan plan …`.
  for (const match of text.matchAll(/snapplan (--plan|[a-z][a-z0-9-]*)([^.;()]*)/g)) {
    let command = match[1] === '--plan' ? 'plan' : match[1]!;
    let tail = match[2]!;
    // A command group (`snapplan k8s undo …`): the next word is its subcommand.
    const group = commands.find((c) => c.name === command && c.kind === 'group');
    const sub = group ? /^ ([a-z][a-z0-9-]*)/.exec(tail) : null;
    if (sub) {
      command = `${command} ${sub[1]}`;
      tail = tail.slice(sub[0].length);
    }
    for (const flag of tail.match(/(?<![\w-])--?[a-z][a-z0-9-]*/g) ?? []) pairs.push([command, flag]);
    rest = rest.replace(match[0], ' ');
  }
  for (const flag of rest.match(/(?<![\w-])--[a-z][a-z0-9-]*/g) ?? []) {
    if (!AGAVE_VALIDATOR_FLAGS.has(flag)) for (const command of printers) pairs.push([command, flag]);
  }
  return pairs;
}

describe('every flag a hint names is accepted by the command that prints it', () => {
  it.each(Object.entries(PRINTED_BY))('%s', (file, printers) => {
    const wrong = hintTexts(file)
      .flatMap((text) => namedFlags(text, printers).map(([command, flag]) => ({ command, flag, text })))
      .filter(({ command, flag }) => !accepted(command).has(flag));
    expect(wrong).toEqual([]);
  });

  // hintFor picks its text from the tool's output at run time: try every known failure text.
  const CAPITALIZATION = 'Capitalization change: 1500 lamports\nBut `--enable-capitalization-change flag not provided';
  const OUTPUTS = [
    '',
    'Exiting. Failed to load and process ledger: failed to process blockstore from starting slot 289625000 to ending slot 289624982; the ending slot is less than the starting slot.',
    'Error: snapshot slot 289624982 does not exist in blockstore or is not full.',
    'the blockstore does not contain a replayable sequence of blocks between these slots',
    "error: Found argument '--snapshot-archive-path' which wasn't expected, or isn't valid in this context",
    'IO error: While lock file: /mnt/ledger/rocksdb/LOCK: Resource temporarily unavailable',
    'Error: No such file or directory (os error 2)',
    'thread main panicked',
  ];
  // Only create-snapshot edits state, so only it can print the capitalization failure.
  const CALLS: Array<[string, HintContext, readonly string[], readonly string[]]> = [
    ['bounds / latest-optimistic-slots', BOUNDS_HINTS, ['plan', 'apply', 'tui', 'blockstore'], OUTPUTS],
    ['create-snapshot', CREATE_SNAPSHOT_HINTS, ['apply'], [...OUTPUTS, CAPITALIZATION]],
  ];
  it.each(CALLS)('hintFor for %s', (_call, context, printers, outputs) => {
    const wrong = outputs.flatMap((output) => [true, false].map((timedOut) => hintFor(output, timedOut, context)))
      .flatMap((text) => namedFlags(text, printers).map(([command, flag]) => ({ command, flag, text })))
      .filter(({ command, flag }) => !accepted(command).has(flag));
    expect(wrong).toEqual([]);
  });

  it('the checker itself catches a wrong flag', () => {
    expect(namedFlags('Give the range with --blocks FIRST..LAST.', ['apply']).filter(([c, f]) => !accepted(c).has(f))).toEqual([['apply', '--blocks']]);
    expect(namedFlags('Run snapplan undo --journal J --include-new.', ['apply']).filter(([c, f]) => !accepted(c).has(f))).toEqual([]);
    expect(namedFlags('Raise --ledger-tool-timeout.', ['undo'])).toEqual([['undo', '--ledger-tool-timeout']]);
  });
});
