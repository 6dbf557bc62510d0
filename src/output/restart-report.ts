import type { ChalkInstance } from 'chalk';
import { ANNOUNCEMENT_KEYS, type Announcement } from '../agave/announcement/announcement.js';
import type { CheckStatus } from '../agave/announcement/restart-checks.js';
import type { PlanOutcome } from '../agave/plan-service.js';
import { formatBytes } from '../core/format.js';

/** The announcement as plan --json reports it: every key it had (merged with flags), and where each came from. */
export function announcementJson(a: Announcement) {
  return {
    cluster: a.cluster ?? null,
    ledgerToolVersion: a.ledgerToolVersion ?? null,
    snapshotSlot: a.snapshotSlot ?? null,
    restartSlot: a.restartSlot ?? null,
    hardForks: a.hardForks ?? null,
    deactivateFeatureGates: a.deactivateFeatureGates ?? null,
    destakeVoteAccounts: a.destakeVoteAccounts ?? null,
    removeAccounts: a.removeAccounts ?? null,
    expectedBankHash: a.expectedBankHash ?? null,
    expectedShredVersion: a.expectedShredVersion ?? null,
    validatorHardFork: a.validatorHardFork ?? null,
    sources: a.sources,
  };
}

/** The `announcement` and `restart` members of plan --json (src/output/plan.schema.json). */
export function restartJson(outcome: Pick<PlanOutcome, 'restart' | 'restartBootBackups'>) {
  const r = outcome.restart;
  if (!r) return { announcement: null, restart: null };
  const d = r.decision;
  return {
    announcement: announcementJson(r.announcement),
    restart: {
      snapshotSlot: d.snapshotSlot,
      predictedSlot: d.predictedSlot,
      restartSlot: d.restartSlot,
      hardForks: d.hardForks,
      hardForksFrom: d.hardForksFrom,
      stateEdits: d.stateEdits,
      validatorHardFork: d.validatorHardFork,
      ledgerTool: r.ledgerToolVersion,
      knownFailures: r.knownFailures,
      checks: r.checks,
      restartBootBackups: (outcome.restartBootBackups ?? []).map((b) => ({ path: b.path, bytes: b.bytes })),
    },
  };
}

const MARK: Record<CheckStatus, string> = { ok: '✔', refused: '✘', warning: '⚠', 'not-given': '·', 'after-run': '…' };

/** Text after the plan: what was checked against the announcement. Empty when nothing was announced. */
export function renderRestartText(outcome: Pick<PlanOutcome, 'restart' | 'restartBootBackups'>, c: ChalkInstance): string {
  const r = outcome.restart;
  if (!r || !announced(r.announcement)) return '';
  const a = r.announcement;
  const out: string[] = ['', c.bold('Checked against the announcement') + c.dim(a.cluster ? `  ${a.cluster}` : '')];
  const tone = (status: CheckStatus, text: string) =>
    status === 'ok' ? c.green(text) : status === 'refused' ? c.red(text) : status === 'warning' ? c.yellow(text) : c.dim(text);
  for (const check of r.checks) out.push(`  ${tone(check.status, MARK[check.status])} ${check.name.padEnd(20)} ${check.detail}`);
  for (const b of outcome.restartBootBackups ?? []) out.push(c.dim(`  restart-boot copy ${b.path} (${formatBytes(b.bytes)})`));
  return out.join('\n') + '\n';
}

/** True when the announcement says more than the snapshot slot (which --slot alone gives). */
export function announced(a: Announcement): boolean {
  return ANNOUNCEMENT_KEYS.some(({ key }) => key !== 'snapshotSlot' && a.sources[key] !== undefined);
}
