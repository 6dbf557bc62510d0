import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { OperationCancelledError, UserError } from '../../src/core/errors.js';
import { readJournal } from '../../src/ops/journal.js';
import type { IntentRecord } from '../../src/ops/journal.js';
import { preserveCopies, restoreKeptCopies } from '../../src/ops/preserve-copies.js';
import { closeQuarantine, createQuarantine } from '../../src/ops/quarantine-dir.js';
import { quarantineStatus } from '../../src/ops/quarantine-status.js';
import { previewQuarantine, quarantine } from '../../src/ops/quarantine.js';
import type { QuarantineItem } from '../../src/ops/quarantine.js';
import { rootKey } from '../../src/ops/root-key.js';
import { undo } from '../../src/ops/undo.js';
import { makeLedger } from './fixture.js';
import { cleanupTemp, describeTree, listFiles, otherFilesystem, tempDir } from './helpers.js';

afterEach(cleanupTemp);

/** Buffers compared by hash: vitest's deep equality walks them byte by byte (seconds per MB). */
const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

async function setup(backupBase?: string) {
  const ledger = await tempDir();
  const { items, roots } = await makeLedger(ledger);
  const backupDir = backupBase === undefined ? path.join(ledger, 'snapplan-quarantine') : await tempDir('snapplan-backup-', backupBase);
  const before = await describeTree(ledger);
  const q = await createQuarantine({ backupDir, ledger, targetSlot: 300n, toolVersion: '0.0.0-test', now: new Date('2025-02-03T04:05:06.789Z') });
  // Tests that stop at a refusal never close the journal; close it for them (idempotent).
  onTestFinished(() => q.journal.close());
  return { ledger, items, roots, backupDir, before, q };
}

/** The ledger tree without the quarantine folder (which may live inside it). */
async function ledgerTree(ledger: string) {
  const tree = await describeTree(ledger);
  for (const key of [...tree.keys()]) if (key.startsWith('snapplan-quarantine')) tree.delete(key);
  return tree;
}

const modes: { name: string; forceCopy: boolean; base: () => string | null | undefined }[] = [
  { name: 'rename (same filesystem)', forceCopy: false, base: () => undefined },
  { name: 'forced copy (same filesystem)', forceCopy: true, base: () => undefined },
  { name: 'copy across filesystems (/dev/shm)', forceCopy: false, base: otherFilesystem },
];

describe.each(modes)('quarantine and undo: $name', ({ forceCopy, base }) => {
  it('moves every item below <quarantine>/<rootKey>/<relativePath>, journaled, and undo puts every byte back', async (ctx) => {
    const where = base();
    if (where === null) return ctx.skip();
    const { ledger, items, before, q } = await setup(where);
    const progress: string[] = [];
    const result = await quarantine(items, { quarantineDir: q.dir, journal: q.journal, forceCopy, onProgress: (p) => progress.push(p.phase) });
    await closeQuarantine(q.journal, 'complete');

    expect(path.basename(q.dir)).toBe('snapplan-20250203T040506Z-slot-300');
    expect(result.moved).toHaveLength(items.length);
    const expectedMethod = forceCopy || where !== undefined ? 'copy' : 'rename';
    for (const moved of result.moved) expect(moved.method).toBe(expectedMethod);
    for (const item of items) {
      const destination = path.join(q.dir, rootKey(item.root), item.relativePath);
      const inQuarantine = await describeTree(path.dirname(destination));
      expect(inQuarantine.has(path.basename(destination))).toBe(true);
      await expect(stat(item.source).catch(() => null)).resolves.toBeNull();
    }
    // Bytes, modes and symlink targets survived the trip.
    const banked = await describeTree(path.join(q.dir, rootKey(items[4]!.root), '300'));
    for (const [rel, facts] of banked) expect(before.get(path.join('bank', '300', rel))).toEqual(facts);
    const mtime = (await stat(path.join(q.dir, rootKey(items[0]!.root), 'snapshot-200-BBB.tar.zst'))).mtime;
    expect(mtime.toISOString()).toBe('2024-05-01T00:00:00.000Z');
    expect(await readFile(path.join(ledger, 'snapshots', 'keep-me.txt'))).toHaveLength(100);
    expect(progress.filter((p) => p === 'move' || p === 'done')).toHaveLength(items.length);

    const journal = await readJournal(q.journalPath);
    const intents = journal.records.filter((r): r is IntentRecord => r.type === 'intent');
    expect(intents.map((r) => r.source)).toEqual(items.map((i) => i.source));
    expect(journal.records.filter((r) => r.type === 'done')).toHaveLength(items.length);
    expect(journal.records.filter((r) => r.type === 'copied')).toHaveLength(expectedMethod === 'copy' ? items.length : 0);
    expect((await quarantineStatus(q.dir)).state).toBe('complete');

    const undone = await undo(q.journalPath, { forceCopy });
    expect(undone.conflicts).toEqual([]);
    expect(undone.restored).toBe(items.length);
    expect(await ledgerTree(ledger)).toEqual(before);
    expect(await listFiles(q.dir)).toEqual(['journal.jsonl']);
    expect((await quarantineStatus(q.dir)).state).toBe('undone');

    // Idempotent.
    const again = await undo(q.journalPath, { forceCopy });
    expect(again.restored).toBe(0);
    expect(again.items.every((i) => i.outcome === 'was-undone')).toBe(true);
    expect(await ledgerTree(ledger)).toEqual(before);
  });

  it('refuses to overwrite a file that reappeared, changes nothing for that item, and restores the rest', async (ctx) => {
    const where = base();
    if (where === null) return ctx.skip();
    const { items, q } = await setup(where);
    await quarantine(items, { quarantineDir: q.dir, journal: q.journal, forceCopy });
    await closeQuarantine(q.journal, 'complete');
    const reappeared = items[0]!.source;
    await writeFile(reappeared, 'a new file with the same name');
    const quarantined = path.join(q.dir, rootKey(items[0]!.root), items[0]!.relativePath);
    const before = await readFile(quarantined);

    const result = await undo(q.journalPath, { forceCopy });
    expect(result.conflicts).toHaveLength(1);
    expect(result.conflicts[0]).toBeInstanceOf(UserError);
    expect(result.conflicts[0]!.source).toBe(reappeared);
    expect(result.conflicts[0]!.paths).toEqual([reappeared]);
    expect(await readFile(reappeared, 'utf8')).toBe('a new file with the same name');
    expect(sha(await readFile(quarantined))).toBe(sha(before));
    expect(result.restored).toBe(items.length - 1);
    const status = await quarantineStatus(q.dir);
    expect(status.state).toBe('partly-undone');
    expect(status.items).toMatchObject({ quarantined: 1, conflicts: 1, undone: items.length - 1 });

    // Once the operator moves the newcomer away, undo finishes.
    await writeFile(reappeared + '.new', await readFile(reappeared));
    await unlink(reappeared);
    const second = await undo(q.journalPath, { forceCopy });
    expect(second.conflicts).toEqual([]);
    expect(second.restored).toBe(1);
    expect(sha(await readFile(reappeared))).toBe(sha(before));
  });
});

describe('quarantine refusals (nothing moves)', () => {
  async function refused(mutate: (items: QuarantineItem[], ledger: string, quarantineDir: string) => Promise<QuarantineItem[]> | QuarantineItem[], message: RegExp) {
    const { ledger, items, q } = await setup();
    const bad = await mutate([...items], ledger, q.dir);
    const before = await ledgerTree(ledger);
    await expect(quarantine(bad, { quarantineDir: q.dir, journal: q.journal })).rejects.toThrow(message);
    await expect(quarantine(bad, { quarantineDir: q.dir, journal: q.journal })).rejects.toBeInstanceOf(UserError);
    expect(await ledgerTree(ledger)).toEqual(before);
    expect((await readJournal(q.journalPath)).records).toEqual([]);
  }

  it('a relative path with ..', () =>
    refused((items, ledger) => [...items, { source: path.join(ledger, 'snapshots', 'keep-me.txt'), root: path.join(ledger, 'incremental'), relativePath: '../snapshots/keep-me.txt' }], /no "\.\."/));
  it('an absolute relative path', () =>
    refused((items, ledger) => [...items, { source: path.join(ledger, 'snapshots', 'keep-me.txt'), root: path.join(ledger, 'snapshots'), relativePath: '/keep-me.txt' }], /no "\.\."/));
  it('a source that is not root/relativePath', () =>
    refused((items, ledger) => [...items, { source: path.join(ledger, 'snapshots', 'keep-me.txt'), root: path.join(ledger, 'snapshots'), relativePath: 'other.txt' }], /is not other\.txt under/));
  it('an item twice', () => refused((items) => [...items, items[0]!], /listed twice/));
  it('an item inside another', () =>
    refused((items, ledger) => [...items, { source: path.join(ledger, 'bank', '300', '300'), root: path.join(ledger, 'bank'), relativePath: '300/300' }], /lies inside item/));
  it('a missing source', () =>
    refused((items, ledger) => [...items, { source: path.join(ledger, 'snapshots', 'nope'), root: path.join(ledger, 'snapshots'), relativePath: 'nope' }], /does not exist/));
  it('a symlinked folder between root and item', async () =>
    refused(async (items, ledger) => {
      await symlink(path.join(ledger, 'bank'), path.join(ledger, 'snapshots', 'escape'));
      return [...items, { source: path.join(ledger, 'snapshots', 'escape', '300', '300'), root: path.join(ledger, 'snapshots'), relativePath: 'escape/300/300' }];
    }, /does not follow links/));
  it('an existing destination', () =>
    refused(async (items, _ledger, quarantineDir) => {
      const first = items[0]!;
      await mkdir(path.join(quarantineDir, rootKey(first.root)), { recursive: true });
      await writeFile(path.join(quarantineDir, rootKey(first.root), first.relativePath), 'x');
      return items;
    }, /never overwrites/));
  it('an item that contains the quarantine folder', () =>
    refused((items, ledger) => [{ source: path.join(ledger, 'snapplan-quarantine'), root: ledger, relativePath: 'snapplan-quarantine' }, ...items.slice(1)], /quarantine folder/));
});

describe('root keys', () => {
  it('are readable, stable and distinct for roots with the same name', () => {
    expect(rootKey('/mnt/a/snapshots')).toMatch(/^snapshots-[0-9a-f]{8}$/);
    expect(rootKey('/mnt/a/snapshots')).toBe(rootKey('/mnt/a/snapshots'));
    expect(rootKey('/mnt/a/snapshots')).not.toBe(rootKey('/mnt/b/snapshots'));
    expect(rootKey('/')).toMatch(/^root-/);
    expect(rootKey('/x/.hidden dir')).toMatch(/^hidden_dir-/);
  });
});

describe('preserveCopies', () => {
  it.each([false, true])('keeps safety copies (forceCopy=%s) that undo leaves in place and status lists', async (forceCopy) => {
    const { ledger, items, q } = await setup();
    const archive = path.join(ledger, 'snapshots', 'snapshot-100-AAA.tar.zst');
    const bytes = await readFile(archive);
    const kept = await preserveCopies([archive], { quarantineDir: q.dir, journal: q.journal, forceCopy });
    expect(kept[0]).toMatchObject({ method: forceCopy ? 'copy' : 'link', size: bytes.length });
    expect(sha(await readFile(kept[0]!.destination))).toBe(sha(bytes));
    if (!forceCopy) expect((await stat(archive)).ino).toBe((await stat(kept[0]!.destination)).ino);
    await quarantine(items, { quarantineDir: q.dir, journal: q.journal });
    await closeQuarantine(q.journal, 'complete');
    const status = await quarantineStatus(q.dir);
    expect(status.kept.map((k) => k.source)).toEqual([archive]);
    expect(status.bytes.kept).toBe(bytes.length);
    await undo(q.journalPath);
    expect(sha(await readFile(kept[0]!.destination))).toBe(sha(bytes));
    expect(sha(await readFile(archive))).toBe(sha(bytes));
    await expect(preserveCopies([archive], { quarantineDir: q.dir, journal: q.journal })).rejects.toThrow(/never overwrites/);

    // agave#3198: the original vanished; the kept copy brings it back, and never replaces a file.
    await unlink(archive);
    const restored = await restoreKeptCopies(status.kept, { forceCopy });
    expect(restored).toEqual([{ source: archive, from: kept[0]!.destination, method: forceCopy ? 'copy' : 'link' }]);
    expect(sha(await readFile(archive))).toBe(sha(bytes));
    expect(await restoreKeptCopies(status.kept)).toEqual([]);
    expect(await listFiles(path.join(ledger, 'snapshots'))).not.toContainEqual(expect.stringMatching(/snapplan-restore/));
  });
});

describe('cancellation', () => {
  it('stops between items with a consistent journal that undo can use', async () => {
    const { ledger, items, before, q } = await setup();
    const controller = new AbortController();
    const promise = quarantine(items, {
      quarantineDir: q.dir,
      journal: q.journal,
      forceCopy: true,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'done' && p.index === 1) controller.abort();
      },
    });
    await expect(promise).rejects.toBeInstanceOf(OperationCancelledError);
    await closeQuarantine(q.journal, 'cancelled');
    expect((await quarantineStatus(q.dir)).state).toBe('cancelled');
    await undo(q.journalPath);
    expect(await ledgerTree(ledger)).toEqual(before);
  });
});

describe('previewQuarantine', () => {
  it('plans destinations and methods without moving, even before the quarantine folder exists', async () => {
    const ledger = await tempDir();
    const { items } = await makeLedger(ledger);
    const before = await describeTree(ledger);
    const quarantineDir = path.join(ledger, 'snapplan-quarantine', 'snapplan-20250101T000000Z-slot-1');
    const preview = await previewQuarantine(items, { quarantineDir });
    expect(preview.items.map((i) => i.method)).toEqual(items.map(() => 'rename'));
    expect(preview.items[0]!.destination).toBe(path.join(quarantineDir, rootKey(items[0]!.root), items[0]!.relativePath));
    expect(preview.bytesToCopy).toBe(0);
    expect(preview.bytesToRename).toBe(5_000_000 + 50_000 + 10_000 + 70_000 + 1_234);
    expect((await previewQuarantine(items, { quarantineDir, forceCopy: true })).bytesToCopy).toBe(preview.bytesToRename);
    const shm = otherFilesystem();
    if (shm !== null) expect((await previewQuarantine(items, { quarantineDir: path.join(shm, 'nonexistent-q') })).bytesToRename).toBe(0);
    expect(await describeTree(ledger)).toEqual(before);
    await expect(previewQuarantine([...items, items[0]!], { quarantineDir })).rejects.toThrow(/listed twice/);
  });
});
