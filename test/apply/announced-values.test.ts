import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fullName } from '../support/ledger-tree.js';
import { restartLedger, X } from '../support/restart-ledger.js';
import { runMain } from '../support/run-cli.js';
import { fingerprintTree } from '../support/tree-snapshot.js';
import { newArchives } from './helpers.js';

// Issue 11 item 12.
describe('apply and the announced bank hash and shred version', () => {
  it('refuses a malformed value up front: exit 2, the value named, nothing changed (not even a lock file)', async () => {
    const { root, L, env } = await restartLedger();
    const before = await fingerprintTree(root);
    const cases: Array<[string[], RegExp]> = [
      // The flags are read by the announcement options (src/cli/options/announcement-options.ts).
      [['--expected-bank-hash', 'notbase58!!'], /--expected-bank-hash "notbase58!!" is not a base58 hash of 32 bytes/],
      [['--expected-bank-hash', '1111'], /--expected-bank-hash "1111" is not a base58 hash of 32 bytes/],
      [['--expected-shred-version', 'abc'], /--expected-shred-version "abc" is not a shred version \(1 to 65535\)/],
      [['--expected-shred-version', '0'], /--expected-shred-version "0" is not a shred version \(1 to 65535\)/],
    ];
    for (const [flags, message] of cases) {
      const run = await runMain(['apply', '--ledger', L, '--slot', X, '--yes', ...flags], { cwd: root, env });
      expect(run.exitCode, flags.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    expect(await fingerprintTree(root)).toEqual(before);
  });

  it('a created archive whose bank hash differs is moved into the quarantine (journaled); exit 1; undo puts the old ones back and leaves it there', async () => {
    const { root, L, env } = await restartLedger();
    const announced = '11111111111111111111111111111111';
    const run = await runMain(['apply', '--ledger', L, '--slot', X, '--yes', '--json', '--expected-bank-hash', announced], { cwd: root, env });
    expect(run.exitCode).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect(doc.checks.bankHash).toBe('mismatch');
    expect(doc.error.message).toMatch(new RegExp(`bank hash \\S+ is not --expected-bank-hash ${announced}: do not restart with it`));
    expect(doc.error.hint).toMatch(/It was moved aside into .*, so the validator cannot load it/);
    expect(doc.restartFlags).toEqual([]);
    expect(await newArchives(L, X)).toEqual([]);
    expect(doc.quarantine.setAside.map((m: { source: string }) => m.source)).toEqual([doc.created.archivePath]);
    expect(existsSync(doc.quarantine.setAside[0].destination)).toBe(true);
    expect(doc.undoCommand).toEqual(['snapplan', 'undo', '--journal', doc.quarantine.journal]);

    const status = JSON.parse((await runMain(['status', '--ledger', L, '--json'], { cwd: root, env })).stdout);
    expect(status.quarantines[0]).toMatchObject({ state: 'failed', items: { quarantined: 3, createdAside: 1 } });

    const undo = await runMain(['undo', '--ledger', L], { cwd: root, env });
    expect(undo.exitCode, undo.stderr).toBe(0);
    expect(undo.stdout).toMatch(/stays in the quarantine \(made by create-snapshot\): /);
    expect(existsSync(path.join(L, fullName(289625000)))).toBe(true);
    expect(await newArchives(L, X)).toEqual([]);
  });

  it('a shred version that differs is set aside the same way', async () => {
    const { root, L, env } = await restartLedger();
    const run = await runMain(['apply', '--ledger', L, '--slot', X, '--yes', '--expected-shred-version', '1'], { cwd: root, env });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/its shred version \d+ is not --expected-shred-version 1: do not restart with it/);
    expect(run.stdout).toMatch(/1 made by create-snapshot set aside/);
    expect(await newArchives(L, X)).toEqual([]);
  });
});
