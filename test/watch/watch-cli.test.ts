import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findValidatorsUsing } from '../../src/agave/validator-process.js';
import { runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { copyTruncate, recorded, rotate, schemaErrors, startWatch, writeAtSpeed } from './log-stream.js';

const R = '289624982';
const FAKE_VALIDATOR = path.resolve(import.meta.dirname, '../../fixtures/bin/agave-validator');
const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

async function setup(): Promise<{ dir: string; L: string; log: string }> {
  const dir = await tempDir();
  const L = path.join(dir, 'ledger');
  await mkdir(L);
  return { dir, L, log: path.join(dir, 'validator.log') };
}

const ended = (events: Record<string, unknown>[]) => events.find((e) => e.event === 'end');

describe('snapplan watch following a log being written', () => {
  it('ignores an earlier boot already in the log and follows the new one to "resumed" (exit 0), through garbage and cut lines', async () => {
    const { dir, L, log } = await setup();
    await writeFile(log, (await recorded('boot-2x-not-enough-data.log')).join('\n') + '\n');
    const run = startWatch(['--ledger', L, '--log', log, '--restart-slot', R, '--no-monitor'], { cwd: dir });
    await run.waitFor((e) => e.event === 'earlier-boots-ignored');
    await writeAtSpeed(log, await recorded('boot-2x-resumed.log'));
    expect(await run.done, run.stderr()).toBe(0);
    const events = run.events();
    expect(events.filter((e) => e.event === 'snapshot-loaded').map((e) => e.slot)).toEqual([289624982]);
    expect(events.find((e) => e.event === 'boot')).toMatchObject({ version: '2.2.20' });
    expect(events.find((e) => e.event === 'wrong-shred-version')).toMatchObject({ percent: 3.25 });
    expect(ended(events)).toMatchObject({ state: 'resumed' });
    expect(events.filter((e) => e.event === 'end')).toHaveLength(1);
    expect(await schemaErrors(events)).toEqual([]);
  });

  it.each([
    ['boot-2x-not-enough-data.log', 'not-enough-ledger-data', 20],
    ['boot-3x-shred-version-mismatch.log', 'shred-version-mismatch', 21],
    ['boot-3x-bank-hash-mismatch.log', 'bank-hash-mismatch', 22],
    ['boot-wfsm-skipped.log', 'wfsm-skipped', 23],
  ])('%s ends %s with exit %i', async (name, state, code) => {
    const { dir, L, log } = await setup();
    await writeFile(log, '');
    const run = startWatch(['--ledger', L, '--log', log, '--restart-slot', R, '--no-monitor'], { cwd: dir });
    await run.waitFor((e) => e.event === 'following');
    await writeAtSpeed(log, await recorded(name));
    expect(await run.done).toBe(code);
    expect(ended(run.events())).toMatchObject({ state });
    expect(await schemaErrors(run.events())).toEqual([]);
  });

  it('follows the log across a rotation (rename and new file)', async () => {
    const { dir, L, log } = await setup();
    const lines = await recorded('boot-2x-resumed.log');
    const split = lines.findIndex((l) => l.includes('57.125%'));
    await writeFile(log, '');
    const run = startWatch(['--ledger', L, '--log', log, '--restart-slot', R, '--no-monitor'], { cwd: dir });
    await run.waitFor((e) => e.event === 'following');
    await writeAtSpeed(log, lines.slice(0, split));
    await run.waitFor((e) => e.event === 'offline');
    await rotate(log);
    await writeAtSpeed(log, lines.slice(split));
    expect(await run.done).toBe(0);
    const names = run.events().map((e) => e.event);
    expect(names).toContain('log-rotated');
    expect(names.filter((n) => n === 'gossip')).toHaveLength(3);
    expect(await schemaErrors(run.events())).toEqual([]);
  });

  it('reads again from the start after a copytruncate', async () => {
    const { dir, L, log } = await setup();
    const lines = await recorded('boot-3x-resumed.log');
    const split = lines.findIndex((l) => l.includes('85.500%'));
    await writeFile(log, '');
    const run = startWatch(['--ledger', L, '--log', log, '--restart-slot', R, '--no-monitor'], { cwd: dir });
    await run.waitFor((e) => e.event === 'following');
    await writeAtSpeed(log, lines.slice(0, split));
    await run.waitFor((e) => e.event === 'gossip');
    await copyTruncate(log);
    await run.waitFor((e) => e.event === 'log-truncated');
    await writeAtSpeed(log, lines.slice(split));
    expect(await run.done).toBe(0);
    expect(run.events().filter((e) => e.event === 'gossip').map((e) => e.percent)).toEqual([70, 85.5]);
    expect(await schemaErrors(run.events())).toEqual([]);
  });

  it('waits for a log that does not exist yet', async () => {
    const { dir, L, log } = await setup();
    const run = startWatch(['--ledger', L, '--log', log, '--restart-slot', R, '--no-monitor'], { cwd: dir });
    await run.waitFor((e) => e.event === 'log-waiting');
    await writeAtSpeed(log, await recorded('boot-3x-resumed.log'));
    expect(await run.done).toBe(0);
    expect(run.events().map((e) => e.event)).toContain('log-appeared');
    expect(await schemaErrors(run.events())).toEqual([]);
  });

  it('gives up after --timeout with exit 25', async () => {
    const { dir, L, log } = await setup();
    await writeFile(log, '');
    const run = startWatch(['--ledger', L, '--log', log, '--no-monitor', '--timeout', '0.2'], { cwd: dir });
    expect(await run.done).toBe(25);
    expect(ended(run.events())).toMatchObject({ state: 'timeout' });
  });
});

describe('snapplan watch and the validator process', () => {
  async function startValidator(L: string, log: string, lines: string | null): Promise<ReturnType<typeof spawn>> {
    const child = spawn(process.execPath, [FAKE_VALIDATOR, '--ledger', L, '--log', log], {
      stdio: 'ignore',
      env: { ...process.env, ...(lines ? { FAKE_VALIDATOR_LOG_LINES: lines } : {}) },
    });
    children.push(child);
    while (findValidatorsUsing(L).length === 0) await new Promise((r) => setTimeout(r, 5));
    return child;
  }

  it('the validator killed before it wrote anything: "validator-exited" (exit 24), found through /proc; the log path from its --log', async () => {
    const { dir, L, log } = await setup();
    await writeFile(log, '');
    const child = await startValidator(L, log, null);
    const run = startWatch(['--ledger', L, '--restart-slot', R, '--no-monitor'], { cwd: dir });
    await run.waitFor((e) => e.event === 'following' && e.log === log);
    child.kill('SIGKILL');
    expect(await run.done).toBe(24);
    expect(ended(run.events())).toMatchObject({ state: 'validator-exited', message: expect.stringMatching(/wrote nothing more to the log/) });
  });

  it('the validator killed while it waits: its last log lines come with the end state', async () => {
    const { dir, L, log } = await setup();
    const linesFile = path.join(dir, 'lines.log');
    await writeFile(linesFile, (await recorded('boot-waiting.log')).join('\n') + '\n');
    const child = await startValidator(L, log, linesFile);
    const run = startWatch(['--ledger', L, '--log', log, '--restart-slot', R, '--no-monitor'], { cwd: dir });
    await run.waitFor((e) => e.event === 'gossip');
    child.kill('SIGKILL');
    expect(await run.done).toBe(24);
    expect(await schemaErrors(run.events())).toEqual([]);
    const end = ended(run.events()) as { lastLines: string[] };
    expect(end.lastLines.at(-1)).toContain('41.000% of active stake visible in gossip');
  });

  it('reads agave-validator monitor (stand-in) when there is no log', async () => {
    const { dir, L } = await setup();
    const monitorOut = path.join(dir, 'monitor.txt');
    await writeFile(monitorOut, '');
    const run = startWatch(['--ledger', L, '--validator-bin', FAKE_VALIDATOR], { cwd: dir, env: { FAKE_MONITOR_OUTPUT: monitorOut } });
    await run.waitFor((e) => e.event === 'following' && e.monitor === true);
    await writeAtSpeed(monitorOut, [
      'Validator startup: LoadingLedger...',
      `Validator startup: WaitingForSupermajority { slot: ${R}, gossip_stake_percent: 42 }...`,
      `Validator startup: WaitingForSupermajority { slot: ${R}, gossip_stake_percent: 83 }...`,
      `00:10:02 | Processed Slot: 289624990 | Confirmed Slot: 289624988 | Finalized Slot: 289624983 | Full Snapshot Slot: ${R} | Incremental Snapshot Slot: - | Transactions: 1002 | ◎12.5`,
    ]);
    expect(await run.done, run.stderr()).toBe(0);
    expect(run.events().map((e) => e.event)).toEqual(['following', 'startup', 'waiting', 'gossip', 'gossip', 'slot-past-restart', 'root-past-restart', 'end']);
    expect(await schemaErrors(run.events())).toEqual([]);
  });

  it('without a monitor binary, says so and follows the log alone', async () => {
    const { dir, L, log } = await setup();
    await writeFile(log, '');
    const run = startWatch(['--ledger', L, '--log', log, '--restart-slot', R, '--validator-bin', path.join(dir, 'no-such-validator')], { cwd: dir });
    await run.waitFor((e) => e.event === 'monitor-unavailable');
    await writeAtSpeed(log, await recorded('boot-3x-resumed.log'));
    expect(await run.done).toBe(0);
  });
});

describe('snapplan watch text output', () => {
  it('one line per change of state; after success, the reminder to revert; log and R from restart-flags --patch', async () => {
    const { dir, L, log } = await setup();
    await writeFile(log, (await recorded('boot-2x-resumed.log')).join('\n') + '\n');
    await writeFile(path.join(L, 'snapplan-restart-flags.json'), JSON.stringify({ file: '/home/sol/validator.sh', restartSlot: R, log, patchedAt: '2026-11-29T17:59:00.000Z' }));
    const run = await runMain(['watch', '--ledger', L, '--no-monitor'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`watching ${L}: log ${log}; restart slot ${R}`));
    expect(lines).toContain('18:00:40  3.250% of active stake on the wrong shred version: 7Np41oeYqPefeNQEHSv1UDhYrehxin3NStELsSKCT4K2 (2.000%), GdnSyH3YtwcxFvQrVVJMm1JhTS4QVX7MFsX56uJLUfiZ (1.250%)');
    expect(lines.at(-2)).toMatch(/END resumed: The cluster resumed/);
    expect(lines.at(-1)).toBe('Next: take the restart flags out of the start script or unit: snapplan restart-flags --revert /home/sol/validator.sh');
    expect(lines).toContain('18:00:40  84.250% of active stake not in gossip: DE1bawNcRJB9rVm3buyMVfr8mBEoyyu73NBovf2oXJsJ (40.000%), CakcnaRDHka2gXyfbEd2d3xsvkJkqsLw2akB3zsN1D2S (44.250%)');
  });

  it('refuses a bad --timeout (exit 2)', async () => {
    const { dir, L } = await setup();
    const run = await runMain(['watch', '--ledger', L, '--timeout', '-3'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/--timeout -3 is not a number of seconds above 0/);
  });
});

describe('restart-flags --patch → watch → restart-flags --revert', () => {
  it('the patch leaves the log path and R in the ledger for watch; the revert removes them', async () => {
    const { dir, L, log } = await setup();
    const script = path.join(dir, 'validator.sh');
    await writeFile(script, `#!/bin/bash\nexec agave-validator \\\n  --ledger ${L} \\\n  --log ${log}\n`);
    const values = ['--restart-slot', R, '--expected-bank-hash', 'EXknCC4rNBR5SyBVrUgUB3FaoGbujPMoraEjG7C49Bdk', '--expected-shred-version', '4084'];
    const patched = await runMain(['restart-flags', '--patch', script, ...values, '--yes', '--json'], { cwd: dir, now: new Date('2026-11-29T17:00:00Z') });
    expect(patched.exitCode, patched.stderr).toBe(0);
    expect(JSON.parse(patched.stdout).ledgerPointer).toBe(path.join(L, 'snapplan-restart-flags.json'));
    await writeFile(log, (await recorded('boot-3x-resumed.log')).join('\n') + '\n');
    const watched = await runMain(['watch', '--ledger', L, '--no-monitor'], { cwd: dir });
    expect(watched.exitCode, watched.stderr).toBe(0);
    expect(watched.stdout).toContain(`log ${log}; restart slot ${R}`);
    expect(watched.stdout).toContain(`snapplan restart-flags --revert ${script}`);
    expect((await runMain(['restart-flags', '--revert', script, '--yes'], { cwd: dir })).exitCode).toBe(0);
    expect(existsSync(path.join(L, 'snapplan-restart-flags.json'))).toBe(false);
  });
});

describe('the watch --json schema', () => {
  it('rejects what watch never prints', async () => {
    expect(await schemaErrors([{ time: '2026-11-29T18:00:00Z', event: 'gossip', percent: 50 }])).toEqual([]);
    expect(await schemaErrors([{ time: '2026-11-29T18:00:00Z', event: 'gossip', percent: 150 }])).toHaveLength(1);
    expect(await schemaErrors([{ time: '2026-11-29T18:00:00Z', event: 'end', state: 'fine', message: '' }])).toHaveLength(1);
    expect(await schemaErrors([{ time: '2026-11-29T18:00:00Z', event: 'waiting', slot: '289624982', restartSlot: null }])).toHaveLength(1);
  });
});
