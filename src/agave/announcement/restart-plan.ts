import type { Slot } from '../../core/slot.js';
import { formatBytes } from '../../core/format.js';
import type { Finding } from '../findings.js';
import type { Inventory } from '../inventory.js';
import type { Plan } from '../plan-model.js';
import { chooseBase, visibleArchives } from '../planner.js';
import { findRestartBootBackups, type RestartBootBackup } from '../restart-boot-backups.js';
import type { Announcement } from './announcement.js';
import { restartReport, withFindings, type RestartReport } from './restart-checks.js';
import { decideRestart, stateEditArgs, type RestartDecision } from './restart-rules.js';

/** What plan and apply pass for the restart checks (apply's create-snapshot flags; plan: none). */
export interface RestartOptions {
  readonly announcement?: Announcement | undefined;
  readonly enableCapitalizationChange?: boolean | undefined;
  readonly extraArgs?: readonly string[] | undefined;
  readonly incremental?: boolean | undefined;
  readonly allowLedgerToolVersion?: boolean | undefined;
}

export interface RestartPlanning {
  readonly decision: RestartDecision;
  /** For the planner's printed create-snapshot command. */
  readonly hardForks: readonly Slot[];
  readonly createSnapshotExtra: readonly string[];
}

/**
 * The announcement with the state edits a caller gave as create-snapshot options filled in where
 * it has none, so the hard-fork rule sees every edit however it was passed.
 */
export function withStateEdits(a: Announcement | undefined, edits: { readonly deactivateFeatureGates: readonly string[]; readonly destakeVoteAccounts: readonly string[]; readonly removeAccounts: readonly string[] }): Announcement {
  const given = (list: readonly string[]) => (list.length > 0 ? list : undefined);
  const base = a ?? { sources: {} };
  return {
    ...base,
    deactivateFeatureGates: base.deactivateFeatureGates ?? given(edits.deactivateFeatureGates),
    destakeVoteAccounts: base.destakeVoteAccounts ?? given(edits.destakeVoteAccounts),
    removeAccounts: base.removeAccounts ?? given(edits.removeAccounts),
  };
}

/** Before planning: the hard forks and state edits the printed command will carry. */
export function planRestart(options: RestartOptions, X: Slot): RestartPlanning {
  const announcement = options.announcement ?? { sources: {} };
  const decision = decideRestart({
    snapshotSlot: X,
    announcement,
    enableCapitalizationChange: options.enableCapitalizationChange ?? false,
    extraArgs: options.extraArgs ?? [],
  });
  return {
    decision,
    hardForks: decision.hardForks,
    createSnapshotExtra: [...stateEditArgs(announcement, options.enableCapitalizationChange ?? false), ...(options.incremental ? ['--incremental'] : [])],
  };
}

export interface RestartOutcome {
  readonly plan: Plan;
  readonly restart: RestartReport;
  readonly restartBootBackups: readonly RestartBootBackup[];
}

/** After planning: the announcement checks and known failures as findings, and the restart-boot copies found. */
export function finishRestartPlan(plan: Plan, inventory: Inventory, planning: RestartPlanning, options: RestartOptions, toolVersion: string | null): RestartOutcome {
  const X = plan.targetSlot;
  let betterBase: { fullSlot: Slot; incrementalSlot: Slot } | null = null;
  if (plan.base && plan.base.incremental === null) {
    const full = plan.base.full;
    // Agave loads the highest full: with this one moved aside, the next lower full and its incremental.
    const rest = visibleArchives(inventory.archives, toolVersion).filter((a) => a !== full && !(a.kind === 'full' && a.slot >= full.slot));
    const alternative = chooseBase(rest, X);
    if (alternative?.incremental) betterBase = { fullSlot: alternative.full.slot, incrementalSlot: alternative.incremental.slot };
  }
  const restart = restartReport({
    announcement: options.announcement ?? { sources: {} },
    decision: planning.decision,
    toolVersion,
    allowLedgerToolVersion: options.allowLedgerToolVersion ?? false,
    incremental: options.incremental ?? false,
    extraArgs: options.extraArgs ?? [],
    plan,
    betterBase,
  });
  const restartBootBackups = findRestartBootBackups(plan.folders.ledger);
  const extra: Finding[] = [...restart.findings];
  if (restartBootBackups.length > 0) {
    const bytes = restartBootBackups.reduce((sum, b) => sum + b.bytes, 0);
    extra.push({
      code: 'restart-boot-backup',
      severity: 'info',
      message: `${restartBootBackups.length} folder${restartBootBackups.length === 1 ? '' : 's'} left by an earlier restart boot (${restartBootBackups.map((b) => b.name).join(', ')}; ${formatBytes(bytes)}): blocks the validator purged because they carried another shred version.`,
      remedy: 'Keep them until the cluster runs on the new shred version; they are the only copy of those blocks. Remove them afterwards to free the space.',
    });
  }
  return { plan: withFindings(plan, extra), restart, restartBootBackups };
}
