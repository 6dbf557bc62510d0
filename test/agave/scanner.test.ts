import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureArchives, resolveFolders, scanLedger } from '../../src/agave/scanner.js';
import { UserError } from '../../src/core/errors.js';
import { bankSnapshot, fullName, incrementalName, touch } from '../support/ledger-tree.js';
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
    expect(measured.archives.map((a) => a.size)).toEqual([null, `stand-in ${fullName(100)}\n`.length, null]);
    expect(inv.scannedArchiveFolders).toEqual([L, path.join(L, 'remote')]);
    expect(inv.bankSnapshots.map((b) => [b.slot, b.complete, b.problems])).toEqual([
      [150n, true, []],
      [160n, false, ['status_cache missing']],
    ]);
    const ignored = Object.fromEntries(inv.ignored.map((i) => [path.relative(L, i.path), i.reason]));
    expect(ignored).toEqual({
      'notes.txt': 'not a snapshot archive name',
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

  it('follows a symlinked archive for its size and ignores a broken one or an archive-named folder', async () => {
    const L = await tempDir();
    const elsewhere = await touch(await tempDir(), 'big.tar.zst', 'x'.repeat(1234));
    await symlink(elsewhere, path.join(L, fullName(100)));
    await symlink('/nonexistent/file', path.join(L, fullName(200)));
    await mkdir(path.join(L, fullName(300)));
    const inv = scanLedger(resolveFolders({ ledger: L }, '/'));
    expect(inv.archives.map((a) => [a.slot, a.size])).toEqual([[100n, 1234]]);
    expect(inv.ignored.map((i) => i.reason).sort()).toEqual(['broken symbolic link', 'has an archive name but is not a regular file']);
  });

  it('refuses a missing ledger, a file given as a folder, and a missing --snapshots folder', async () => {
    const root = await tempDir();
    await touch(root, 'file');
    expect(() => scanLedger(resolveFolders({ ledger: path.join(root, 'nope') }, '/'))).toThrow(/does not exist/);
    expect(() => scanLedger(resolveFolders({ ledger: path.join(root, 'file') }, '/'))).toThrow(/is not a folder/);
    expect(() => scanLedger(resolveFolders({ ledger: root, snapshots: path.join(root, 'snaps') }, '/'))).toThrow(UserError);
  });
});
