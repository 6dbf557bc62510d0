import { describe, expect, it } from 'vitest';
import { collectResult, parseCreateSnapshotLine, type CreateSnapshotEvent } from '../../src/agave/ledger-tool/create-snapshot-output.js';

// Exact stdout of `agave-ledger-tool create-snapshot` (ledger-tool/src/main.rs), including the
// Feb 2024 testnet restart, where --deactivate-feature-gate moved the slot to X+1.
const FULL_RUN = [
  'Creating a version 1.2.0 snapshot of slot 254108257',
  'Successfully created snapshot for slot 254108257, hash 4TR1BWvPBdu3WMQ7Rcjk8k7LnfEg4BYY4aKFVkbbxG8p: /mnt/ledger/snapshot-254108257-7LZmR4mF7g7wdVxgQDvYNQ4MvmPqqDzZkw2BDY7uvL8Y.tar.zst',
  'Shred version: 35459',
];

function run(lines: string[], stream: 'stdout' | 'stderr' = 'stdout'): CreateSnapshotEvent[] {
  return lines.map((l) => parseCreateSnapshotLine(stream, l)).filter((e): e is CreateSnapshotEvent => e !== null);
}

describe('create-snapshot output', () => {
  it('reads the slot, bank hash, archive path and shred version of a full snapshot', () => {
    expect(collectResult(run(FULL_RUN))).toEqual({
      slot: 254108257n,
      bankHash: '4TR1BWvPBdu3WMQ7Rcjk8k7LnfEg4BYY4aKFVkbbxG8p',
      archivePath: '/mnt/ledger/snapshot-254108257-7LZmR4mF7g7wdVxgQDvYNQ4MvmPqqDzZkw2BDY7uvL8Y.tar.zst',
      baseSlot: null,
      shredVersion: 35459,
      capitalizationChange: null,
    });
  });

  it('reads an incremental snapshot with its base, and a capitalization change', () => {
    const events = run([
      'Creating a version 1.2.0 incremental snapshot of slot 300',
      'Successfully created incremental snapshot for slot 300, hash 11111111111111111111111111111111, base slot: 200: /l/incremental-snapshot-200-300-x.tar.zst',
      'Capitalization change: -1234 lamports',
      'Shred version: 1',
    ]);
    expect(events[0]).toEqual({ type: 'creating', slot: 300n, incremental: true });
    expect(collectResult(events)).toMatchObject({ slot: 300n, baseSlot: 200n, capitalizationChange: '-1234', shredVersion: 1 });
  });

  it('turns log lines into phases and ignores the rest', () => {
    expect(run(['[2026-11-21T00:00:00.000000000Z INFO  solana_runtime::snapshot_bank_utils] Loading bank from full snapshot archive: /l/s.tar.zst, and incremental snapshot archive: None'], 'stderr')).toEqual([{ type: 'phase', phase: 'loading' }]);
    expect(run(['[x INFO  solana_runtime::snapshot_utils] Successfully created /l/snapshot-1-a.tar.zst. slot: 1, elapsed ms: 5, size: 9'], 'stderr')).toEqual([{ type: 'phase', phase: 'archiving' }]);
    expect(run(['random noise', 'Shred version: 70000', 'Successfully created snapshot for slot 1, hash 0OIl: /x'])).toEqual([]);
  });

  it('has no result when the tool never says it succeeded', () => {
    expect(collectResult(run(['Creating a version 1.2.0 snapshot of slot 5']))).toBeNull();
  });
});
