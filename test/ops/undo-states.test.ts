import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { closeQuarantine, createQuarantine } from '../../src/ops/quarantine-dir.js';
import { quarantine } from '../../src/ops/quarantine.js';
import { rootKey } from '../../src/ops/root-key.js';
import { undo } from '../../src/ops/undo.js';
import { cleanupTemp, describeTree, tempDir, writeRandom } from './helpers.js';

afterEach(cleanupTemp);

/**
 * Hand-made crash states for a copied folder: the journal says `copied` but not `done` (killed
 * while the source was being deleted), and part of the source is still in place.
 */
async function copiedNotDone() {
  const ledger = await tempDir();
  const root = path.join(ledger, 'bank');
  for (let i = 0; i < 6; i += 1) await writeRandom(path.join(root, '300', `sub${i % 2}`, `f${i}`), 1000 + i);
  const before = await describeTree(ledger);
  const q = await createQuarantine({ backupDir: path.join(ledger, 'q'), ledger, targetSlot: 300n, toolVersion: 't' });
  await quarantine([{ source: path.join(root, '300'), root, relativePath: '300' }], { quarantineDir: q.dir, journal: q.journal, forceCopy: true });
  await closeQuarantine(q.journal, 'complete');
  // Forget `done`, and put half of the folder back as if its deletion had stopped midway.
  const lines = (await readFile(q.journalPath, 'utf8')).split('\n').filter((l) => !l.includes('"type":"done"') && !l.includes('"type":"closed"'));
  await writeFile(q.journalPath, lines.join('\n'));
  const quarantined = path.join(q.dir, rootKey(root), '300');
  await mkdir(path.join(root, '300', 'sub0'), { recursive: true });
  await writeFile(path.join(root, '300', 'sub0', 'f0'), await readFile(path.join(quarantined, 'sub0', 'f0')));
  await writeFile(path.join(root, '300', 'sub0', 'f2'), await readFile(path.join(quarantined, 'sub0', 'f2')));
  return { ledger, root, before, q, quarantined };
}

function withoutQuarantine(tree: Map<string, unknown>) {
  for (const key of [...tree.keys()]) if (key === 'q' || key.startsWith('q/')) tree.delete(key);
  return tree;
}

describe('undo after a crash while a copied folder was being deleted', () => {
  it('merges the quarantined copy back into the partial source', async () => {
    const { ledger, before, q } = await copiedNotDone();
    const result = await undo(q.journalPath);
    expect(result.conflicts).toEqual([]);
    expect(result.items[0]?.outcome).toBe('moved-back');
    expect(withoutQuarantine(await describeTree(ledger))).toEqual(withoutQuarantine(before));
  });

  it('refuses, changing nothing, when an entry left at the source differs from its copy', async () => {
    const { root, q, quarantined } = await copiedNotDone();
    await writeFile(path.join(root, '300', 'sub0', 'f2'), 'changed by someone');
    const sourceBefore = await describeTree(path.join(root, '300'));
    const copyBefore = await describeTree(quarantined);
    const result = await undo(q.journalPath);
    expect(result.conflicts).toHaveLength(1);
    expect(result.conflicts[0]).toBeInstanceOf(UserError);
    expect(result.conflicts[0]!.paths).toEqual([path.join(root, '300', 'sub0', 'f2')]);
    expect(result.conflicts[0]!.message).toContain('differs');
    expect(await describeTree(path.join(root, '300'))).toEqual(sourceBefore);
    expect(await describeTree(quarantined)).toEqual(copyBefore);
  });
});

describe('undo of a rename-quarantined item', () => {
  it('puts back an item the crash left with an intent and no done (moved) and one never moved', async () => {
    const ledger = await tempDir();
    const root = path.join(ledger, 'snapshots');
    await writeRandom(path.join(root, 'a'), 10);
    await writeRandom(path.join(root, 'b'), 10);
    const before = await describeTree(root);
    const q = await createQuarantine({ backupDir: path.join(ledger, 'q'), ledger, targetSlot: 1n, toolVersion: 't' });
    const items = ['a', 'b'].map((n) => ({ source: path.join(root, n), root, relativePath: n }));
    await quarantine(items, { quarantineDir: q.dir, journal: q.journal });
    await q.journal.close();
    const lines = (await readFile(q.journalPath, 'utf8')).split('\n').filter((l) => !l.includes('"type":"done"'));
    await writeFile(q.journalPath, lines.join('\n'));
    // "b" had not been renamed yet when the crash came.
    await rename(path.join(q.dir, rootKey(root), 'b'), path.join(root, 'b'));
    const result = await undo(q.journalPath);
    expect(result.items.map((i) => i.outcome)).toEqual(['moved-back', 'never-moved']);
    expect(await describeTree(root)).toEqual(before);
  });
});
