import { describe, expect, it } from 'vitest';
import { checkRestartBootSpace, restartBootCopyEstimate } from '../../src/agave/restart-boot-backups.js';
import { UserError } from '../../src/core/errors.js';

const MiB = 2 ** 20;

describe('the restart boot copy: estimate and space check', () => {
  it.each<[string, number, { first: bigint; last: bigint } | null, bigint, number]>([
    ['no blockstore range', 1000 * MiB, null, 100n, 0],
    ['nothing above R', 1000 * MiB, { first: 1n, last: 100n }, 100n, 0],
    ['R beyond the range', 1000 * MiB, { first: 1n, last: 100n }, 150n, 0],
    ['a quarter above R', 1000 * MiB, { first: 1n, last: 100n }, 75n, 250 * MiB],
    ['R below the range: everything', 1000 * MiB, { first: 50n, last: 149n }, 10n, 1000 * MiB],
    ['an empty rocksdb folder', 0, { first: 1n, last: 100n }, 50n, 0],
  ])('%s', (_name, bytes, slots, R, expected) => {
    expect(restartBootCopyEstimate(bytes, slots, R)).toBe(expected);
  });

  it('refuses (exit 2) when the copy does not fit after what apply writes, naming the sizes', () => {
    const input = { ledger: '/mnt/ledger', rocksdbBytes: 1000 * MiB, slots: { first: 1n, last: 100n }, restartSlot: 75n };
    expect(checkRestartBootSpace({ ...input, freeBytes: 600 * MiB, alreadyNeeded: 300 * MiB })).toBe(250 * MiB);
    const error = (() => {
      try {
        checkRestartBootSpace({ ...input, freeBytes: 500 * MiB, alreadyNeeded: 300 * MiB });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      'Not enough free space in /mnt/ledger for the restart boot: it copies the blocks above slot 75 (about 250 MiB) into rocksdb_backup_* there, and after this apply about 200 MiB are free.',
    );
  });
});

describe('apply counts the restart boot copy in its preflight', () => {
  it('refuses before anything moves when the copy of the blocks above R would not fit', async () => {
    const [{ applyPlan }, { realFileSystem }, { restartLedger, X }, { fingerprintTree }] = await Promise.all([
      import('../../src/agave/apply/apply-service.js'),
      import('../../src/agave/apply/preflight.js'),
      import('../support/restart-ledger.js'),
      import('../support/tree-snapshot.js'),
    ]);
    const { root, L, env } = await restartLedger();
    // apply's lock file comes and goes in the ledger folder: folder mtimes move, nothing else.
    const before = await fingerprintTree(root, { ignoreFolderMtimes: true });
    // Room for the new archive (a few KiB here), not for a third of the real demo blockstore.
    const fileSystem = { ...realFileSystem, freeBytes: () => 8192 };
    const run = applyPlan(
      {
        folders: { ledger: L }, target: BigInt(X), boundsFrom: 'native', ledgerToolTimeoutMs: 10_000, incremental: false,
        deactivateFeatureGates: [], destakeVoteAccounts: [], removeAccounts: [], enableCapitalizationChange: false, extraArgs: [], dryRun: false, createTimeoutMs: 0,
      },
      { cwd: root, env, now: new Date('2026-11-29T12:00:00Z'), toolVersion: '0.1.0', confirm: async () => true, fileSystem, findValidators: () => [] },
    );
    await expect(run).rejects.toThrow(/^Not enough free space in .* for the restart boot: it copies the blocks above slot 289624982 \(about [0-9.]+ KiB\)/);
    expect(await fingerprintTree(root, { ignoreFolderMtimes: true })).toEqual(before);
  });
});
