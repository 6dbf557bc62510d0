import path from 'node:path';
import type { ApplyOutcome } from '../../src/agave/apply/apply-model.js';
import type { BlockstoreReport } from '../../src/agave/blockstore/blockstore-source.js';
import type { Inventory, SnapshotArchive } from '../../src/agave/inventory.js';
import type { PlanOutcome } from '../../src/agave/plan-service.js';
import { planRestartSnapshot } from '../../src/agave/planner.js';
import type { QuarantineSummary } from '../../src/ops/quarantine-status.js';
import type { LedgerOverview } from '../../src/ui/model.js';
import { fullName, hashFor, incrementalName } from '../support/ledger-tree.js';

/** In-memory data with fixed paths, so frames can be compared as text. */
export const L = '/srv/ledger';

function archive(name: string, slot: bigint, size: number, baseSlot?: bigint, remote = false): SnapshotArchive {
  return {
    kind: baseSlot === undefined ? 'full' : 'incremental',
    slot,
    baseSlot,
    hash: hashFor(name),
    format: 'tar.zst',
    legacy: false,
    path: path.join(L, remote ? 'remote' : '', name),
    root: L,
    remote,
    size,
  };
}

export const inventory: Inventory = {
  folders: { ledger: L, snapshots: L, fullArchives: L, incrementalArchives: L },
  scannedArchiveFolders: [L, path.join(L, 'remote')],
  scannedBankFolders: [path.join(L, 'snapshots')],
  archives: [
    archive(fullName(289550000), 289550000n, 81 * 2 ** 30, undefined, true),
    archive(fullName(289600000), 289600000n, 83 * 2 ** 30),
    archive(incrementalName(289600000, 289624900), 289624900n, 1.2 * 2 ** 30, 289600000n),
    archive(fullName(289625000), 289625000n, 84 * 2 ** 30),
    archive(incrementalName(289625000, 289625100), 289625100n, 0.4 * 2 ** 30, 289625000n),
  ],
  bankSnapshots: [{ slot: 289625100n, path: path.join(L, 'snapshots', '289625100'), root: path.join(L, 'snapshots'), complete: true, problems: [] }],
  ignored: [{ path: path.join(L, 'tmp-snapshot-archive-289625300.tar.zst'), reason: 'in-progress archive (tmp-snapshot-archive-*): being written or left by a crash' }],
};

export const blockstore: BlockstoreReport = {
  source: 'native',
  slots: { total: 1303n, first: 289624000n, last: 289625410n },
  roots: { total: 1275n, first: 289624000n, last: 289625380n },
};

export const overview: LedgerOverview = { inventory, blockstore, blockstoreError: null };

export function planFor(target: bigint): PlanOutcome {
  const plan = planRestartSnapshot(inventory, blockstore, {
    target,
    ledgerToolVersion: '2.1.13',
    ledgerToolCommand: 'agave-ledger-tool',
    backupDir: path.join(L, 'snapplan-quarantine'),
    now: new Date('2026-11-21T12:00:00Z'),
  });
  return { inventory, blockstore, ledgerTool: null, plan };
}

export const command = ['/usr/local/bin/agave-ledger-tool', '--ledger', L, '--snapshots', L, '--incremental-snapshot-archive-path', L, 'create-snapshot', '289624982', L, '--hard-fork', '289624982'];

export function outcome(overrides: Partial<ApplyOutcome> = {}): ApplyOutcome {
  const plan = planFor(289624982n).plan;
  const bankHash = hashFor('bank');
  return {
    plan,
    dryRun: false,
    command,
    quarantine: { dir: plan.quarantineDir, journalPath: path.join(plan.quarantineDir, 'journal.jsonl'), moved: [], kept: [] },
    logFile: path.join(plan.quarantineDir, 'ledger-tool.log'),
    created: { slot: 289624982n, bankHash, archivePath: path.join(L, `snapshot-289624982-${hashFor('new')}.tar.zst`), baseSlot: null, shredVersion: 62405, capitalizationChange: null },
    checks: { bankHash: 'match', shredVersion: 'not-given' },
    restartFlags: ['--wait-for-supermajority', '289624982', '--expected-bank-hash', bankHash, '--expected-shred-version', '62405', '--hard-fork', '289624982', '--no-snapshot-fetch'],
    advice: ['No bank snapshot at or after 289624982 remains: the validator boots from the new archive. --use-snapshot-archives-at-startup always makes sure of it.'],
    error: null,
    hardFork: 289624982n,
    ...overrides,
  };
}

export function quarantineSummary(overrides: Partial<QuarantineSummary> = {}): QuarantineSummary {
  const dir = path.join(L, 'snapplan-quarantine', 'snapplan-20261121T120000Z-slot-289624982');
  return {
    dir,
    journalPath: path.join(dir, 'journal.jsonl'),
    createdAt: '2026-11-21T12:00:00.000Z',
    targetSlot: 289624982n,
    ledger: L,
    state: 'complete',
    writer: { pid: 4242, host: 'validator-1', liveness: 'dead' },
    items: { total: 3, quarantined: 3, unfinished: 0, undone: 0, notMoved: 0, conflicts: 0, createdAside: 0 },
    bytes: { quarantined: 84.4 * 2 ** 30, kept: 84.2 * 2 ** 30 },
    kept: [],
    tornLine: false,
    tool: { state: 'not-run', command: null, logFile: null, created: null, newEntries: [] },
    damaged: [],
    ...overrides,
  };
}
