import { describe, expect, it } from 'vitest';
import type { BlockstoreReport } from '../../src/agave/blockstore/blockstore-source.js';
import type { Inventory, SnapshotArchive } from '../../src/agave/inventory.js';
import { preflight, type FileSystemProbe } from '../../src/agave/apply/preflight.js';
import { planRestartSnapshot } from '../../src/agave/planner.js';
import { UserError } from '../../src/core/errors.js';

const L = '/mnt/ledger';
const folders = { ledger: L, snapshots: L, fullArchives: L, incrementalArchives: L };
const archive = (slot: bigint, size: number): SnapshotArchive => ({
  kind: 'full', slot, hash: '11111111111111111111111111111111', format: 'tar.zst', legacy: false,
  path: `${L}/snapshot-${slot}-11111111111111111111111111111111.tar.zst`, root: L, remote: false, size,
});
const inventory: Inventory = { folders, scannedArchiveFolders: [L], scannedBankFolders: [], archives: [archive(200n, 1000 * 2 ** 20), archive(400n, 900 * 2 ** 20)], bankSnapshots: [], ignored: [] };
const blocks: BlockstoreReport = { source: 'manual', slots: { total: 500n, first: 0n, last: 500n }, roots: null };
const plan = planRestartSnapshot(inventory, blocks, { target: 300n, ledgerToolVersion: '2.1.13', ledgerToolCommand: 'agave-ledger-tool', backupDir: '/backup', now: new Date(0) });

/** A file system probe with two devices: the ledger's (1) and /backup's (2, unless told). */
function probe(options: { free?: Record<number, number>; backupDevice?: number; readOnly?: string[] } = {}): FileSystemProbe {
  const device = (p: string) => (p.startsWith('/backup') ? (options.backupDevice ?? 2) : 1);
  return {
    freeBytes: (dir) => options.free?.[device(dir)] ?? 10 * 2 ** 30,
    device,
    writable: (dir) => !(options.readOnly ?? []).includes(dir),
    size: async () => 900 * 2 ** 20,
  };
}

const input = (fileSystem: FileSystemProbe) => ({ plan, backupDir: '/backup', outputDir: L, validators: [], fileSystem });

describe('apply preflight', () => {
  it('passes and sizes the new archive like the base plus 10 %, and the copies across file systems', async () => {
    const report = await preflight(input(probe()));
    expect(report.snapshotBytes).toBe(Math.ceil(1000 * 2 ** 20 * 1.1));
    // The newer archive (900 MiB) is copied to /backup, and so is the base (no hard link across devices).
    expect(report.copyBytes).toBe(900 * 2 ** 20 + 1000 * 2 ** 20);
    expect(report.backupOnSameFileSystem).toBe(false);
  });

  it('needs no copies when the backup folder is on the ledger\'s file system', async () => {
    const report = await preflight(input(probe({ backupDevice: 1 })));
    expect(report).toMatchObject({ copyBytes: 0, backupOnSameFileSystem: true });
  });

  it.each([
    ['no room for the snapshot', probe({ free: { 1: 100 * 2 ** 20 } }), /Not enough free space on the file system of \/mnt\/ledger: about 1100\.0 MiB needed, 100\.0 MiB free/],
    ['no room for the copies', probe({ free: { 2: 10 * 2 ** 20 } }), /Not enough free space on the file system of \/backup/],
    ['a folder it cannot write', probe({ readOnly: [L] }), /cannot write to \/mnt\/ledger/],
  ])('refuses: %s', async (_name, fileSystem, message) => {
    await expect(preflight(input(fileSystem))).rejects.toThrow(UserError);
    await expect(preflight(input(fileSystem))).rejects.toThrow(message);
  });

  it('refuses while a validator runs on the ledger, and when the plan is not reachable', async () => {
    await expect(preflight({ ...input(probe()), validators: [{ pid: 42, commandLine: 'agave-validator --ledger /mnt/ledger', evidence: '--ledger /mnt/ledger' }] })).rejects.toThrow(/pid 42, --ledger \/mnt\/ledger/);
    const unreachable = planRestartSnapshot(inventory, blocks, { target: 100n, ledgerToolVersion: '2.1.13', ledgerToolCommand: 'x', backupDir: '/backup', now: new Date(0) });
    await expect(preflight({ ...input(probe()), plan: unreachable })).rejects.toThrow(/cannot be created: Every snapshot archive is at or after slot 100/);
  });
});
