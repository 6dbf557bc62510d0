import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempPathFor } from '../../src/agave/restart-patch/atomic-write.js';
import { runBin, runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/start-scripts');
const FIXTURE_BIN = path.resolve(import.meta.dirname, '../../fixtures/bin');
const VALUES = ['--restart-slot', '289624982', '--expected-bank-hash', 'EXknCC4rNBR5SyBVrUgUB3FaoGbujPMoraEjG7C49Bdk', '--expected-shred-version', '4084'];

async function copyFixture(name: string): Promise<{ dir: string; file: string; original: string }> {
  const dir = await tempDir();
  const file = path.join(dir, name);
  await copyFile(path.join(FIXTURES, name), file);
  return { dir, file, original: await readFile(file, 'utf8') };
}

describe('restart-flags', () => {
  it('without a terminal and without --yes refuses with exit 2 naming --yes; --dry-run shows the diff and writes nothing', async () => {
    const { dir, file, original } = await copyFixture('plain-continuations.sh');
    const refused = await runMain(['restart-flags', '--patch', file, ...VALUES], { cwd: dir });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('--yes');
    const dry = await runMain(['restart-flags', '--patch', file, ...VALUES, '--dry-run'], { cwd: dir });
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toContain('+    --wait-for-supermajority 289624982');
    expect(dry.stdout).toContain('Dry run: nothing was written.');
    expect(await readFile(file, 'utf8')).toBe(original);
    expect(await readdir(dir)).toEqual(['plain-continuations.sh']);
  });

  it('takes the values from --announcement (the January 2026 testnet restart file), and a differing flag is refused', async () => {
    const { dir, file } = await copyFixture('stale-restart-flags.sh');
    const announcement = path.resolve(import.meta.dirname, '../../fixtures/announcements/testnet-2026-01-22.yaml');
    const run = await runMain(['restart-flags', '--patch', file, '--announcement', announcement, '--yes'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    const patched = await readFile(file, 'utf8');
    expect(patched).toContain('--wait-for-supermajority 383520372 \\');
    expect(patched).toContain('--expected-shred-version 27350 \\');
    expect(patched).toContain('--expected-bank-hash 9bDxQgg7BHwiQLz9wGujZSaKsoNnrHWgsfLiMzdahD5W \\');
    expect(patched).not.toMatch(/--hard-fork \d/); // validator-hard-fork: false
    const other = await copyFixture('single-line.sh');
    const clash = await runMain(['restart-flags', '--patch', other.file, '--announcement', announcement, '--restart-slot', '383520371', '--yes'], { cwd: other.dir });
    expect(clash.exitCode).toBe(2);
    expect(await readFile(other.file, 'utf8')).toBe(other.original);
  });

  it('not as root, refuses a file of another owner (the rewrite would change its owner), exit 2, nothing written', async () => {
    const { dir, file, original } = await copyFixture('single-line.sh');
    const uid = vi.spyOn(process, 'getuid').mockReturnValue(4321);
    try {
      const run = await runMain(['restart-flags', '--patch', file, ...VALUES, '--yes'], { cwd: dir });
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(/belongs to uid \d+; rewriting it as uid 4321 would change its owner/);
    } finally {
      uid.mockRestore();
    }
    expect(await readFile(file, 'utf8')).toBe(original);
    expect(await readdir(dir)).toEqual(['single-line.sh']);
  });

  it('needs exactly one of --patch and --revert (exit 2)', async () => {
    const dir = await tempDir();
    const none = await runMain(['restart-flags'], { cwd: dir });
    expect([none.exitCode, none.stderr]).toEqual([2, expect.stringMatching(/needs a file: --patch FILE or --revert FILE/)]);
    const both = await runMain(['restart-flags', '--patch', 'a', '--revert', 'b'], { cwd: dir });
    expect([both.exitCode, both.stderr]).toEqual([2, expect.stringMatching(/either --patch FILE or --revert FILE, not both/)]);
  });

  it('names every missing announcement value (exit 2)', async () => {
    const { dir, file } = await copyFixture('plain-continuations.sh');
    const run = await runMain(['restart-flags', '--patch', file, '--restart-slot', '5', '--yes'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/needs the expected bank hash .*, the expected shred version/);
  });

  it('--json: one document with the changes, the diff, the backup and the record', async () => {
    const { dir, file } = await copyFixture('stale-restart-flags.sh');
    const run = await runMain(['restart-flags', '--patch', file, ...VALUES, '--yes', '--json'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, command: 'restart-flags', action: 'patch', kind: 'bash', changed: true, written: true, daemonReload: null });
    expect(doc.changes).toEqual([
      { flag: '--wait-for-supermajority', action: 'replace', from: '269194389', to: '289624982' },
      { flag: '--expected-bank-hash', action: 'replace', from: '8AAbsJEVSDwk7dY4nqnxA1NfUWc5M8A6WNdCJY5w1SzZ', to: 'EXknCC4rNBR5SyBVrUgUB3FaoGbujPMoraEjG7C49Bdk' },
      { flag: '--expected-shred-version', action: 'replace', from: '35459', to: '4084' },
      { flag: '--hard-fork', action: 'remove', from: '269194389', to: null },
      { flag: '--no-snapshot-fetch', action: 'keep', from: '', to: '' },
    ]);
    expect(doc.backup).toMatch(/stale-restart-flags\.sh\.snapplan-\d{8}T\d{6}Z$/);
    expect(doc.diff).toContain('-    --hard-fork 269194389 \\');
  });

  it('gives the validator --hard-fork only when the announcement says so', async () => {
    const { dir, file } = await copyFixture('override.conf');
    const run = await runMain(['restart-flags', '--patch', file, ...VALUES, '--validator-hard-fork', '--hard-fork', '289624982', '--yes', '--json'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    const changes = JSON.parse(run.stdout).changes as { flag: string; action: string; from: string | null; to: string | null }[];
    expect(changes.filter((c) => c.flag === '--hard-fork')).toEqual([
      { flag: '--hard-fork', action: 'remove', from: '269194389', to: null },
      { flag: '--hard-fork', action: 'add', from: null, to: '289624982' },
    ]);
    expect(await readFile(file, 'utf8')).toMatch(/--hard-fork 289624982/);
  });

  it('refuses to patch twice, and a second revert finds no record', async () => {
    const { dir, file, original } = await copyFixture('single-line.sh');
    expect((await runMain(['restart-flags', '--patch', file, ...VALUES, '--yes'], { cwd: dir })).exitCode).toBe(0);
    const again = await runMain(['restart-flags', '--patch', file, ...VALUES, '--yes'], { cwd: dir });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/already carries restart flags snapplan added/);
    expect((await runMain(['restart-flags', '--revert', file, '--yes'], { cwd: dir })).exitCode).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(original);
    const twice = await runMain(['restart-flags', '--revert', file, '--yes'], { cwd: dir });
    expect(twice.exitCode).toBe(2);
    expect(twice.stderr).toMatch(/no restart-flags record beside/);
  });

  it('revert after later edits elsewhere takes only the restart flags out and keeps the edits', async () => {
    const { dir, file, original } = await copyFixture('exit-then-start.sh');
    expect((await runMain(['restart-flags', '--patch', file, ...VALUES, '--yes'], { cwd: dir })).exitCode).toBe(0);
    const patched = await readFile(file, 'utf8');
    await writeFile(file, patched.replace('--max-delinquent-stake 5', '--max-delinquent-stake 10'));
    const run = await runMain(['restart-flags', '--revert', file, '--yes'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('only the restart flags come out, the later edits stay');
    expect(await readFile(file, 'utf8')).toBe(original.replace('--max-delinquent-stake 5', '--max-delinquent-stake 10'));
    const kept = (await readdir(dir)).filter((n) => n.endsWith('-before-revert'));
    expect(kept).toHaveLength(1);
  });

  it('revert refuses (exit 2, nothing changed) when the restart-flag lines were edited since', async () => {
    const { dir, file } = await copyFixture('plain-continuations.sh');
    expect((await runMain(['restart-flags', '--patch', file, ...VALUES, '--yes'], { cwd: dir })).exitCode).toBe(0);
    const edited = (await readFile(file, 'utf8')).replace('--expected-shred-version 4084', '--expected-shred-version 4085');
    await writeFile(file, edited);
    const run = await runMain(['restart-flags', '--revert', file, '--yes'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/changed since snapplan patched it .* the later edits touch the lines the patch changed; nothing was changed/);
    expect(run.stderr).toMatch(/diff -u .*plain-continuations\.sh\.snapplan-\d{8}T\d{6}Z/);
    expect(await readFile(file, 'utf8')).toBe(edited);
  });

  it('after a systemd unit: says daemon-reload is needed; --reload runs it (stand-in systemctl)', async () => {
    const { dir, file } = await copyFixture('sol.service');
    const state = path.join(dir, 'services.json');
    await writeFile(state, JSON.stringify({ units: {} }));
    const env = { PATH: `${FIXTURE_BIN}:${path.dirname(process.execPath)}:/usr/bin:/bin`, FAKE_SERVICES: state };
    const run = await runMain(['restart-flags', '--patch', file, ...VALUES, '--yes'], { cwd: dir, env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('run systemctl daemon-reload before starting the service (or pass --reload)');
    expect(JSON.parse(await readFile(state, 'utf8')).daemonReloads).toBeUndefined();
    const back = await runMain(['restart-flags', '--revert', file, '--yes', '--reload'], { cwd: dir, env });
    expect(back.exitCode, back.stderr).toBe(0);
    expect(back.stdout).toContain('Ran systemctl daemon-reload.');
    expect(JSON.parse(await readFile(state, 'utf8')).daemonReloads).toBe(1);
  });

  it('a crash between the temp write and the rename leaves the original intact (bin/snapplan.js killed at that step)', async () => {
    const { dir, file, original } = await copyFixture('plain-continuations.sh');
    const args = ['restart-flags', '--patch', file, ...VALUES, '--yes'];
    // Find the step that wrote the temp file of the script itself, then kill the process there.
    const probe = await copyFixture('plain-continuations.sh');
    const traced = await runBin(['restart-flags', '--patch', probe.file, ...VALUES, '--yes'], { cwd: probe.dir, env: { SNAPPLAN_TEST_KILL_TRACE: '1', SNAPPLAN_I_AM_A_TEST_HARNESS: 'fault-injection' } });
    expect(traced.exitCode, traced.stderr).toBe(0);
    const step = new RegExp(`^kill-point (\\d+) restart-flags: temp written ${tempPathFor(probe.file, 0).replace(/-0$/, '-\\d+').replace(/\./g, '\\.')}$`, 'm').exec(traced.stderr);
    expect(step, traced.stderr).not.toBeNull();
    const killed = await runBin(args, { cwd: dir, env: { SNAPPLAN_TEST_KILL_AFTER: (step as RegExpExecArray)[1] as string, SNAPPLAN_I_AM_A_TEST_HARNESS: 'fault-injection' } });
    expect(killed.exitCode).not.toBe(0);
    expect(await readFile(file, 'utf8')).toBe(original);
    // The record exists but the file still has its original bytes: a new patch goes ahead.
    const retry = await runMain(args, { cwd: dir });
    expect(retry.exitCode, retry.stderr).toBe(0);
    expect(await readFile(file, 'utf8')).toContain('--wait-for-supermajority 289624982');
  });
});
