import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, runBin, runMain } from '../support/run-cli.js';
import { restartLedger, X } from '../support/restart-ledger.js';
import { onlyQuarantine, processGone, readPid, toolWrapper, waitUntil } from './helpers.js';

/** snapplan apply as a child process, interrupted with `signal` once create-snapshot runs. */
async function interruptDuringCreate(signal: 'SIGINT' | 'SIGTERM') {
  const { root, L, env, bin } = await restartLedger({ createSeconds: 600 });
  const { script, pidFile } = await toolWrapper(bin);
  const child = execa(process.execPath, [BIN, 'apply', '--ledger', L, '--slot', X, '--yes', '--ledger-tool', script], {
    cwd: root,
    env: { ...env },
    extendEnv: false,
    reject: false,
    timeout: 60_000,
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitUntil('create-snapshot is replaying', () => /replaying blocks/.test(stderr) && existsSync(pidFile));
  const toolPid = await readPid(pidFile);
  child.kill(signal);
  const result = await child;
  return { root, L, env, result, stderr, toolPid };
}

// Issue 11 items 8 and 10: every way create-snapshot can be cut short.
describe('apply interrupted during create-snapshot', () => {
  it('SIGINT: the tool\'s whole process group ends, exit 130, the journal and status say "interrupted", the lock is gone, the next command is printed', async () => {
    const { root, L, env, result, stderr, toolPid } = await interruptDuringCreate('SIGINT');
    expect(result.exitCode, stderr).toBe(130);
    expect(stderr).toMatch(/snapplan: agave-ledger-tool create-snapshot was interrupted \(SIGINT\) after \d+ s, in its \S+.* phase; no snapshot was created\./);
    expect(stderr).toMatch(/3 moved item\(s\) and 2 safety copies are in \S+\. Next: snapplan undo --journal \S+journal\.jsonl puts the moved items back/);
    await waitUntil(`the stand-in tool (pid ${toolPid}, a grandchild behind a wrapper) ends`, () => processGone(toolPid));
    expect(existsSync(path.join(L, '.snapplan.lock'))).toBe(false);
    const status = await runMain(['status', '--ledger', L], { cwd: root, env });
    expect(status.stdout).toMatch(/slot 289624982 {2}cancelled +3\/3 held/);
    expect(status.stdout).toMatch(/create-snapshot interrupted \(log: \S+ledger-tool\.log\)/);
    expect(status.stdout).toMatch(/next: snapplan undo --journal /);
    const undo = await runMain(['undo', '--ledger', L], { cwd: root, env });
    expect(undo.exitCode, undo.stderr).toBe(0);
  });

  it('SIGTERM: the same, exit 130', async () => {
    const { result, stderr, toolPid } = await interruptDuringCreate('SIGTERM');
    expect(result.exitCode, stderr).toBe(130);
    expect(stderr).toMatch(/create-snapshot was terminated \(SIGTERM\)/);
    await waitUntil('the tool ends', () => processGone(toolPid));
  });

  it('--create-timeout stops a wrapper without exec (the grandchild holds the pipes): exit 1, the hint names --create-timeout', async () => {
    const { root, L, env, bin } = await restartLedger({ createSeconds: 600 });
    const { script, pidFile } = await toolWrapper(bin);
    const run = await runBin(['apply', '--ledger', L, '--slot', X, '--yes', '--ledger-tool', script, '--create-timeout', '1'], { cwd: root, env, timeoutMs: 30_000 });
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/create-snapshot did not finish within 1 s and was stopped/);
    expect(run.stderr).toMatch(/Raise --create-timeout \(0: no limit\)/);
    expect(run.stderr).not.toMatch(/--ledger-tool-timeout|--blocks/);
    const toolPid = await readPid(pidFile);
    await waitUntil('the tool ends', () => processGone(toolPid));
    const status = await runMain(['status', '--ledger', L], { cwd: root, env });
    expect(status.stdout).toMatch(/failed +3\/3 held/);
    expect(status.stdout).toMatch(/create-snapshot was stopped at its time limit/);
  });

  it('SIGKILL of snapplan itself mid-create-snapshot: status says crashed, create-snapshot interrupted', async () => {
    const { root, L, env, bin } = await restartLedger({ createSeconds: 600 });
    const { script, pidFile } = await toolWrapper(bin);
    const child = execa(process.execPath, [BIN, 'apply', '--ledger', L, '--slot', X, '--yes', '--ledger-tool', script], { cwd: root, env, extendEnv: false, reject: false });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitUntil('create-snapshot runs', () => /replaying blocks/.test(stderr) && existsSync(pidFile));
    const toolPid = await readPid(pidFile);
    child.kill('SIGKILL');
    await child;
    // Nothing in snapplan ran after SIGKILL: the tool (in its own group) is ours to stop here;
    // the wrapper then ends by itself.
    process.kill(toolPid, 'SIGKILL');
    await waitUntil('the tool ends', () => processGone(toolPid));
    const status = await runMain(['status', '--ledger', L], { cwd: root, env });
    expect(status.stdout).toMatch(/crashed +3\/3 held/);
    expect(status.stdout).toContain('create-snapshot interrupted (snapplan itself was killed)');
    expect(status.stdout).toMatch(/Lock: stale: pid \d+ on \S+ \(apply --slot 289624982\) is gone since /);
  });
});

describe('status and a stale lock', () => {
  it('a lock whose process is gone is shown as stale, not held', async () => {
    const { root, L, env } = await restartLedger();
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
    await writeFile(path.join(L, '.snapplan.lock'), JSON.stringify({ pid: dead, hostname: os.hostname(), startTicks: '1', bootId: null, startedAt: '2026-11-21T11:00:00.000Z', purpose: 'apply --slot 1' }));
    const status = await runMain(['status', '--ledger', L], { cwd: root, env });
    expect(status.stdout).toContain(`Lock: stale: pid ${dead} on ${os.hostname()} (apply --slot 1) is gone since 2026-11-21T11:00:00.000Z; the next snapplan run takes it over.`);
    expect(status.stdout).not.toContain('held by');
    const json = JSON.parse((await runMain(['status', '--ledger', L, '--json'], { cwd: root, env })).stdout);
    expect(json.lock).toMatchObject({ pid: dead, stale: true });
  });
});

describe('apply interrupted while it copies items aside', () => {
  it('exits 130 and the summary counts what is really held (not "0 moved")', async () => {
    const { root, L, env } = await restartLedger();
    const { main } = await import('../../src/cli/main.js');
    const controller = new AbortController();
    let stdout = '';
    let stderr = '';
    const code = await main(['apply', '--ledger', L, '--slot', X, '--yes', '--force-copy'], {
      cwd: root,
      env: { ...env },
      stdout: { write: (t: string) => void (stdout += t) },
      stderr: {
        write: (t: string) => {
          stderr += t;
          // Ctrl-C once the first item is safely in the quarantine.
          if (t.includes('[1/3] copied')) controller.abort(new Error('interrupted (SIGINT)'));
        },
      },
      stdoutIsTTY: false,
      now: () => new Date('2026-11-21T12:00:00Z'),
      signal: controller.signal,
    });
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/snapplan: Interrupted \(SIGINT\) while moving items aside; create-snapshot did not run\./);
    expect(stderr).toMatch(/1 moved item\(s\) and 0 safety copies are in \S+\. Next: snapplan undo --journal /);
    expect(stdout).toMatch(/quarantine +\S+ \(1 moved, 0 kept\)/);
    const q = await onlyQuarantine(L);
    const status = JSON.parse((await runMain(['status', '--ledger', L, '--json'], { cwd: root, env })).stdout);
    expect(status.quarantines[0]).toMatchObject({ dir: q, state: 'cancelled', items: { quarantined: 1 }, createSnapshot: { state: 'not-run' } });
  });
});
