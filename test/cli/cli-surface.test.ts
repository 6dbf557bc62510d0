import { copyFile, mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { colorLevel } from '../../src/cli/context.js';
import type { CommandDefinition } from '../../src/cli/define-command.js';
import { commands } from '../../src/cli/registry.js';
import { readBuildCommit, versionText } from '../../src/cli/version.js';
import { restartLedger, X } from '../support/restart-ledger.js';
import { BIN, runBin, runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const ANSI = new RegExp(String.fromCharCode(27) + '\\[');
const ROOT = path.resolve(import.meta.dirname, '../..');

describe('subcommands', () => {
  it.each([
    ['k8s', ['snapshot', 'restore', 'undo']],
    ['devicedb', ['snapshot', 'restore']],
  ])('%s alone lists its subcommands (exit 2), not yargs\' "Not enough non-option arguments"', async (group, subcommands) => {
    const r = await runBin([group], { cwd: await tempDir() });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`snapplan: name what ${group} should do: ${subcommands.join(', ')}.`);
    for (const sub of subcommands) expect(r.stderr).toMatch(new RegExp(`snapplan ${group} ${sub} +\\S`));
    expect(r.stderr).not.toContain('Not enough non-option arguments');
    expect(r.stdout).toBe('');
  });

  it('gives each subcommand its own options', async () => {
    const cwd = await tempDir();
    const snapshot = await runMain(['k8s', 'snapshot', '--help'], { cwd });
    expect(snapshot.stdout).toContain('--ready-timeout');
    expect(snapshot.stdout).not.toContain('--from-snapshots');
    // An option of another subcommand is unknown here, and --statefulset is required.
    const wrong = await runMain(['k8s', 'snapshot', '--statefulset', 'web', '--from-snapshots', 's1'], { cwd });
    expect([wrong.exitCode, wrong.stderr.split('\n')[0]]).toEqual([2, 'snapplan: Unknown argument: from-snapshots']);
    const two = await runMain(['k8s', 'snapshot', '--statefulset', 'web', '--from-snapshots', 's1', '--ebs-volume', 'v', '--bogus'], { cwd });
    expect(two.stderr.split('\n')[0]).toBe('snapplan: Unknown arguments: from-snapshots, ebs-volume, bogus');
    const missing = await runMain(['devicedb', 'restore'], { cwd });
    expect([missing.exitCode, missing.stderr.split('\n')[0]]).toEqual([2, 'snapplan: Missing required argument: manifest']);
  });
});

describe('help texts', () => {
  it('describes --ledger without repeating the flag, on every command that has it', async () => {
    const cwd = await tempDir();
    for (const command of ['plan', 'apply', 'tui', 'blockstore', 'undo', 'status']) {
      const help = await runMain([command, '--help'], { cwd });
      expect(help.stdout).toMatch(/--ledger\s+\S/);
      expect(help.stdout).not.toContain('(--ledger)');
    }
  });

  it('lists volume-snapshot\'s positionals in the order they are typed', async () => {
    const help = await runMain(['volume-snapshot', '--help'], { cwd: await tempDir() });
    expect(help.stdout.split('\n')[0]).toBe('snapplan volume-snapshot <kind> <chain>');
    const positionals = help.stdout.slice(help.stdout.indexOf('Positionals:'));
    expect(positionals.indexOf('  kind ')).toBeLessThan(positionals.indexOf('  chain '));
  });
});

describe('bad values and repeated flags (built bin)', () => {
  it('says what was given and what is expected, instead of NaN', async () => {
    const cwd = await tempDir();
    const keep = await runBin(['retention', cwd, '--keep', 'abc'], { cwd });
    expect([keep.exitCode, keep.stderr]).toEqual([2, 'snapplan: --keep "abc" is not a whole number ≥ 1.\nGive a whole number ≥ 1, e.g. --keep 1.']);
    const timeout = await runBin(['plan', '--ledger', cwd, '--slot', '5', '--ledger-tool-timeout', 'abc'], { cwd });
    expect([timeout.exitCode, timeout.stderr]).toEqual([2, 'snapplan: --ledger-tool-timeout "abc" is not a positive number of seconds.\nFor example --ledger-tool-timeout 300.']);
    const empty = await runBin(['plan', '--ledger', '', '--slot', '5'], { cwd });
    expect([empty.exitCode, empty.stderr.split('\n')[0]]).toEqual([2, 'snapplan: --ledger was given an empty path.']);
  });

  it('runs a plan with every flag given twice with the same value, and refuses two different slots', async () => {
    const { root, L, env } = await restartLedger();
    const once = await runBin(['plan', '--ledger', L, '--slot', X, '--json'], { cwd: root, env });
    const twice = await runBin(['plan', '--ledger', L, '--ledger', L, '--slot', X, '-x', X, '--bounds-from', 'native', '--bounds-from', 'native', '--backup-dir', 'q', '--backup-dir', 'q', '--json', '--json'], { cwd: root, env });
    expect(once.exitCode).toBe(0);
    expect([twice.exitCode, twice.stderr]).toEqual([0, '']);
    const verdict = (doc: { targetSlot: unknown; reachable: unknown; baseSlot: unknown; quarantine: unknown[] }) => [doc.targetSlot, doc.reachable, doc.baseSlot, doc.quarantine.length];
    expect(verdict(JSON.parse(twice.stdout))).toEqual(verdict(JSON.parse(once.stdout)));
    const conflict = await runBin(['plan', '--ledger', L, '--slot', X, '--slot', '289624983'], { cwd: root, env });
    expect([conflict.exitCode, conflict.stderr.split('\n')[0]]).toEqual([2, `snapplan: --slot was given 2 times with different values ("${X}", "289624983").`]);
  });
});

describe('paths that are not there', () => {
  it('refuses a status or undo of a ledger that does not exist (exit 2), instead of "none"', async () => {
    const cwd = await tempDir();
    const status = await runMain(['status', '--ledger', path.join(cwd, 'typo')], { cwd });
    expect([status.exitCode, status.stdout, status.stderr]).toEqual([2, '', `snapplan: --ledger ${path.join(cwd, 'typo')} does not exist.\nGive the validator's ledger folder.\n`]);
    const undo = await runMain(['undo', '--ledger', 'typo'], { cwd });
    expect([undo.exitCode, undo.stderr.split('\n')[0]]).toEqual([2, `snapplan: --ledger typo does not exist (${path.join(cwd, 'typo')}).`]);
  });

  it('adds the stack only under SNAPPLAN_DEBUG', async () => {
    const cwd = await tempDir();
    const plain = await runMain(['status', '--ledger', 'typo'], { cwd });
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = await runMain(['status', '--ledger', 'typo'], { cwd, env: { SNAPPLAN_DEBUG: '1' } });
    expect(debug.exitCode).toBe(2);
    expect(debug.stderr).toMatch(/^snapplan: --ledger typo does not exist[^\n]*\nGive the validator's ledger folder\.\nUserError: [^\n]*\n\s+at /);
  });

  it('refuses undo --journal of something that is not a journal, in one sentence with a hint', async () => {
    const cwd = await tempDir();
    await writeFile(path.join(cwd, 'notes.txt'), '{}\n');
    for (const [journal, sentence] of [
      ['notes.txt', 'snapplan: --journal notes.txt is not a quarantine journal (journal.jsonl).'],
      ['notes.txt/x', 'snapplan: --journal notes.txt/x does not exist.'],
      ['.', 'snapplan: --journal . is a folder without a journal.jsonl: not a quarantine.'],
    ]) {
      const r = await runMain(['undo', '--journal', journal ?? ''], { cwd });
      expect([r.exitCode, r.stderr]).toEqual([2, `${sentence}\nName a quarantine's journal.jsonl or its folder (snapplan-<time>-slot-<X>); snapplan status --ledger L lists them.\n`]);
    }
  });
});

describe('a bug in snapplan', () => {
  it('is reported with the versions and a prefilled report, the stack inside it, exit 1', async () => {
    const plan = commands.find((c) => c.name === 'plan') as CommandDefinition;
    const real = plan.handler;
    const cwd = await tempDir();
    // A handler that crashes the way a repeated --slot once did (an array where text was expected).
    (plan as { handler: unknown }).handler = async () => async (args: { slot: unknown }) => ([args.slot] as unknown as string).trim();
    try {
      const r = await runMain(['plan', '--ledger', cwd, '--slot', '5'], { cwd });
      expect(r.exitCode).toBe(1);
      const lines = r.stderr.split('\n');
      expect(lines[0]).toMatch(/^snapplan: unexpected error: .*is not a function$/);
      expect(r.stderr).toContain('This is a bug in snapplan.');
      expect(r.stderr).toContain('Unexpected error during snapplan plan');
      expect(r.stderr).toMatch(/- snapplan \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}(-dirty)?|unknown)\)\n- Node\.js v\d+/);
      expect(r.stderr).toMatch(/```\nTypeError: [^\n]*\n\s+at /);
    } finally {
      (plan as { handler: unknown }).handler = real;
    }
  });
});

describe('colour', () => {
  it.each([
    [{}, true, 1],
    [{}, false, 0],
    [{ NO_COLOR: '1' }, true, 0],
    [{ NO_COLOR: '' }, true, 1],
    [{ FORCE_COLOR: '1' }, false, 1],
    [{ FORCE_COLOR: '0' }, true, 0],
    [{ NO_COLOR: '1', FORCE_COLOR: '1' }, true, 0],
    [{ NO_COLOR: '1', FORCE_COLOR: '3' }, false, 0],
    [{ TERM: 'dumb' }, true, 0],
  ] as const)('env %j, terminal %s → level %i', (env, stdoutIsTTY, level) => {
    expect(colorLevel({ env, stdoutIsTTY })).toBe(level);
  });

  it('prints no colour under NO_COLOR even when FORCE_COLOR is set (built bin)', async () => {
    const { root, L, env } = await restartLedger();
    const forced = await runBin(['plan', '--ledger', L, '--slot', X], { cwd: root, env: { ...env, FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(ANSI); // the probe works
    const both = await runBin(['plan', '--ledger', L, '--slot', X], { cwd: root, env: { ...env, FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(both.exitCode).toBe(0);
    expect(both.stdout).not.toMatch(ANSI);
  });
});

describe('--version', () => {
  it('prints the version, the commit and Node\'s version', () => {
    expect(versionText({ version: '1.2.3', commit: 'abcdef012345', node: 'v24.1.0', platform: 'linux arm64' })).toBe('snapplan 1.2.3 (commit abcdef012345)\nNode.js v24.1.0 on linux arm64');
  });

  it('takes the commit from git at build time, and says "unknown" outside a git checkout or without the file', async () => {
    const git = async (cwd: string, ...args: string[]) => (await execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd })).stdout;
    const make = async () => {
      const dir = await tempDir();
      await mkdir(path.join(dir, 'scripts'));
      await copyFile(path.join(ROOT, 'scripts/build-info.mjs'), path.join(dir, 'scripts/build-info.mjs'));
      return dir;
    };
    const tarball = await make();
    expect(readBuildCommit(tarball)).toBe('unknown'); // no dist/build-info.json at all
    await execa(process.execPath, ['scripts/build-info.mjs'], { cwd: tarball });
    expect(JSON.parse(await readFile(path.join(tarball, 'dist/build-info.json'), 'utf8'))).toEqual({ commit: 'unknown' });
    expect(readBuildCommit(tarball)).toBe('unknown');

    const checkout = await make();
    await git(checkout, 'init', '-q');
    await git(checkout, 'add', 'scripts');
    await git(checkout, 'commit', '-qm', 'x');
    await execa(process.execPath, ['scripts/build-info.mjs'], { cwd: checkout });
    expect(readBuildCommit(checkout)).toBe((await git(checkout, 'rev-parse', 'HEAD')).slice(0, 12));
    await writeFile(path.join(checkout, 'scripts/build-info.mjs'), '// changed\n', { flag: 'a' });
    await execa(process.execPath, ['scripts/build-info.mjs'], { cwd: checkout });
    expect(readBuildCommit(checkout)).toMatch(/^[0-9a-f]{12}-dirty$/);
  });
});

describe('snapplan completion', () => {
  it('prints a bash script that completes commands, subcommands and options by asking snapplan', async () => {
    const cwd = await tempDir();
    // `snapplan` on PATH, as after npm link: the script calls it by name.
    const bin = path.join(cwd, 'bin');
    await mkdir(bin);
    await writeFile(path.join(bin, 'snapplan'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
    await chmod(path.join(bin, 'snapplan'), 0o755);
    const env = { PATH: `${bin}:/usr/bin:/bin`, SHELL: '/bin/bash' };
    const script = await runBin(['completion'], { cwd, env });
    expect(script.exitCode).toBe(0);
    expect(script.stdout).toContain('complete -o bashdefault -o default -F _snapplan_yargs_completions snapplan');
    await writeFile(path.join(cwd, 'completion.bash'), script.stdout);
    const complete = async (...words: string[]) => {
      const r = await execa('bash', ['-c', `source completion.bash; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _snapplan_yargs_completions; printf '%s\\n' "\${COMPREPLY[@]}"`], { cwd, env, extendEnv: false });
      return r.stdout.split('\n').filter(Boolean);
    };
    expect(await complete('snapplan', 'pl')).toEqual(['plan']);
    expect(await complete('snapplan', 'k8s', '')).toEqual(['snapshot', 'restore', 'undo']);
    expect(await complete('snapplan', 'plan', '--ledger-tool-t')).toEqual(['--ledger-tool-timeout']);
    expect(await complete('snapplan', 'backup', '')).toEqual(expect.arrayContaining(['stacks', 'loom', 'generic']));
  });

  it('prints the zsh script when $SHELL is zsh', async () => {
    const r = await runBin(['completion'], { cwd: await tempDir(), env: { SHELL: '/usr/bin/zsh' } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('compdef _snapplan_yargs_completions snapplan');
  });
});
