import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fullName } from '../support/ledger-tree.js';
import { restartLedger, X } from '../support/restart-ledger.js';
import { runMain } from '../support/run-cli.js';
import { ledgerFiles } from './helpers.js';

const day = (d: number) => new Date(`2026-11-${String(d).padStart(2, '0')}T12:00:00Z`);

/** Quarantines on one ledger: two undone (Nov 1 and 2), one complete (Nov 20). */
async function history() {
  const setup = await restartLedger({ capitalizationChange: 5 });
  const { root, L, env } = setup;
  for (const d of [1, 2]) {
    expect((await runMain(['apply', '--ledger', L, '--slot', X, '--yes'], { cwd: root, env, now: day(d) })).exitCode).toBe(1);
    expect((await runMain(['undo', '--ledger', L], { cwd: root, env, now: day(d) })).exitCode).toBe(0);
  }
  // A state edit needs its hard fork named (issue 13): the documented X here.
  expect((await runMain(['apply', '--ledger', L, '--slot', X, '--yes', '--enable-capitalization-change', '--hard-fork', X], { cwd: root, env, now: day(20) })).exitCode).toBe(0);
  const names = (await readdir(path.join(L, 'snapplan-quarantine'))).sort();
  expect(names).toHaveLength(3);
  return { ...setup, names, backup: path.join(L, 'snapplan-quarantine') };
}

describe('snapplan prune', () => {
  it('previews, then with --yes deletes the old finished quarantines; the newest and the ledger stay', async () => {
    const { root, L, env, names, backup } = await history();
    const ledgerBefore = await ledgerFiles(L);
    const preview = await runMain(['prune', '--ledger', L], { cwd: root, env, now: day(21) });
    expect(preview.exitCode, preview.stderr).toBe(0);
    expect(preview.stdout).toMatch(new RegExp(`would delete\\s+${names[0]}\\s+undone .*everything was put back`));
    expect(preview.stdout).toMatch(new RegExp(`would delete\\s+${names[1]}\\s+undone`));
    expect(preview.stdout).toMatch(new RegExp(`keeps\\s+${names[2]}\\s+complete .*one of the newest 1 finished \\(--keep 1\\)`));
    expect(preview.stdout).toMatch(/Would delete 2 quarantine\(s\), up to .*Run again with --yes to delete them\./);
    expect((await readdir(backup)).sort()).toEqual(names);

    const run = await runMain(['prune', '--ledger', L, '--yes', '--json'], { cwd: root, env, now: day(21) });
    expect(run.exitCode, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.quarantines.map((q: { prune: boolean }) => q.prune)).toEqual([true, true, false]);
    expect(await readdir(backup)).toEqual([names[2]]);
    expect(await ledgerFiles(L)).toEqual(ledgerBefore); // the base archives its kept/ links pointed at are whole
    expect(existsSync(path.join(L, '.snapplan.lock'))).toBe(false);
  });

  it('--older-than keeps the recent ones; --keep 0 lets the newest go when it is old enough', async () => {
    const { root, L, env, names } = await history();
    const recent = JSON.parse((await runMain(['prune', '--ledger', L, '--older-than', '19.5', '--json'], { cwd: root, env, now: day(21) })).stdout);
    // 19.5 days before Nov 21 12:00 is Nov 2 00:00: only the Nov 1 one is old enough.
    expect(recent.quarantines.map((q: { prune: boolean }) => q.prune)).toEqual([true, false, false]);
    expect(recent.quarantines[1].reason).toBe('newer than 2026-11-02T00:00:00.000Z');
    const all = JSON.parse((await runMain(['prune', '--ledger', L, '--older-than', '0', '--keep', '0', '--json'], { cwd: root, env, now: day(21) })).stdout);
    expect(all.quarantines.map((q: { prune: boolean }) => q.prune)).toEqual([true, true, true]);
    expect(all.quarantines[2].reason).toBe('the snapshots it holds belong to a finished restart');
    expect(await readdir(path.join(L, 'snapplan-quarantine'))).toHaveLength(names.length); // preview only
  });

  it('never touches one that is not finished or does not match its journal', async () => {
    const { root, L, env } = await restartLedger({ capitalizationChange: 5 });
    expect((await runMain(['apply', '--ledger', L, '--slot', X, '--yes'], { cwd: root, env, now: day(1) })).exitCode).toBe(1);
    const failed = JSON.parse((await runMain(['prune', '--ledger', L, '--older-than', '0', '--keep', '0', '--yes', '--json'], { cwd: root, env, now: day(21) })).stdout);
    expect(failed.quarantines[0]).toMatchObject({ state: 'failed', prune: false, reason: 'its apply failed and it holds 3 moved item(s): undo it, or delete it by hand' });

    expect((await runMain(['undo', '--ledger', L], { cwd: root, env })).exitCode).toBe(0);
    const q = path.join(L, 'snapplan-quarantine', (await readdir(path.join(L, 'snapplan-quarantine')))[0]!);
    const journal = await readFile(path.join(q, 'journal.jsonl'), 'utf8');
    const keptCopy = JSON.parse(journal.split('\n').find((l) => l.includes('"type":"keep"'))!).destination as string;
    await rm(keptCopy);
    const mismatch = JSON.parse((await runMain(['prune', '--ledger', L, '--older-than', '0', '--keep', '0', '--yes', '--json'], { cwd: root, env, now: day(21) })).stdout);
    expect(mismatch.quarantines[0]).toMatchObject({ state: 'undone', prune: false, reason: `does not match its journal: the safety copy ${keptCopy} is missing` });
    expect(existsSync(q)).toBe(true);
    expect(existsSync(path.join(L, fullName(289625000)))).toBe(true);
  });

  it('refuses values that are not counts: exit 2', async () => {
    const { root, L, env } = await restartLedger();
    for (const flags of [['--keep', '-1'], ['--keep', '1.5'], ['--older-than', '-3']]) {
      const run = await runMain(['prune', '--ledger', L, ...flags], { cwd: root, env });
      expect(run.exitCode, flags.join(' ')).toBe(2);
    }
  });
});
