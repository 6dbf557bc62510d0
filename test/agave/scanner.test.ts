import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureArchives, resolveFolders, scanLedger } from '../../src/agave/scanner.js';
import { UserError } from '../../src/core/errors.js';
import { archiveBytes, bankSnapshot, fullName, incrementalName, touch } from '../support/ledger-tree.js';
import { tempDir } from '../support/temp-dir.js';

describe('resolveFolders', () => {
  it('applies Agave\'s defaults: snapshots → ledger, archive paths → snapshots', () => {
    expect(resolveFolders({ ledger: 'l' }, '/srv')).toEqual({ ledger: '/srv/l', snapshots: '/srv/l', fullArchives: '/srv/l', incrementalArchives: '/srv/l' });
    expect(resolveFolders({ ledger: '/l', snapshots: '/s', incrementalSnapshotArchivePath: 'i' }, '/srv')).toEqual({
      ledger: '/l', snapshots: '/s', fullArchives: '/s', incrementalArchives: '/srv/i',
    });
  });
});

describe('scanLedger', () => {
  it('reads the default layout: archives in the ledger and remote/, bank snapshots in snapshots/', async () => {
    const L = await tempDir();
    await touch(L, fullName(100));
    await touch(L, incrementalName(100, 150));
    await touch(L, `remote/${fullName(50)}`);
    await touch(L, 'tmp-snapshot-archive-200.tar.zst');
    await touch(L, `remote/${fullName(300)}.tmp`);
    await touch(L, 'genesis.bin');
    await touch(L, 'rocksdb/CURRENT');
    await touch(L, 'notes.txt');
    // snapplan's own files in the ledger: known (not listed), or a fetch in progress (listed, with why).
    await touch(L, 'snapplan-fetch-blacklist.json');
    await touch(L, 'snapplan-restart-flags.json');
    await touch(L, `${fullName(400)}.partial`);
    await bankSnapshot(path.join(L, 'snapshots'), 150);
    await bankSnapshot(path.join(L, 'snapshots'), 160, { omit: ['status_cache'] });
    await touch(L, 'snapshots/tmp-bank-snapshot-170/version');

    const inv = scanLedger(resolveFolders({ ledger: L }, '/'));
    expect(inv.archives.map((a) => [a.kind, a.slot, a.remote])).toEqual([
      ['full', 50n, true],
      ['full', 100n, false],
      ['incremental', 150n, false],
    ]);
    expect(inv.archives[0]?.path).toBe(path.join(L, 'remote', fullName(50)));
    // Names only: sizes are measured later, for the archives that matter.
    expect(inv.archives.map((a) => a.size)).toEqual([null, null, null]);
    const measured = measureArchives(inv, (a) => a.slot === 100n);
    expect(measured.archives.map((a) => a.size)).toEqual([null, archiveBytes(fullName(100)).length, null]);
    expect(inv.scannedArchiveFolders).toEqual([L, path.join(L, 'remote')]);
    expect(inv.bankSnapshots.map((b) => [b.slot, b.complete, b.problems])).toEqual([
      [150n, true, []],
      [160n, false, ['status_cache missing']],
    ]);
    const ignored = Object.fromEntries(inv.ignored.map((i) => [path.relative(L, i.path), i.reason]));
    expect(ignored).toEqual({
      'notes.txt': 'not a snapshot archive name',
      [`${fullName(400)}.partial`]: expect.stringMatching(/partial download by snapplan fetch/),
      [`remote/${fullName(300)}.tmp`]: expect.stringMatching(/partial download/),
      'snapshots/tmp-bank-snapshot-170': expect.stringMatching(/not a bank snapshot folder name/),
      'tmp-snapshot-archive-200.tar.zst': expect.stringMatching(/in-progress/),
    });
  });

  it('takes fulls only from the full folder and incrementals only from the incremental folder', async () => {
    const root = await tempDir();
    const L = path.join(root, 'ledger');
    const F = path.join(root, 'full');
    const I = path.join(root, 'inc');
    await touch(L, 'rocksdb/CURRENT');
    await touch(F, fullName(100));
    await touch(F, incrementalName(100, 150)); // misplaced: Agave never looks for it here
    await touch(I, incrementalName(100, 160));
    await touch(I, `remote/${incrementalName(100, 170)}`);
    await touch(I, fullName(90)); // misplaced
    const inv = scanLedger(resolveFolders({ ledger: L, fullSnapshotArchivePath: F, incrementalSnapshotArchivePath: I }, '/'));
    expect(inv.archives.map((a) => `${a.kind}@${a.slot}`)).toEqual(['full@100', 'incremental@160', 'incremental@170']);
    // Sorted by path: the misplaced incremental sits in full/, the misplaced full in inc/.
    expect(inv.ignored.map((i) => i.reason)).toEqual([
      `incremental archive outside the incremental-archive folder: Agave looks for it only in ${I}`,
      `full archive outside the full-archive folder: Agave looks for it only in ${F}`,
    ]);
  });

  it('finds bank snapshots in the older snapshot/ folder and under a separate incremental folder (pre-2.0)', async () => {
    const root = await tempDir();
    const L = path.join(root, 'ledger');
    const I = path.join(root, 'inc');
    await bankSnapshot(path.join(L, 'snapshot'), 10);
    await bankSnapshot(path.join(I, 'snapshots'), 20);
    const inv = scanLedger(resolveFolders({ ledger: L, incrementalSnapshotArchivePath: I }, '/'));
    expect(inv.bankSnapshots.map((b) => [b.slot, path.relative(root, b.root)])).toEqual([
      [10n, 'ledger/snapshot'],
      [20n, 'inc/snapshots'],
    ]);
  });

  it('judges a bank snapshot by the layout of its release: snapshot/<slot>/<slot> alone is a complete Solana 1.x one', async () => {
    const L = await tempDir();
    await bankSnapshot(path.join(L, 'snapshot'), 7, { omit: ['version', 'status_cache'] });
    await bankSnapshot(path.join(L, 'snapshot'), 8, { omit: ['version', 'status_cache', '8'] });
    await writeFile(path.join(L, 'snapshot', '8', '8.pre'), 'pre');
    await bankSnapshot(path.join(L, 'snapshot'), 9, { omit: ['version', 'status_cache'] });
    await writeFile(path.join(L, 'snapshot', '9', '9'), '');
    // The same files in Agave's snapshots/ folder: an Agave bank snapshot cut short.
    await bankSnapshot(path.join(L, 'snapshots'), 7, { omit: ['version', 'status_cache'] });
    const inv = scanLedger(resolveFolders({ ledger: L }, '/'));
    expect(inv.bankSnapshots.map((b) => [b.slot, path.basename(b.root), b.complete, b.layout ?? 'agave', b.problems])).toEqual([
      [7n, 'snapshot', true, 'solana-1.x', []],
      [7n, 'snapshots', false, 'agave', ['version file missing', 'status_cache missing']],
      [8n, 'snapshot', false, 'solana-1.x', ['only 8.pre (a Solana 1.x pre-hash bank, not loadable)']],
      [9n, 'snapshot', false, 'solana-1.x', ['9 empty']],
    ]);
  });

  it('reports why a bank snapshot is incomplete', async () => {
    const L = await tempDir();
    await bankSnapshot(path.join(L, 'snapshots'), 5, { omit: ['version', '5'] });
    await writeFile(path.join(L, 'snapshots', '5', '5.pre'), 'pre');
    await bankSnapshot(path.join(L, 'snapshots'), 6);
    await writeFile(path.join(L, 'snapshots', '6', 'status_cache'), '');
    const inv = scanLedger(resolveFolders({ ledger: L }, '/'));
    expect(inv.bankSnapshots.map((b) => b.problems)).toEqual([
      ['version file missing', 'only 5.pre (a Solana 1.x pre-hash bank, not loadable)'],
      ['status_cache empty'],
    ]);
  });

  it('follows a valid symlink to an archive elsewhere; lists what Agave would still pick by name, with its problem', async () => {
    const L = await tempDir();
    const elsewhere = await touch(await tempDir(), 'big.tar.zst', 'x'.repeat(1234));
    await symlink(elsewhere, path.join(L, fullName(100)));
    await symlink('/nonexistent/file', path.join(L, fullName(200)));
    await mkdir(path.join(L, fullName(300)));
    await symlink(path.join(L, fullName(400)), path.join(L, fullName(400))); // ELOOP: must not crash
    execFileSync('mkfifo', [path.join(L, incrementalName(100, 150))]);
    const inv = scanLedger(resolveFolders({ ledger: L }, '/'));
    expect(inv.archives.map((a) => [a.slot, a.size, a.problem?.code ?? null, a.problem?.message ?? null])).toEqual([
      [100n, 1234, null, null],
      [150n, null, 'not-a-file', 'is not a regular file'],
      [200n, null, 'unreadable', 'is a broken symbolic link (its target does not exist)'],
      [300n, null, 'not-a-file', 'is a directory, not an archive file'],
      [400n, null, 'unreadable', 'is a symbolic link loop'],
    ]);
    expect(inv.ignored).toEqual([]);
    // Sizes are never measured through a problem entry.
    expect(measureArchives(inv, () => true).archives.map((a) => a.size)).toEqual([1234, null, null, null, null]);
  });

  it('refuses a missing ledger, a file given as a folder, and a missing --snapshots folder', async () => {
    const root = await tempDir();
    await touch(root, 'file');
    expect(() => scanLedger(resolveFolders({ ledger: path.join(root, 'nope') }, '/'))).toThrow(/does not exist/);
    expect(() => scanLedger(resolveFolders({ ledger: path.join(root, 'file') }, '/'))).toThrow(/is not a folder/);
    expect(() => scanLedger(resolveFolders({ ledger: root, snapshots: path.join(root, 'snaps') }, '/'))).toThrow(UserError);
  });
});
