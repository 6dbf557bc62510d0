import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { restartLedger, X } from '../support/restart-ledger.js';
import { BIN, runMain } from '../support/run-cli.js';

describe('snapplan tui without a terminal', () => {
  it('never waits: prints the plan as plan does, with a hint, and the plan\'s exit code', async () => {
    const { root, L, env } = await restartLedger();
    const plan = await runMain(['plan', '--ledger', L, '--slot', X], { cwd: root, env });
    const tui = await runMain(['tui', '--ledger', L, '--slot', X], { cwd: root, env });
    expect(tui.exitCode).toBe(0);
    expect(tui.stdout).toBe(plan.stdout);
    expect(tui.stderr).toContain('no terminal here');
    expect(tui.stderr).toContain('--json');
    expect(tui.stderr).toContain('--yes');
    const late = await runMain(['tui', '--ledger', L, '--slot', '289625500'], { cwd: root, env });
    expect(late.exitCode).toBe(3);
  });

  it('without --slot says what to run instead, exit 2', async () => {
    const { root, L, env } = await restartLedger();
    const run = await runMain(['tui', '--ledger', L], { cwd: root, env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('snapplan tui needs a terminal');
    expect(run.stderr).toContain('snapplan --plan --ledger L --slot X');
  });

  it('treats CI as no terminal even on a TTY', async () => {
    const { root, L, env } = await restartLedger();
    const run = await runMain(['tui', '--ledger', L, '--slot', X], { cwd: root, env: { ...env, CI: '1' }, isTTY: true });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Plan for a snapshot at slot 289624982');
  });

  it('is listed in --help', async () => {
    const { root } = await restartLedger();
    const run = await runMain(['tui', '--help'], { cwd: root });
    expect(run.stdout).toContain('--ledger');
    expect(run.stdout).toContain('Without a terminal');
  });

  it('loads neither Ink nor React when there is no terminal (built bin)', async () => {
    const { root, L, env } = await restartLedger();
    const trace = path.join(root, 'loads.txt');
    await writeFile(trace, '');
    const run = await execa(process.execPath, ['--import', path.resolve(import.meta.dirname, '../../bench/trace-loads.mjs'), BIN, 'tui', '--ledger', L, '--slot', X], {
      cwd: root,
      env: { ...env, SNAPPLAN_TRACE_LOADS: trace },
      extendEnv: false,
      reject: false,
      timeout: 20_000,
    });
    expect(run.exitCode).toBe(0);
    const loaded = (await readFile(trace, 'utf8')).split('\n').filter(Boolean);
    expect(loaded.some((url) => url.endsWith('/dist/bundle/cli/commands/tui-handler.js'))).toBe(true);
    expect(loaded.filter((url) => /\/node_modules\/(ink|react|react-reconciler)\//.test(url))).toEqual([]);
  });
});
