import { readdir, readFile, stat, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { fullName, incrementalName, touch } from '../support/ledger-tree.js';
import { restartLedger, X } from '../support/restart-ledger.js';
import { runBin, runMain } from '../support/run-cli.js';
import { fingerprintTree } from '../support/tree-snapshot.js';

const NEWER = [fullName(289625000), incrementalName(289625000, 289625100)];

/**
 * The ledger's entries with their bytes, minus snapplan's own folder and the new archive. A
 * folder's mtime is left out: moving an entry out and back changes it, and that is all.
 */
async function ledgerFiles(L: string): Promise<string[]> {
  return (await fingerprintTree(L))
    .filter((line) => !line.startsWith('snapplan-quarantine') && !/^snapshot-289624982-/.test(line) && !line.startsWith('.snapplan.lock'))
    .map((line) => (line.endsWith(' dir') ? line.replace(/ mtime=\S+/, '') : line));
}

describe('snapplan apply', () => {
  it('moves the newer snapshots aside, creates the snapshot at X and prints the restart flags', async () => {
    const { root, L, env } = await restartLedger();
    const run = await runMain(['apply', '--ledger', L, '--slot', X, '--yes', '--json'], { cwd: root, env });
    expect(run.exitCode, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, command: 'apply', ok: true, targetSlot: 289624982, baseSlot: 289624900, error: null });
    expect(doc.created.slot).toBe(289624982);
    expect(doc.created.archivePath).toMatch(new RegExp(`^${L}/snapshot-289624982-[1-9A-HJ-NP-Za-km-z]+\\.tar\\.zst$`));
    expect(doc.restartFlags).toEqual([
      '--wait-for-supermajority', '289624982', '--expected-bank-hash', doc.created.bankHash,
      '--expected-shred-version', String(doc.created.shredVersion), '--no-snapshot-fetch',
    ]); // no --hard-fork: the snapshot carries it, and registering it again changes the shred version
    // The newer archives and the bank snapshot are in the quarantine, under their root's key.
    const names = await readdir(L);
    for (const name of NEWER) expect(names).not.toContain(name);
    expect(await readdir(path.join(L, 'snapshots'))).toEqual([]);
    expect(doc.quarantine.moved.map((m: { source: string }) => path.basename(m.source)).sort()).toEqual([...NEWER, '289625100'].sort());
    for (const m of doc.quarantine.moved) expect((await stat(m.destination)).isFile() || (await stat(m.destination)).isDirectory()).toBe(true);
    // The base archives stay in place, with hard-linked safety copies in the quarantine.
    const base = path.join(L, fullName(289600000));
    const kept = doc.quarantine.kept.find((k: { source: string }) => k.source === base);
    expect(kept.method).toBe('link');
    expect((await stat(kept.destination)).ino).toBe((await stat(base)).ino);
    // The create-snapshot command used the 2.x folder flags, and its output is in the log.
    expect(doc.createSnapshotCommand.slice(1)).toEqual([
      '--ledger', L, '--snapshots', L, '--incremental-snapshot-archive-path', L, 'create-snapshot', X, L, '--hard-fork', X,
    ]);
    // Progress went to stderr, one line a step (no terminal here), stdout held only the JSON.
    expect(run.stderr).toContain(`[1/3] moved ${path.join(L, fullName(289625000))}`);
    expect(run.stderr).toMatch(/loading the base snapshot \(\d+\.\d s\)/);
    expect(run.stderr).toMatch(/✔ ledger-tool finished in \d+\.\d s/);
    const log = await readFile(doc.logFile, 'utf8');
    expect(log).toContain(`Successfully created snapshot for slot 289624982, hash ${doc.created.bankHash}`);
    expect(log).toContain('Shred version: ');
  });

  it('agave#9496: with an affected ledger-tool, moves a newer full-only archive aside so the full + incremental pair is loaded', async () => {
    const { root, L, env } = await restartLedger(); // ledger-tool 2.1.13: before the 4.0.0 fix
    const fullOnly = await touch(L, fullName(289624950));
    const plan = await runMain(['plan', '--ledger', L, '--slot', X, '--json'], { cwd: root, env });
    expect(plan.exitCode, plan.stderr).toBe(0);
    const planDoc = JSON.parse(plan.stdout);
    expect(planDoc.baseSlot).toBe(289624900);
    expect(planDoc.findings.find((f: { code: string }) => f.code === 'steered-base')?.message).toContain('full archive at 289624950 alone');
    expect(planDoc.quarantine.map((q: { path: string }) => q.path)).toContain(fullOnly);

    const run = await runMain(['apply', '--ledger', L, '--slot', X, '--yes', '--json'], { cwd: root, env });
    expect(run.exitCode, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({ ok: true, baseSlot: 289624900 });
    expect(doc.quarantine.moved.map((m: { source: string }) => m.source)).toContain(fullOnly);
    // The stand-in loads as bank_forks_utils does: the pair, not the full alone.
    const log = await readFile(doc.logFile, 'utf8');
    expect(log).toContain(`Loading bank from full snapshot archive: ${path.join(L, fullName(289600000))}, and incremental snapshot archive: ${path.join(L, incrementalName(289600000, 289624900))}`);

    // Blocks missing after the pair's incremental: no steer; the full alone stays, and the
    // known-failure finding says why the pair was not taken.
    const { root: r2, L: L2, env: env2 } = await restartLedger();
    await touch(L2, fullName(289624950));
    const kept = await runMain(['plan', '--ledger', L2, '--slot', X, '--blocks', '289624920..289625410', '--json'], { cwd: r2, env: env2 });
    expect(kept.exitCode, kept.stderr).toBe(0);
    const keptDoc = JSON.parse(kept.stdout);
    expect(keptDoc.baseSlot).toBe(289624950);
    const known = keptDoc.findings.find((f: { code: string; message: string }) => f.code === 'known-restart-failure' && f.message.includes('agave#9496'));
    expect(known?.remedy).toContain('The full 289600000 + incremental 289624900 pair would avoid it, but the blockstore does not hold every block after 289624900');

    // ledger-tool 4.0.0 carries the fix: the full alone is the base, and stays.
    const fixed = await restartLedger({ version: 'agave-ledger-tool 4.0.0 (src:0b0cc5c7; feat:d6f1a2b3, client:Agave)' });
    await touch(fixed.L, fullName(289624950));
    const plain = await runMain(['plan', '--ledger', fixed.L, '--slot', X, '--json'], { cwd: fixed.root, env: fixed.env });
    expect(plain.exitCode, plain.stderr).toBe(0);
    const plainDoc = JSON.parse(plain.stdout);
    expect(plainDoc.baseSlot).toBe(289624950);
    expect(plainDoc.findings.map((f: { code: string }) => f.code)).not.toContain('steered-base');
  });

  it('as text: the restart flags, and the removal note names only the printed restart-only flags', async () => {
    const { root, L, env } = await restartLedger();
    const run = await runMain(['apply', '--ledger', L, '--slot', X, '--yes'], { cwd: root, env: { ...env, NO_COLOR: '1' } });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Restart the validator with:\n {2}--wait-for-supermajority 289624982 --expected-bank-hash \S+ --expected-shred-version \d+ --no-snapshot-fetch\n/);
    expect(run.stdout).toContain('(remove --wait-for-supermajority, --expected-bank-hash and --no-snapshot-fetch once the cluster is running again;');
    expect(run.stdout).not.toContain('--hard-fork');
  });

  it('reads the slot from the output when state edits move it to X+1', async () => {
    const { root, L, env } = await restartLedger();
    const gate = 'EenyoWx9UMXYKpR8mW5Jmfmy2fRjzUtM7NduYMY8bx33';
    // With a state edit the hard fork must be given (announcements used both X and X+1).
    const run = await runMain(['apply', '--ledger', L, '--slot', X, '--yes', '--json', '--deactivate-feature-gate', gate, '--hard-fork', X, '--', '--snapshot-version', '1.2.0'], { cwd: root, env });
    expect(run.exitCode, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.createSnapshotCommand).toContain('--deactivate-feature-gate');
    expect(doc.createSnapshotCommand.slice(-2)).toEqual(['--snapshot-version', '1.2.0']); // after --, passed through
    expect(doc.created.slot).toBe(289624983);
    expect(doc.restartFlags.slice(0, 2)).toEqual(['--wait-for-supermajority', '289624983']);
    expect(doc.createSnapshotCommand.filter((a: string) => a === '--hard-fork')).toHaveLength(1);
    expect(doc.restartFlags).not.toContain('--hard-fork');
  });

  it('compares with the announced bank hash and shred version', async () => {
    const { root, L, env } = await restartLedger();
    const first = JSON.parse((await runMain(['apply', '--ledger', L, '--slot', X, '--yes', '--json', '--dry-run'], { cwd: root, env })).stdout);
    expect(first.dryRun).toBe(true);
    const run = await runMain(['apply', '--ledger', L, '--slot', X, '--yes', '--expected-shred-version', '4084', '--expected-bank-hash', '11111111111111111111111111111111'], { cwd: root, env });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('differs from the announcement');
    expect(run.stderr).toMatch(/but its bank hash .* is not --expected-bank-hash 11111111111111111111111111111111 and its shred version \d+ is not --expected-shred-version 4084: do not restart with it/);
    expect(run.stdout).not.toContain('Restart the validator with');
  });

  it('changes nothing and explains when it must refuse', async () => {
    const { root, L, env } = await restartLedger();
    // The ledger's lock is taken before planning, so a lock file came and went: the ledger
    // folder's own mtime is the one thing allowed to differ.
    const fingerprint = async () => (await fingerprintTree(root)).map((line) => (line.startsWith('ledger mode=') ? line.replace(/ mtime=\S+/, '') : line));
    const before = await fingerprint();
    const cases: Array<[string[], RegExp]> = [
      [['--slot', X], /no terminal to confirm on.*\n.*--yes/],
      [['--slot', '289500000', '--yes'], /cannot be created: Every snapshot archive is at or after slot 289500000/],
      [['--slot', '289625500', '--yes'], /cannot be created: A snapshot at 289625500 needs every block/],
      [['--slot', X, '--yes', '--blocks', '1..2'], /Unknown argument: blocks/],
      [['--slot', X, '--yes', '--expected-shred-version', '70000'], /not a shred version/],
    ];
    for (const [argv, message] of cases) {
      const run = await runMain(['apply', '--ledger', L, ...argv], { cwd: root, env });
      expect(run.exitCode, argv.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    expect(await fingerprint()).toEqual(before);
  });

  it('--dry-run prints every step and changes nothing', async () => {
    const { root, L, env } = await restartLedger();
    const before = await fingerprintTree(root);
    const run = await runMain(['apply', '--ledger', L, '--slot', X, '--dry-run'], { cwd: root, env });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('nothing was changed');
    expect(run.stdout).toContain(`${L}/${fullName(289625000)}\n    → ${L}/snapplan-quarantine/`);
    expect(run.stdout).toContain(`create-snapshot ${X} ${L} --hard-fork ${X}`);
    expect(await fingerprintTree(root)).toEqual(before);
  });

  it('keeps the quarantine and explains when ledger-tool fails; undo puts everything back', async () => {
    const { root, L, env } = await restartLedger({ capitalizationChange: 1500 });
    const before = await ledgerFiles(L);
    const run = await runMain(['apply', '--ledger', L, '--slot', X, '--yes'], { cwd: root, env });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/agave-ledger-tool create-snapshot exited with code 1/);
    expect(run.stderr).toContain('| But `--enable-capitalization-change flag not provided');
    expect(run.stderr).toMatch(/pass --enable-capitalization-change if the restart announcement says so/);
    expect(run.stderr).toMatch(/Next: snapplan undo --journal \S+ puts the moved items back/);
    expect(await readdir(L)).not.toContain(fullName(289625000));

    const undo = await runMain(['undo', '--ledger', L], { cwd: root, env });
    expect(undo.exitCode, undo.stderr).toBe(0);
    expect(undo.stdout).toMatch(/Put back 3 item\(s\)/);
    expect(await ledgerFiles(L)).toEqual(before);
    const status = JSON.parse((await runMain(['status', '--ledger', L, '--json'], { cwd: root, env })).stdout);
    expect(status.quarantines.map((q: { state: string }) => q.state)).toEqual(['undone']);
  });

  it('a ledger-tool that empties the snapshot folder (agave#3198) cannot lose the base: the safety copy is kept', async () => {
    const { root, L, env } = await restartLedger({ emptiesSnapshotFolder: true, capitalizationChange: 5 });
    const original = await readFile(path.join(L, fullName(289600000)));
    const run = await runMain(['apply', '--ledger', L, '--slot', X, '--yes', '--json'], { cwd: root, env });
    expect(run.exitCode).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect(await readdir(L)).not.toContain(fullName(289600000)); // the tool deleted it
    const kept = doc.quarantine.kept.find((k: { source: string }) => path.basename(k.source) === fullName(289600000));
    expect(await readFile(kept.destination)).toEqual(original);
    // undo puts the moved items back and re-creates the vanished base from its safety copy.
    const undo = await runMain(['undo', '--ledger', L], { cwd: root, env });
    expect(undo.exitCode, undo.stderr).toBe(0);
    expect(undo.stdout).toContain(`re-created ${path.join(L, fullName(289600000))} from its safety copy`);
    expect(await readFile(path.join(L, fullName(289600000)))).toEqual(original);
  });

  it('undo refuses to overwrite a file that reappeared, names it, and finishes the rest on a second run', async () => {
    const { root, L, env } = await restartLedger();
    expect((await runMain(['apply', '--ledger', L, '--slot', X, '--yes'], { cwd: root, env })).exitCode).toBe(0);
    await touch(L, fullName(289625000), 'something else now lives here\n');
    const undo = await runMain(['undo', '--ledger', L, '--json', '--include-new'], { cwd: root, env });
    expect(undo.exitCode).toBe(2);
    const doc = JSON.parse(undo.stdout);
    expect(doc.conflicts.map((c: { path: string }) => c.path)).toEqual([path.join(L, fullName(289625000))]);
    expect(doc.restored).toBe(2);
    expect(await readFile(path.join(L, fullName(289625000)), 'utf8')).toBe('something else now lives here\n');
  });
});

describe('snapplan apply with other layouts and releases', () => {
  it('--incremental writes an incremental on the loaded full into the incremental folder', async () => {
    const { root, L, env } = await restartLedger();
    const run = await runMain(['apply', '--ledger', L, '--slot', X, '--yes', '--json', '--incremental'], { cwd: root, env });
    expect(run.exitCode, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.created).toMatchObject({ slot: 289624982, baseSlot: 289600000 });
    expect(path.basename(doc.created.archivePath)).toMatch(/^incremental-snapshot-289600000-289624982-/);
    expect(doc.createSnapshotCommand).toContain('--incremental');
  });

  it('separate full and incremental folders with Agave 3: three folder flags, each folder scanned and cleared', async () => {
    const { root, L, env, bin } = await restartLedger({ version: 'agave-ledger-tool 3.1.2 (src:1a2b3c4d; feat:3604001754, client:Agave)' });
    const full = path.join(root, 'full');
    const inc = path.join(root, 'inc');
    await touch(full, fullName(289600000));
    await touch(full, fullName(289625000));
    await touch(inc, incrementalName(289600000, 289624900));
    await touch(inc, `remote/${incrementalName(289600000, 289625050)}`);
    const run = await runMain(
      ['apply', '--ledger', L, '--full-snapshot-archive-path', full, '--incremental-snapshot-archive-path', inc, '--slot', X, '--yes', '--json'],
      { cwd: root, env },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.createSnapshotCommand).toEqual([
      path.join(bin, 'agave-ledger-tool'), '--ledger', L, '--snapshots', L, '--full-snapshot-archive-path', full,
      '--incremental-snapshot-archive-path', inc, 'create-snapshot', X, full, '--hard-fork', X,
    ]);
    expect(doc.baseSlot).toBe(289624900);
    expect(await readdir(full)).not.toContain(fullName(289625000));
    expect(await readdir(path.join(inc, 'remote'))).toEqual([]);
    expect(path.dirname(doc.created.archivePath)).toBe(full);
  });
});

describe('snapplan apply against a running validator and a held lock (child processes)', () => {
  const running: ResultPromise[] = [];
  afterEach(async () => {
    for (const child of running.splice(0)) {
      child.kill('SIGKILL');
      await child;
    }
  });

  it('refuses while an agave-validator runs on the ledger', async () => {
    const { root, L, env } = await restartLedger();
    const script = path.join(root, 'agave-validator');
    await writeFile(script, "#!/usr/bin/env node\nconsole.log('ready');\nsetInterval(() => {}, 1000);\n");
    await chmod(script, 0o755);
    const validator = execa(process.execPath, [script, '--ledger', L], { reject: false });
    running.push(validator);
    await new Promise<void>((resolve) => validator.stdout?.once('data', () => resolve()));
    const before = await fingerprintTree(L);
    const run = await runBin(['apply', '--ledger', L, '--slot', X, '--yes'], { cwd: root, env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`A validator is running on this ledger (pid ${validator.pid}, --ledger ${L})`);
    expect(await fingerprintTree(L)).toEqual(before);
  });

  it('refuses while another snapplan holds the ledger\'s lock', async () => {
    const { root, L, env } = await restartLedger();
    const holder = execa(process.execPath, ['--input-type=module', '-e', `
      const { acquireLock } = await import(${JSON.stringify(path.resolve(import.meta.dirname, '../../dist/ops/lock.js'))});
      await acquireLock(${JSON.stringify(path.join(L, '.snapplan.lock'))}, { purpose: 'test holder' });
      console.log('locked');
      setInterval(() => {}, 1000);
    `], { reject: false });
    running.push(holder);
    await new Promise<void>((resolve) => holder.stdout?.once('data', () => resolve()));
    const before = await ledgerFiles(L);
    const run = await runBin(['apply', '--ledger', L, '--slot', X, '--yes'], { cwd: root, env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`pid ${holder.pid}`));
    expect(await ledgerFiles(L)).toEqual(before);
    const status = await runBin(['status', '--ledger', L], { cwd: root, env });
    expect(status.stdout).toMatch(new RegExp(`Lock: held by pid ${holder.pid} .*\\(test holder\\)`));
  });

  it('recovers from a SIGKILL in the middle of apply: undo puts every file back, and a stale lock is taken over', async () => {
    const { root, L, env } = await restartLedger();
    const before = await ledgerFiles(L);
    // Kill points are counted by the move engine (src/ops/kill-point.ts): journal writes,
    // renames, links. The engine's own suite kills at 50+ points; here the whole command.
    for (const killAfter of [2, 4, 7, 9]) {
      const run = await runBin(['apply', '--ledger', L, '--slot', X, '--yes'], { cwd: root, env: { ...env, SNAPPLAN_TEST_KILL_AFTER: String(killAfter), SNAPPLAN_I_AM_A_TEST_HARNESS: 'fault-injection' } });
      expect(run.exitCode, `kill after ${killAfter}`).toBe(-1); // killed by SIGKILL
      const undo = await runBin(['undo', '--ledger', L], { cwd: root, env });
      // 0: items put back; 2 with "Nothing to undo" when the kill came before the first move.
      expect(undo.exitCode === 0 || /Nothing to undo/.test(undo.stderr), undo.stderr).toBe(true);
      expect(await ledgerFiles(L), `kill after ${killAfter}`).toEqual(before);
    }
    // A killed run leaves its lock file; the next run sees the holder is dead and takes it over.
    await runBin(['apply', '--ledger', L, '--slot', X, '--yes'], { cwd: root, env: { ...env, SNAPPLAN_TEST_KILL_AFTER: '3', SNAPPLAN_I_AM_A_TEST_HARNESS: 'fault-injection' } });
    const again = await runBin(['apply', '--ledger', L, '--slot', X, '--yes'], { cwd: root, env });
    expect(again.exitCode, again.stderr).toBe(0);
  });
});
