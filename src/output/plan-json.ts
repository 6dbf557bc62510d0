import type { BlockstoreReport, LedgerToolInfo } from '../agave/blockstore/blockstore-source.js';
import type { BankSnapshot, Inventory, SnapshotArchive } from '../agave/inventory.js';
import type { Plan } from '../agave/plan-model.js';

/** Bumped only on breaking changes; additions keep the number. Documented in README. */
export const PLAN_SCHEMA_VERSION = 1;

/** The `--json` document of `snapplan plan`; its JSON Schema is src/output/plan.schema.json. */
export function planDocument(plan: Plan, inventory: Inventory, blockstore: BlockstoreReport, ledgerTool: LedgerToolInfo | null) {
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    command: 'plan',
    targetSlot: plan.targetSlot,
    reachable: plan.reachable,
    base: plan.base ? { full: archiveJson(plan.base.full), incremental: plan.base.incremental ? archiveJson(plan.base.incremental) : null } : null,
    baseSlot: plan.baseSlot,
    blocks: {
      needed: plan.blocks.needed,
      available: plan.blocks.available,
      missing: plan.blocks.missing,
      source: plan.blocks.source,
      slotCount: blockstore.slots?.total ?? null,
      // false when the native reader only sought the first and last slot (plan without --count)
      counted: blockstore.slots === null || blockstore.slots.total !== null,
      roots: blockstore.roots,
      chain: plan.blocks.chain ?? null,
    },
    quarantineDir: plan.quarantineDir,
    quarantine: plan.quarantine.map((q) => ({
      path: q.path,
      kind: q.kind,
      slot: q.slot,
      reason: q.reason,
      destination: q.destination,
    })),
    findings: plan.findings,
    ignored: plan.ignored,
    commands: plan.commands,
    folders: plan.folders,
    ledgerTool: ledgerTool ? { path: ledgerTool.path, version: ledgerTool.version, versionText: ledgerTool.versionText, flagEra: plan.flagEra } : null,
    inventory: {
      archiveFolders: inventory.scannedArchiveFolders,
      bankSnapshotFolders: inventory.scannedBankFolders,
      archives: inventory.archives.map(archiveJson),
      bankSnapshots: inventory.bankSnapshots.map(bankJson),
    },
  };
}

export function archiveJson(a: SnapshotArchive) {
  // Two literal shapes rather than a conditional spread: this runs once per archive (10,000+).
  const problem = a.problem ?? null;
  const checked = a.checked ?? 'none';
  return a.kind === 'incremental'
    ? { kind: a.kind, slot: a.slot, baseSlot: a.baseSlot, hash: a.hash, format: a.format, legacy: a.legacy, path: a.path, remote: a.remote, size: a.size, problem, checked }
    : { kind: a.kind, slot: a.slot, hash: a.hash, format: a.format, legacy: a.legacy, path: a.path, remote: a.remote, size: a.size, problem, checked };
}

function bankJson(b: BankSnapshot) {
  return { slot: b.slot, path: b.path, complete: b.complete, problems: b.problems, layout: b.layout ?? 'agave' };
}
