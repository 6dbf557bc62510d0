import { appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fullName, incrementalName } from '../support/ledger-tree.js';
import { restartLedger, X } from '../support/restart-ledger.js';
import { runMain } from '../support/run-cli.js';
import { ledgerFiles, onlyQuarantine } from './helpers.js';

/** An apply whose create-snapshot fails: the quarantine stays, and a plain undo is the way back. */
async function failedApply(extra: string[] = []) {
  const setup = await restartLedger({ capitalizationChange: 1500 });
  const before = await ledgerFiles(setup.L);
  const apply = await runMain(['apply', '--ledger', setup.L, '--slot', X, '--yes', '--json', ...extra], { cwd: setup.root, env: setup.env });
  expect(apply.exitCode).toBe(1);
  return { ...setup, before, doc: JSON.parse(apply.stdout), q: await onlyQuarantine(setup.L) };
}

// Issue 11 item 4: undo checks the sha256 the journal recorded for each copied item.
describe('undo checks sha256 before an item goes back', () => {
  it('a tampered copy stays in the quarantine, named, exit 1; the rest goes back', async () => {
    const { root, L, env, doc } = await failedApply(['--force-copy']);
    const moved = doc.quarantine.moved as { source: string; destination: string; method: string }[];
    expect(moved.every((m) => m.method === 'copy')).toBe(true);
    const tampered = moved.find((m) => path.basename(m.source) === fullName(289625000))!;
    await appendFile(tampered.destination, 'one byte more');
    // A folder item (the bank snapshot) with one file changed inside.
    const bank = moved.find((m) => m.source.endsWith(path.join('snapshots', '289625100')))!;
    await writeFile(path.join(bank.destination, 'status_cache'), 'CACHE');

    const dry = await runMain(['undo', '--ledger', L, '--dry-run', '--json'], { cwd: root, env });
    expect(dry.exitCode).toBe(1);
    expect(JSON.parse(dry.stdout).items.map((i: { action: string }) => i.action).sort()).toEqual(['hash-mismatch', 'hash-mismatch', 'move-back']);

    const undo = await runMain(['undo', '--ledger', L], { cwd: root, env });
    expect(undo.exitCode).toBe(1);
    expect(undo.stdout).toContain(`✘ not put back, its copy changed in the quarantine: ${tampered.source}: the quarantined copy ${tampered.destination} has sha256`);
    expect(undo.stdout).toContain(`✘ not put back, its copy changed in the quarantine: ${bank.source}`);
    expect(undo.stderr).toMatch(/2 items did not go back: the copy in the quarantine no longer has the sha256 recorded when it was copied/);
    expect(undo.stdout).toMatch(/Put back 1 item\(s\)/);
    expect(await readFile(path.join(L, incrementalName(289625000, 289625100)), 'utf8')).toContain('stand-in');
    expect(await readFile(tampered.destination, 'utf8')).toMatch(/one byte more$/);
    const status = JSON.parse((await runMain(['status', '--ledger', L, '--json'], { cwd: root, env })).stdout);
    expect(status.quarantines[0]).toMatchObject({ state: 'partly-undone', items: { quarantined: 2, conflicts: 2 } });
  });

  it('a vanished base archive is re-created from its safety copy only if the copy still has its sha256', async () => {
    const { root, L, env } = await restartLedger({ emptiesSnapshotFolder: true, capitalizationChange: 5 });
    const apply = JSON.parse((await runMain(['apply', '--ledger', L, '--slot', X, '--yes', '--json', '--force-copy'], { cwd: root, env })).stdout);
    const base = path.join(L, fullName(289600000));
    const kept = (apply.quarantine.kept as { source: string; destination: string; method: string }[]).find((k) => k.source === base)!;
    expect(kept.method).toBe('copy');
    await appendFile(kept.destination, 'bit rot');
    const undo = await runMain(['undo', '--ledger', L], { cwd: root, env });
    expect(undo.stdout).toContain(`✘ not re-created: ${base}: the safety copy ${kept.destination} has sha256`);
    expect(undo.stdout).not.toContain(`re-created ${base} from its safety copy`);
  });

  it('untouched copies all go back, with their sha256 checked', async () => {
    const { root, L, env, before } = await failedApply(['--force-copy']);
    const undo = await runMain(['undo', '--ledger', L], { cwd: root, env });
    expect(undo.exitCode, undo.stderr).toBe(0);
    // Copies keep times to the millisecond (utimes), so compare bytes, modes and names.
    const noTimes = (lines: string[]) => lines.map((l) => l.replace(/ mtime=\S+/, ''));
    expect(noTimes(await ledgerFiles(L))).toEqual(noTimes(before));
  });
});

// Issue 11 item 14: a corrupt line in the middle of the journal.
describe('a damaged journal', () => {
  async function damage(q: string, pick: (lines: string[]) => number): Promise<number> {
    const journal = path.join(q, 'journal.jsonl');
    const lines = (await readFile(journal, 'utf8')).split('\n');
    const index = pick(lines);
    lines[index] = '{"v":1,"type":"intent","id":"q1",\u0000garbage';
    await writeFile(journal, lines.join('\n'));
    return index + 1;
  }

  it('status shows the quarantine as damaged, naming the line, never "none"', async () => {
    const { root, L, env, q } = await failedApply();
    const line = await damage(q, (lines) => lines.findIndex((l) => l.includes('"type":"intent"')));
    const status = await runMain(['status', '--ledger', L], { cwd: root, env });
    expect(status.exitCode).toBe(0);
    expect(status.stdout).not.toMatch(/^\s+none$/m);
    expect(status.stdout).toContain(`✘ damaged: journal line ${line} cannot be read`);
    expect(status.stdout).toMatch(/next: snapplan undo --journal /);
    const json = JSON.parse((await runMain(['status', '--ledger', L, '--json'], { cwd: root, env })).stdout);
    expect(json.quarantines[0]).toMatchObject({ damaged: true, damagedLines: [{ line }] });
  });

  it('undo puts back what the readable records allow, names the line and what is left, exit 1', async () => {
    const { root, L, env, q, doc } = await failedApply();
    const line = await damage(q, (lines) => lines.findIndex((l) => l.includes('"type":"intent"')));
    const lost = (doc.quarantine.moved as { source: string; destination: string }[])[0]!;
    const undo = await runMain(['undo', '--ledger', L], { cwd: root, env });
    expect(undo.exitCode).toBe(1);
    expect(undo.stdout).toMatch(/Put back 2 item\(s\)/);
    expect(undo.stdout).toContain(`⚠ damaged: journal line ${line}:`);
    expect(undo.stdout).toContain(`✘ still in the quarantine, no readable record for it: ${lost.destination}`);
    expect(undo.stderr).toMatch(new RegExp(`is damaged \\(journal line ${line}: .*\\): 1 entry in the quarantine has no readable record`));
  });

  it('a damaged record that undo can do without (a done) still lets everything go back', async () => {
    const { root, L, env, q, before } = await failedApply();
    await damage(q, (lines) => lines.findIndex((l) => l.includes('"type":"done"')));
    const undo = await runMain(['undo', '--ledger', L], { cwd: root, env });
    expect(undo.exitCode, undo.stderr + undo.stdout).toBe(0);
    expect(undo.stdout).toMatch(/⚠ damaged: journal line \d+/);
    expect(await ledgerFiles(L)).toEqual(before);
  });
});
