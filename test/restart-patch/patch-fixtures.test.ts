import { chmod, chown, copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { restartFlagValues } from '../../src/agave/restart-patch/patch-plan.js';
import { detectKind, locateValidatorCommand, otherArgs } from '../../src/agave/restart-patch/start-file.js';
import { runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/start-scripts');
const R = '289624982';
const HASH = 'EXknCC4rNBR5SyBVrUgUB3FaoGbujPMoraEjG7C49Bdk';
const SHRED = '4084';
const VALUES = ['--restart-slot', R, '--expected-bank-hash', HASH, '--expected-shred-version', SHRED];

/** A stand-in agave-validator that prints its arguments, to run a patched bash script for real. */
async function argvPrinter(dir: string): Promise<string> {
  const bin = path.join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  for (const name of ['agave-validator', 'solana-validator', 'solana-keygen', 'taskset']) {
    const body =
      name === 'taskset'
        ? '#!/bin/sh\nshift 2\nexec "$@"\n'
        : name === 'solana-keygen'
          ? '#!/bin/sh\necho 9QxCLckBiJc783jnMvXZubK4wH86Eqqvashtrwvcsgkv\n'
          : `#!/usr/bin/env node\nprocess.stdout.write(JSON.stringify(['${name}', ...process.argv.slice(2)]) + '\\n');\n`;
    await writeFile(path.join(bin, name), body, { mode: 0o755 });
  }
  return bin;
}

async function runScript(file: string, bin: string): Promise<string[][]> {
  const result = await execa('bash', [file], { env: { PATH: `${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: '/home/sol' }, extendEnv: false, reject: false });
  return result.stdout.split('\n').filter((l) => l.startsWith('[')).map((l) => JSON.parse(l) as string[]);
}

/** The arguments of the validator run with the restart flags (and their values) taken out. */
function withoutRestartFlags(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (['--wait-for-supermajority', '--expected-bank-hash', '--expected-shred-version', '--hard-fork'].includes(a)) {
      i++;
      continue;
    }
    if (/^--(wait-for-supermajority|expected-bank-hash|expected-shred-version|hard-fork)=/.test(a) || a === '--no-snapshot-fetch') continue;
    out.push(a);
  }
  return out;
}

const SHAPES: { file: string; runnable: boolean; expect?: (patched: string, original: string) => void }[] = [
  { file: 'plain-continuations.sh', runnable: true },
  { file: 'exec-variables.sh', runnable: false },
  { file: 'flags-with-equals.sh', runnable: true, expect: (p) => expect(p).toContain(`--expected-shred-version=${SHRED}`) },
  { file: 'backtick-comments.sh', runnable: true, expect: (p) => expect(p).toContain('# keep about 50M shreds') },
  {
    file: 'stale-restart-flags.sh',
    runnable: true,
    expect: (p) => {
      expect(p).not.toContain('269194389');
      expect(p).not.toMatch(/--hard-fork \d/);
      expect(p.match(/--no-snapshot-fetch/g)).toHaveLength(1);
    },
  },
  { file: 'array-args.sh', runnable: true, expect: (p) => expect(p).toMatch(/--dynamic-port-range 8000-8020 {3}# firewall opens these\n {2}--wait-for-supermajority/) },
  { file: 'single-line.sh', runnable: true, expect: (p) => expect(p.split('\n')).toHaveLength(3) },
  { file: 'taskset-solana-validator.sh', runnable: true, expect: (p) => expect(p).toMatch(/--no-port-check \\\n {4}"\$@" \\\n {4}--wait-for-supermajority/) },
  { file: 'exit-then-start.sh', runnable: false, expect: (p) => expect(p).toContain('exit --force --max-delinquent-stake 5 || true\n') },
  { file: 'no-trailing-newline.sh', runnable: true, expect: (p) => expect(p.endsWith('--no-snapshot-fetch')).toBe(true) },
  { file: 'sol.service', runnable: false, expect: (p) => expect(p).toContain('# RPC is private\n') },
  { file: 'override.conf', runnable: false, expect: (p) => expect(p).not.toContain('--hard-fork') },
  { file: 'one-line.service', runnable: false, expect: (p) => expect(p).toContain('ExecStop=/opt/agave/bin/agave-validator --ledger /data/ledger exit --force\n') },
];

describe('restart-flags --patch / --revert on start scripts and units', () => {
  it.each(SHAPES)('$file: patched with a diff, read back with exactly the restart flags, reverted to the exact bytes', async ({ file, runnable, expect: extra }) => {
    const dir = await tempDir();
    const target = path.join(dir, file);
    await copyFile(path.join(FIXTURES, file), target);
    const original = await readFile(target, 'utf8');
    const run = await runMain(['restart-flags', '--patch', target, ...VALUES, '--yes'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain(`--- ${target}\toriginal`);
    expect(run.stdout).toMatch(/^\+.*--wait-for-supermajority/m);
    const patched = await readFile(target, 'utf8');
    // The command reads back with the announced flags and every other argument as it was.
    const kind = detectKind(target, original);
    const before = locateValidatorCommand(original, kind, target);
    const after = locateValidatorCommand(patched, kind, target);
    expect(otherArgs(after)).toEqual(otherArgs(before));
    expect(restartFlagValues(after)).toEqual({ wfsm: [R], hash: [HASH], shred: [SHRED], forks: [], noFetch: 1 });
    // Only lines with restart flags differ (plus continuation backslashes added to the old last line).
    const removedLines = original.split('\n').filter((l) => !patched.split('\n').includes(l));
    for (const line of removedLines) expect(line).toMatch(/--(wait-for-supermajority|expected-bank-hash|expected-shred-version|hard-fork|no-snapshot-fetch)|\S$/);
    extra?.(patched, original);
    if (kind === 'bash') {
      expect((await execa('bash', ['-n', target], { reject: false })).exitCode).toBe(0);
    }
    if (runnable) {
      const bin = await argvPrinter(dir);
      const originalFile = path.join(dir, 'original.sh');
      await writeFile(originalFile, original);
      const [argvBefore, argvAfter] = [await runScript(originalFile, bin), await runScript(target, bin)];
      expect(argvAfter.length).toBeGreaterThan(0);
      expect(argvAfter.map(withoutRestartFlags)).toEqual(argvBefore.map(withoutRestartFlags));
      const validatorArgv = argvAfter.at(-1) as string[];
      expect(validatorArgv.join(' ')).toContain(`--wait-for-supermajority ${R}`);
      expect(validatorArgv.join(' ')).toMatch(new RegExp(`--expected-shred-version[ =]${SHRED}`));
    }
    const backups = (await readdir(dir)).filter((n) => n.startsWith(`${file}.snapplan-2`));
    expect(backups).toHaveLength(1);
    expect(await readFile(path.join(dir, backups[0] as string), 'utf8')).toBe(original);

    const back = await runMain(['restart-flags', '--revert', target, '--yes'], { cwd: dir });
    expect(back.exitCode, back.stderr).toBe(0);
    expect(back.stdout).toContain('Restored');
    expect(await readFile(target)).toEqual(Buffer.from(original));
    expect((await readdir(dir)).filter((n) => n.endsWith('.snapplan-restart.json'))).toEqual([]);
  });

  it.each([
    ['two-commands.sh', /starts the validator in two places \(lines 4 and 6\)/],
    ['runs-a-script.service', /no command that starts agave-validator[\s\S]*ExecStart= runs \/home\/sol\/bin\/validator\.sh/],
    ['flags-in-a-variable.sh', /line 4: .*\$EXTRA_FLAGS stands where a flag should be/],
    ['array-appended.sh', /the array ARGS is built in several steps/],
    ['command-substitution.sh', /\$\(cat \/etc\/solana\/restart-flags\) stands where a flag should be/],
  ])('refuses %s with the reason, exit 2, and changes nothing', async (file, reason) => {
    const dir = await tempDir();
    const target = path.join(dir, file);
    await copyFile(path.join(FIXTURES, 'refused', file), target);
    const run = await runMain(['restart-flags', '--patch', target, ...VALUES, '--yes'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(reason);
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(await readdir(dir)).toEqual([file]);
  });

  it('keeps mode and owner, and the original copy has them too', async () => {
    const dir = await tempDir();
    const target = path.join(dir, 'validator.sh');
    await copyFile(path.join(FIXTURES, 'plain-continuations.sh'), target);
    await chmod(target, 0o750);
    // As root the owner is set to someone else, which the rewrite must keep; otherwise it stays ours.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) await chown(target, 4242, 4343);
    const owner = asRoot ? [4242, 4343] : [(await stat(target)).uid, (await stat(target)).gid];
    const run = await runMain(['restart-flags', '--patch', target, ...VALUES, '--yes'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    for (const file of [target, ...(await readdir(dir)).filter((n) => /\.snapplan-\d/.test(n)).map((n) => path.join(dir, n))]) {
      const s = await stat(file);
      expect([s.mode & 0o7777, s.uid, s.gid]).toEqual([0o750, ...owner]);
    }
  });
});
