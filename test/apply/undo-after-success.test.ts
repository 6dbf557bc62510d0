import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fullName, incrementalName } from '../support/ledger-tree.js';
import { restartLedger, X } from '../support/restart-ledger.js';
import { runMain } from '../support/run-cli.js';
import { ledgerFiles, newArchives, onlyQuarantine } from './helpers.js';

const OLD = [fullName(289625000), incrementalName(289625000, 289625100)];

// Issue 11 item 3: a plain undo after a successful create-snapshot put the old snapshots back
// next to the new one, and the validator would have loaded the newest old one.
describe('undo after a successful apply', () => {
  it('refuses by default, explains, and changes nothing', async () => {
    const { root, L, env } = await restartLedger();
    const apply = await runMain(['apply', '--ledger', L, '--slot', X, '--yes'], { cwd: root, env });
    expect(apply.exitCode, apply.stderr).toBe(0);
    const before = await ledgerFiles(L);
    const undo = await runMain(['undo', '--ledger', L], { cwd: root, env });
    expect(undo.exitCode).toBe(2);
    expect(undo.stderr).toMatch(/snapshot-289624982-\S+ was created by the apply of .*; putting the 3 moved item\(s\) back next to it would make the validator load an older snapshot instead, so undo changed nothing/);
    expect(undo.stderr).toMatch(/snapplan undo --journal \S+journal\.jsonl --include-new/);
    expect(undo.stderr).toContain('--force');
    expect(await ledgerFiles(L)).toEqual(before);
  });

  it('--include-new moves the new archive into the quarantine (journaled), then puts the old ones back', async () => {
    const { root, L, env } = await restartLedger();
    expect((await runMain(['apply', '--ledger', L, '--slot', X, '--yes'], { cwd: root, env })).exitCode).toBe(0);
    const [created] = await newArchives(L, X);
    const undo = await runMain(['undo', '--ledger', L, '--include-new', '--json'], { cwd: root, env });
    expect(undo.exitCode, undo.stderr).toBe(0);
    const doc = JSON.parse(undo.stdout);
    expect(doc.setAside.map((s: { path: string }) => s.path)).toEqual([path.join(L, created!)]);
    expect(doc.restored).toBe(3);
    expect(await newArchives(L, X)).toEqual([]);
    for (const name of OLD) expect(existsSync(path.join(L, name))).toBe(true);
    const q = await onlyQuarantine(L);
    expect(existsSync(doc.setAside[0].to)).toBe(true);
    expect(doc.setAside[0].to.startsWith(q)).toBe(true);
    // status: undone, with the new archive set aside and create-snapshot's result.
    const status = JSON.parse((await runMain(['status', '--ledger', L, '--json'], { cwd: root, env })).stdout);
    expect(status.quarantines[0]).toMatchObject({ state: 'undone', items: { quarantined: 0, undone: 3, createdAside: 1 }, createSnapshot: { state: 'succeeded' } });
    // A second undo has nothing left to do and never puts the new archive back.
    const again = await runMain(['undo', '--ledger', L], { cwd: root, env });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/Nothing to undo/);
    expect(await newArchives(L, X)).toEqual([]);
  });

  it('--force puts the old ones back next to the new archive (the old behaviour)', async () => {
    const { root, L, env } = await restartLedger();
    expect((await runMain(['apply', '--ledger', L, '--slot', X, '--yes'], { cwd: root, env })).exitCode).toBe(0);
    const undo = await runMain(['undo', '--ledger', L, '--force'], { cwd: root, env });
    expect(undo.exitCode, undo.stderr).toBe(0);
    expect(await newArchives(L, X)).toHaveLength(1);
    for (const name of OLD) expect(existsSync(path.join(L, name))).toBe(true);
  });

  it('--dry-run shows what would happen and that it would refuse; nothing changes', async () => {
    const { root, L, env } = await restartLedger();
    expect((await runMain(['apply', '--ledger', L, '--slot', X, '--yes'], { cwd: root, env })).exitCode).toBe(0);
    const before = await ledgerFiles(L);
    const q = await onlyQuarantine(L);
    const journalBefore = [await readdir(q), await readFile(path.join(q, 'journal.jsonl'), 'utf8')];
    const dry = await runMain(['undo', '--ledger', L, '--dry-run'], { cwd: root, env });
    expect(dry.exitCode).toBe(2);
    expect(dry.stdout).toContain('nothing was changed');
    expect(dry.stdout).toMatch(new RegExp(`would move back\\s+\\S+ \\S+\\s+${path.join(L, OLD[0]!).replace(/[.]/g, '\\.')}`));
    expect(dry.stdout).toMatch(/✘ undo would refuse: .*would make the validator load an older snapshot/);
    const withNew = await runMain(['undo', '--ledger', L, '--dry-run', '--include-new', '--json'], { cwd: root, env });
    expect(withNew.exitCode).toBe(0);
    const doc = JSON.parse(withNew.stdout);
    expect(doc).toMatchObject({ dryRun: true, refusal: null });
    expect(doc.wouldSetAside).toEqual((await newArchives(L, X)).map((n) => path.join(L, n)));
    expect(doc.items.map((i: { action: string }) => i.action)).toEqual(['move-back', 'move-back', 'move-back']);
    expect(await ledgerFiles(L)).toEqual(before);
    expect([await readdir(q), await readFile(path.join(q, 'journal.jsonl'), 'utf8')]).toEqual(journalBefore); // not even the journal
  });

  it('the apply result names the way back with --include-new, never a plain undo', async () => {
    const { root, L, env } = await restartLedger();
    const text = await runMain(['apply', '--ledger', L, '--slot', X, '--yes'], { cwd: root, env });
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/to give up this restart instead: snapplan undo --journal \S+ --include-new/);
    expect(text.stdout).not.toContain('puts the moved items back');
    const again = await restartLedger();
    const json = JSON.parse((await runMain(['apply', '--ledger', again.L, '--slot', X, '--yes', '--json'], { cwd: again.root, env: again.env })).stdout);
    expect(json.undoCommand).toEqual(['snapplan', 'undo', '--journal', json.quarantine.journal, '--include-new']);
  });

  it('after a failed create-snapshot a plain undo is still the way back', async () => {
    const { root, L, env } = await restartLedger({ capitalizationChange: 7 });
    const apply = await runMain(['apply', '--ledger', L, '--slot', X, '--yes', '--json'], { cwd: root, env });
    expect(apply.exitCode).toBe(1);
    expect(JSON.parse(apply.stdout).undoCommand).not.toContain('--include-new');
    const undo = await runMain(['undo', '--ledger', L], { cwd: root, env });
    expect(undo.exitCode, undo.stderr).toBe(0);
  });
});

describe('undo --dry-run and other journals', () => {
  it('refuses to preview a k8s job journal (it would not be a preview) and names the command that does', async () => {
    const { root, env } = await restartLedger();
    const journal = path.join(root, 'k8s-job.jsonl');
    await writeFile(journal, '{"type":"begin","schemaVersion":1,"job":"snapshot"}\n');
    const run = await runMain(['undo', '--journal', journal, '--dry-run'], { cwd: root, env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('undo --dry-run does not preview');
    expect(run.stderr).toContain(`snapplan k8s undo --journal ${journal} --dry-run`);
  });
});
