import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { announcementLedger, expectedBankHash, SHAPES, shredVersion, type Shape } from '../support/announcement-ledger.js';
import { runBin, runMain } from '../support/run-cli.js';
import { fingerprintTree } from '../support/tree-snapshot.js';

const SCHEMA = JSON.parse(await readFile(path.resolve(import.meta.dirname, '../../src/output/plan.schema.json'), 'utf8'));
const validate = new Ajv2020.default({ allErrors: true, strict: false }).compile(SCHEMA);

/** `--hard-fork` values in an argv, in order. */
const hardForksIn = (argv: readonly string[]) => argv.flatMap((a, i) => (a === '--hard-fork' ? [argv[i + 1]] : []));

describe('the stand-in ledger tool computes the shred version as Agave does', () => {
  it('matches compute_shred_version\'s vectors and each shape\'s announced value, and a hard fork one slot off differs', () => {
    expect(shredVersion(undefined, [])).toBe(1);
    expect(shredVersion(undefined, [[1n, 1n]])).toBe(55551);
    for (const shape of Object.values(SHAPES)) {
      expect(shredVersion(shape.genesis, [[shape.hardFork, 1n]])).toBe(shape.shredVersion);
      expect(shredVersion(shape.genesis, [[shape.hardFork - 1n, 1n]])).not.toBe(shape.shredVersion);
      expect(shredVersion(shape.genesis, [[shape.hardFork + 1n, 1n]])).not.toBe(shape.shredVersion);
      // A hard fork registered twice counts twice.
      expect(shredVersion(shape.genesis, [[shape.hardFork, 2n]])).not.toBe(shape.shredVersion);
    }
  });
});

describe('apply --announcement, end to end with the stand-in ledger tool', () => {
  it.each([
    ['January 2026 (hard fork at X+1)', SHAPES.jan2026],
    ['February 2024 (hard fork at X, snapshot at X+1)', SHAPES.feb2024],
  ])('%s: --hard-fork exactly once, the snapshot at the restart slot, the announced shred version and hash', async (_name, shape: Shape) => {
    const { root, L, env, announcement } = await announcementLedger(shape);
    const run = await runMain(['apply', '--ledger', L, '--announcement', path.basename(announcement), '--bounds-from', 'ledger-tool', '--yes', '--json'], { cwd: root, env });
    expect(run.exitCode, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(hardForksIn(doc.createSnapshotCommand)).toEqual([String(shape.hardFork)]);
    expect(doc.createSnapshotCommand).toContain('--deactivate-feature-gate');
    expect(doc.hardForks).toEqual([Number(shape.hardFork)]);
    expect(doc.restartSlot).toBe(Number(shape.R));
    expect(doc.created.slot).toBe(Number(shape.R));
    expect(doc.created.shredVersion).toBe(shape.shredVersion);
    expect(doc.created.bankHash).toBe(expectedBankHash(shape));
    expect(doc.checks).toEqual({ bankHash: 'match', shredVersion: 'match' });
    // The validator's flags: no --hard-fork (validator-hard-fork: false in both announcements).
    expect(doc.restartFlags).toEqual([
      '--wait-for-supermajority', String(shape.R), '--expected-bank-hash', expectedBankHash(shape),
      '--expected-shred-version', String(shape.shredVersion), '--no-snapshot-fetch',
    ]);
    const log = await readFile(doc.logFile, 'utf8');
    expect(log.split('\n')[0]?.match(/--hard-fork/g)).toHaveLength(1);
    expect(log).toContain(`Shred version: ${shape.shredVersion}`);
  });

  it('the validator gets --hard-fork only when the announcement says so', async () => {
    const shape = SHAPES.jan2026;
    const { root, L, env, announcement } = await announcementLedger(shape, { edit: (y) => y.replace('validator-hard-fork: false', 'validator-hard-fork: true') });
    const run = await runMain(['apply', '--ledger', L, '--announcement', path.basename(announcement), '--bounds-from', 'ledger-tool', '--yes', '--json'], { cwd: root, env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(hardForksIn(JSON.parse(run.stdout).restartFlags)).toEqual([String(shape.hardFork)]);
  });

  it('a wrong hard fork in the announcement is found after the run: exit 1, the quarantine kept, no flags to paste', async () => {
    const shape = SHAPES.jan2026;
    // Hard fork at X instead of X+1 (the 2024 habit): the shred version and the bank hash come out different.
    const { root, L, env, announcement } = await announcementLedger(shape, { edit: (y) => y.replace('hard-forks: [383520372]', 'hard-forks: [383520371]') });
    const run = await runMain(['apply', '--ledger', L, '--announcement', path.basename(announcement), '--bounds-from', 'ledger-tool', '--yes', '--json'], { cwd: root, env });
    expect(run.exitCode).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect(doc.created.slot).toBe(383520372);
    expect(doc.restartFlags).toEqual([]);
    expect(doc.checks).toEqual({ bankHash: 'mismatch', shredVersion: 'mismatch' });
    expect(run.stderr).toContain(`its shred version ${shredVersion(shape.genesis, [[383520371n, 1n]])} is not expected-shred-version in testnet-2026-01-22.yaml 27350: do not restart with it.`);
    // The snapshot that differs is set aside into the quarantine too, so it cannot be loaded by mistake.
    expect(run.stderr).toContain(`It was moved aside into ${doc.quarantine.dir}, so the validator cannot load it.`);
    expect(doc.quarantine.setAside.map((s: { source: string }) => path.basename(s.source))).toContain(path.basename(doc.created.archivePath));
    expect((await readdir(doc.quarantine.dir)).length).toBeGreaterThan(0);
  });

  it('refuses before any file moves (exit 2, tree unchanged): wrong release, restart slot, hard forks', async () => {
    const shape = SHAPES.jan2026;
    const cases: Array<{ name: string; version?: string; edit?: (y: string) => string; args: string[]; expected: string }> = [
      {
        name: 'another ledger-tool release',
        version: 'agave-ledger-tool 3.1.6 (src:4f0c1e0b; feat:1620780344, client:Agave)',
        args: [],
        expected: 'agave-ledger-tool --version says 3.1.6, but ledger-tool-version in testnet-2026-01-22.yaml is 3.1.7',
      },
      {
        name: 'a restart slot the plan cannot produce',
        edit: (y) => y.replace('restart-slot: 383520372', 'restart-slot: 383520373'),
        args: [],
        expected: 'The new snapshot would be at slot 383520372 (X = 383520371 plus one for the state edit (--deactivate-feature-gate)), but restart-slot in testnet-2026-01-22.yaml is 383520373.',
      },
      {
        name: 'a restart slot at X while state is edited',
        edit: (y) => y.replace('restart-slot: 383520372', 'restart-slot: 383520371'),
        args: [],
        expected: 'but restart-slot in testnet-2026-01-22.yaml is 383520371',
      },
      {
        name: 'a --hard-fork among the arguments after --',
        args: ['--', '--hard-fork', '383520371'],
        expected: 'The arguments after -- add --hard-fork 383520371: create-snapshot must get exactly the announced hard forks, each once.',
      },
      {
        name: 'a --hard-fork flag that differs from the announcement',
        args: ['--hard-fork', '383520371'],
        expected: '--hard-fork 383520371 differs from hard-forks in testnet-2026-01-22.yaml (383520372).',
      },
      {
        name: 'a --slot that differs from the announcement',
        args: ['--slot', '383520372'],
        expected: '--slot 383520372 differs from snapshot-slot in testnet-2026-01-22.yaml (383520371).',
      },
    ];
    for (const c of cases) {
      const { root, L, env, announcement } = await announcementLedger(shape, { version: c.version, edit: c.edit });
      // apply's lock file comes and goes in the ledger folder before the refusal: folder mtimes move.
      const before = await fingerprintTree(root, { ignoreFolderMtimes: true });
      const run = await runMain(['apply', '--ledger', L, '--announcement', path.basename(announcement), '--bounds-from', 'ledger-tool', '--yes', ...c.args], { cwd: root, env });
      expect(run.exitCode, `${c.name}: ${run.stderr}`).toBe(2);
      expect(run.stderr, c.name).toContain(c.expected);
      expect(run.stderr, c.name).not.toMatch(/\n\s+at /); // no stack trace
      expect(await fingerprintTree(root, { ignoreFolderMtimes: true }), c.name).toEqual(before);
    }
  });

  it('without an announcement: a state edit with no hard fork is refused, naming both X and X+1 practice', async () => {
    const shape = SHAPES.jan2026;
    const { root, L, env } = await announcementLedger(shape);
    const before = await fingerprintTree(root, { ignoreFolderMtimes: true });
    const run = await runMain(['apply', '--ledger', L, '--slot', String(shape.X), '--deactivate-feature-gate', shape.gate, '--bounds-from', 'ledger-tool', '--yes'], { cwd: root, env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('State is edited (--deactivate-feature-gate) but no hard fork is given: restart announcements have put it at X');
    expect(run.stderr).toContain(`--hard-fork ${shape.X} or --hard-fork ${shape.R} as it says`);
    expect(await fingerprintTree(root, { ignoreFolderMtimes: true })).toEqual(before);
  });

  it('--allow-ledger-tool-version turns the release refusal into a warning', async () => {
    const shape = SHAPES.jan2026;
    const { root, L, env, announcement } = await announcementLedger(shape, { version: 'agave-ledger-tool 3.1.6 (src:4f0c1e0b; feat:1620780344, client:Agave)' });
    const run = await runMain(['apply', '--ledger', L, '--announcement', path.basename(announcement), '--bounds-from', 'ledger-tool', '--yes', '--dry-run', '--allow-ledger-tool-version'], { cwd: root, env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('Dry run');
  });
});

describe('plan --announcement', () => {
  it('--json reports the announcement, the decision and the checks, valid against the schema', async () => {
    const shape = SHAPES.jan2026;
    const { root, L, env, announcement } = await announcementLedger(shape);
    const run = await runMain(['plan', '--ledger', L, '--announcement', path.basename(announcement), '--bounds-from', 'ledger-tool', '--json'], { cwd: root, env });
    expect(run.exitCode, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.targetSlot).toBe(383520371);
    expect(doc.announcement).toMatchObject({ cluster: 'testnet', restartSlot: 383520372, hardForks: [383520372], expectedShredVersion: 27350, ledgerToolVersion: '3.1.7' });
    expect(doc.announcement.sources.restartSlot).toBe('restart-slot in testnet-2026-01-22.yaml');
    expect(doc.restart).toMatchObject({ predictedSlot: 383520372, restartSlot: 383520372, hardForks: [383520372], stateEdits: ['--deactivate-feature-gate'], validatorHardFork: false });
    expect(doc.restart.ledgerTool).toEqual({ announced: '3.1.7', actual: '3.1.7', status: 'match' });
    expect(Object.fromEntries(doc.restart.checks.map((c: { name: string; status: string }) => [c.name, c.status]))).toEqual({
      'hard-forks': 'ok', 'restart-slot': 'ok', 'ledger-tool-version': 'ok', 'known-failures': 'warning', 'bank-hash': 'after-run', 'shred-version': 'after-run',
    });
    // 3.1.7 with a state edit: the X+1 gap of agave#7287 (fixed in 4.2).
    expect(doc.restart.knownFailures.map((k: { reference: string }) => k.reference)).toEqual(['agave#7287']);
    expect(doc.commands.at(-1)).toContain('--hard-fork 383520372 --deactivate-feature-gate 5syhxu91W32HXjswMSToKdj9o123MY7XRULdjfiXx54p');
  });

  it('another ledger-tool release is an error finding (exit 3); the text report lists the checks', async () => {
    const shape = SHAPES.jan2026;
    const { root, L, env, announcement } = await announcementLedger(shape, { version: 'agave-ledger-tool 4.1.0 (src:4f0c1e0b; feat:0a1b2c3d, client:Agave)' });
    const json = await runMain(['plan', '--ledger', L, '--announcement', path.basename(announcement), '--bounds-from', 'ledger-tool', '--json'], { cwd: root, env });
    expect(json.exitCode).toBe(3);
    const doc = JSON.parse(json.stdout);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.findings).toContainEqual(expect.objectContaining({ code: 'ledger-tool-version-mismatch', severity: 'error' }));
    // 4.1.0, and X+1 = 383520372 opens a new 4-slot leader window: agave#15012.
    expect(doc.restart.knownFailures.map((k: { reference: string }) => k.reference)).toEqual(['agave#7287', 'agave#15012']);
    const text = await runMain(['plan', '--ledger', L, '--announcement', path.basename(announcement), '--bounds-from', 'ledger-tool'], { cwd: root, env });
    expect(text.exitCode).toBe(3);
    expect(text.stdout).toContain('Checked against the announcement');
    expect(text.stdout).toMatch(/✘ ledger-tool-version +ledger-tool 4\.1\.0; announced 3\.1\.7/);
  });

  it('lists restart-boot copies in the ledger with their size', async () => {
    const shape = SHAPES.jan2026;
    const { root, L, env, announcement } = await announcementLedger(shape);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(L, 'rocksdb_backup_27350_383520373_383520400'), { recursive: true });
    await writeFile(path.join(L, 'rocksdb_backup_27350_383520373_383520400', '000001.sst'), Buffer.alloc(3000));
    await mkdir(path.join(L, 'backup_rocksdb_8123'));
    await writeFile(path.join(L, 'backup_rocksdb_8123', 'CURRENT'), 'MANIFEST-000001\n');
    const run = await runMain(['plan', '--ledger', L, '--announcement', path.basename(announcement), '--bounds-from', 'ledger-tool', '--json', '--show-ignored'], { cwd: root, env });
    const doc = JSON.parse(run.stdout);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.restart.restartBootBackups).toEqual([
      { path: path.join(L, 'backup_rocksdb_8123'), bytes: 16 },
      { path: path.join(L, 'rocksdb_backup_27350_383520373_383520400'), bytes: 3000 },
    ]);
    expect(doc.findings).toContainEqual(expect.objectContaining({ code: 'restart-boot-backup', severity: 'info' }));
    // Listed as restart-boot copies, not as unknown entries.
    expect(doc.ignored.map((i: { path: string }) => path.basename(i.path))).not.toContain('backup_rocksdb_8123');
  });
});

describe('the built CLI (bin/snapplan.js) reads announcements', () => {
  it('loads yaml and ajv from the package and refuses a bad file with one error per key (exit 2)', async () => {
    const shape = SHAPES.jan2026;
    const { root, L, env } = await announcementLedger(shape);
    await writeFile(path.join(root, 'bad.yaml'), 'snapshot-slot: 383520371\nrestart-slot: x\nhard_forks: [383520372]\nexpected-bank-hash: 9bDxQgg7BHwiQLz9wGujZSaKsoNnrHWgsfLiMzdahD5W\nexpected-shred-version: 27350\n');
    const bad = await runBin(['plan', '--ledger', L, '--announcement', 'bad.yaml', '--bounds-from', 'ledger-tool'], { cwd: root, env });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('snapplan: The announcement bad.yaml is not valid: restart-slot "x" is not a slot (a whole number from 0 to 2^64-1); hard-forks is missing; hard_forks is not a known key (did you mean hard-forks?).');
    const good = await runBin(['plan', '--ledger', L, '--announcement', shape.file, '--bounds-from', 'ledger-tool', '--json'], { cwd: root, env });
    expect(good.exitCode, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout).restart.hardForks).toEqual([383520372]);
  });
});
