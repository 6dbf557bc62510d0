import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import { fullName, touch } from '../support/ledger-tree.js';
import { restartLedger, X } from '../support/restart-ledger.js';
import { runMain } from '../support/run-cli.js';
import { waitUntil } from './helpers.js';

/** `main()` on a pretend terminal whose keyboard the test types on. */
function terminalRun(argv: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const stdin = new PassThrough();
  const out = { stdout: '', stderr: '' };
  const ctx: CliContext = {
    cwd,
    env: { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, ...env },
    stdout: { write: (t: string) => void (out.stdout += t) },
    stderr: { write: (t: string) => void (out.stderr += t) },
    stdoutIsTTY: true,
    stdin,
    stdinIsTTY: true,
    now: () => new Date('2026-11-21T12:00:00Z'),
  };
  const exit = main(argv, ctx);
  return { out, exit, type: (text: string) => stdin.write(text) };
}

const questions = (text: string) => text.split('[y/N]').length - 1;

// Issue 11 item 7: two applies at once.
describe('two applies on one ledger', () => {
  it('the second is refused with the holder named while the first waits at its [y/N]; nothing changed, no quarantine left', async () => {
    const { root, L, env } = await restartLedger();
    const first = terminalRun(['apply', '--ledger', L, '--slot', X], root, env);
    await waitUntil('the first apply asks', () => questions(first.out.stderr) === 1);
    // The confirmation lists each item with its size, as the app does.
    expect(first.out.stderr).toMatch(/Move 3 items \([0-9.]+ (?:B|KiB)\) aside into \S+snapplan-quarantine\/snapplan-20261121T120000Z-slot-289624982:/);
    expect(first.out.stderr).toMatch(new RegExp(`full 289625000\\s+[0-9.]+ (?:B|KiB)  rename  ${path.join(L, fullName(289625000)).replace(/[.]/g, '\\.')}`));
    expect(first.out.stderr).toMatch(/bank 289625100\s+\d+ B {2}rename /);
    expect(first.out.stderr).toMatch(/then keep safety links to the base archive\(s\) and run:\n {2}\S+agave-ledger-tool --ledger /);

    const second = await runMain(['apply', '--ledger', L, '--slot', X, '--yes'], { cwd: root, env });
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toContain(`snapplan: Another snapplan apply --slot ${X} (pid ${process.pid} on`);
    expect(second.stderr).toContain(`holds the ledger ${L}; nothing was changed.`);
    expect(existsSync(path.join(L, fullName(289625000)))).toBe(true);
    expect(existsSync(path.join(L, 'snapplan-quarantine'))).toBe(false);

    first.type('y\n');
    expect(await first.exit, first.out.stderr).toBe(0);
    expect(existsSync(path.join(L, fullName(289625000)))).toBe(false);
    expect(await readdir(path.join(L, 'snapplan-quarantine'))).toHaveLength(1);
    expect(existsSync(path.join(L, '.snapplan.lock'))).toBe(false);
  });

  it('when the folders change while it waits, it plans again and asks again with the new plan', async () => {
    const { root, L, env } = await restartLedger();
    const run = terminalRun(['apply', '--ledger', L, '--slot', X], root, env);
    await waitUntil('it asks', () => questions(run.out.stderr) === 1);
    expect(run.out.stderr).toMatch(/Move 3 items/);
    // A newer archive lands (a download, another tool) while the question is open.
    await touch(L, fullName(289625200));
    run.type('y\n');
    await waitUntil('it asks again', () => questions(run.out.stderr) === 2);
    expect(run.out.stderr).toContain('The snapshot folders changed while the question waited; this is the plan now:');
    expect(run.out.stderr).toMatch(/Move 4 items/);
    run.type('y\n');
    expect(await run.exit, run.out.stderr).toBe(0);
    expect(existsSync(path.join(L, fullName(289625200)))).toBe(false); // moved aside with the others
  });

  it('folders that keep changing under the question: after three questions it refuses, nothing changed', async () => {
    const { root, L, env } = await restartLedger();
    const run = terminalRun(['apply', '--ledger', L, '--slot', X], root, env);
    for (const [n, slot] of [[1, 289625200], [2, 289625210], [3, 289625220]] as const) {
      await waitUntil(`question ${n}`, () => questions(run.out.stderr) === n);
      await touch(L, fullName(slot));
      run.type('y\n');
    }
    expect(await run.exit).toBe(2);
    expect(run.out.stderr).toMatch(/The snapshot folders kept changing while apply waited for confirmation; nothing was changed\./);
    expect(existsSync(path.join(L, fullName(289625000)))).toBe(true);
    expect(existsSync(path.join(L, 'snapplan-quarantine'))).toBe(false);
    expect(existsSync(path.join(L, '.snapplan.lock'))).toBe(false);
  });

  it('declining changes nothing and leaves no quarantine and no lock', async () => {
    const { root, L, env } = await restartLedger();
    const run = terminalRun(['apply', '--ledger', L, '--slot', X], root, env);
    await waitUntil('it asks', () => questions(run.out.stderr) === 1);
    run.type('n\n');
    expect(await run.exit).toBe(2);
    expect(run.out.stderr).toMatch(/Nothing was changed: the operator declined/);
    expect(existsSync(path.join(L, 'snapplan-quarantine'))).toBe(false);
    expect(existsSync(path.join(L, '.snapplan.lock'))).toBe(false);
  });
});
