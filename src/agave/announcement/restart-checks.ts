import type { Slot } from '../../core/slot.js';
import { sortFindings, type Finding } from '../findings.js';
import type { Plan } from '../plan-model.js';
import { formatValue, type Announcement } from './announcement.js';
import { knownFailureFinding, knownFailuresFor, type FailureAction, type FailureContext } from './known-failures.js';
import { CHILD_BANK_FLAGS, type RestartDecision } from './restart-rules.js';

export type CheckStatus = 'ok' | 'refused' | 'warning' | 'not-given' | 'after-run';

/** One line of "what was checked against the announcement", for plan --json, the text report and the TUI. */
export interface RestartCheck {
  readonly name: 'hard-forks' | 'restart-slot' | 'ledger-tool-version' | 'known-failures' | 'bank-hash' | 'shred-version';
  readonly status: CheckStatus;
  readonly detail: string;
}

export interface RestartReport {
  readonly announcement: Announcement;
  readonly decision: RestartDecision;
  readonly ledgerToolVersion: { readonly announced: string | null; readonly actual: string | null; readonly status: 'match' | 'mismatch' | 'allowed' | 'unknown' | 'not-given' };
  readonly knownFailures: readonly { readonly reference: string; readonly action: FailureAction; readonly severity: Finding['severity']; readonly message: string }[];
  readonly checks: readonly RestartCheck[];
  /** Added to the plan's findings. */
  readonly findings: readonly Finding[];
}

export interface RestartReportInput {
  readonly announcement: Announcement;
  readonly decision: RestartDecision;
  /** ledger-tool's release (semver) from --version, or null when unknown. */
  readonly toolVersion: string | null;
  readonly allowLedgerToolVersion: boolean;
  readonly incremental: boolean;
  readonly extraArgs: readonly string[];
  readonly plan: Plan;
  readonly betterBase: FailureContext['betterBase'];
}

/** Everything checked against the announcement before anything moves, as findings and check lines. */
export function restartReport(input: RestartReportInput): RestartReport {
  const { announcement: a, decision: d, plan } = input;
  const findings: Finding[] = d.problems.map((p) => ({ code: p.code, severity: 'error', message: p.message, remedy: p.remedy }));

  const announced = a.ledgerToolVersion ?? null;
  const actual = input.toolVersion;
  let versionStatus: RestartReport['ledgerToolVersion']['status'] = 'not-given';
  if (announced !== null) {
    versionStatus = actual === null ? 'unknown' : sameRelease(actual, announced) ? 'match' : input.allowLedgerToolVersion ? 'allowed' : 'mismatch';
    const from = a.sources.ledgerToolVersion ?? '--ledger-tool-version';
    if (versionStatus === 'mismatch' || versionStatus === 'allowed') {
      findings.push({
        code: 'ledger-tool-version-mismatch',
        severity: versionStatus === 'mismatch' ? 'error' : 'warning',
        message: `agave-ledger-tool --version says ${actual}, but ${from} is ${announced}: another release can produce a different bank hash or fail where the announced one works.`,
        remedy: versionStatus === 'mismatch'
          ? `Build and use ledger-tool ${announced} (--ledger-tool PATH), or pass --allow-ledger-tool-version to apply if the coordinators allow ${actual}.`
          : `--allow-ledger-tool-version was given: ${actual} is used instead of ${announced}.`,
      });
    } else if (versionStatus === 'unknown') {
      findings.push({
        code: 'ledger-tool-version-mismatch',
        severity: 'warning',
        message: `The ledger-tool version is unknown, so it cannot be checked against ${from} (${announced}).`,
        remedy: `Put agave-ledger-tool ${announced} on PATH or name it with --ledger-tool PATH.`,
      });
    }
  }

  const ctx: FailureContext | null = actual === null
    ? null
    : {
        version: actual,
        snapshotSlot: d.snapshotSlot,
        predictedSlot: d.predictedSlot,
        childBank: d.stateEdits.some((f) => CHILD_BANK_FLAGS.includes(f)),
        incremental: input.incremental,
        base: plan.base ? { fullSlot: plan.base.full.slot, incrementalSlot: plan.base.incremental?.slot ?? null } : null,
        betterBase: input.betterBase,
        extraArgs: input.extraArgs,
      };
  const hits = ctx ? knownFailuresFor(ctx) : [];
  const known = ctx ? hits.map((hit) => ({ reference: hit.row.reference, action: hit.row.action, severity: hit.severity, message: hit.row.message(ctx) })) : [];
  if (ctx) findings.push(...hits.map((hit) => knownFailureFinding(hit, ctx)));

  const problem = (code: string) => d.problems.find((p) => p.code === code);
  const checks: RestartCheck[] = [
    {
      name: 'hard-forks',
      status: problem('hard-fork-passthrough') || problem('hard-fork-not-announced') ? 'refused' : 'ok',
      detail: d.hardForks.length > 0 || d.hardForksFrom !== 'not given'
        ? `create-snapshot gets --hard-fork ${formatValue(d.hardForks)} (${d.hardForksFrom}); the validator ${d.validatorHardFork ? 'gets them too' : 'gets none'}`
        : 'no hard fork given while state is edited',
    },
    {
      name: 'restart-slot',
      status: d.restartSlot === null ? 'not-given' : problem('restart-slot-mismatch') ? 'refused' : 'ok',
      detail: d.restartSlot === null
        ? `the snapshot will be at ${d.predictedSlot}; no restart slot was announced to compare`
        : `the snapshot will be at ${d.predictedSlot}; ${a.sources.restartSlot ?? '--restart-slot'} is ${d.restartSlot}`,
    },
    {
      name: 'ledger-tool-version',
      status: versionStatus === 'match' ? 'ok' : versionStatus === 'mismatch' ? 'refused' : versionStatus === 'not-given' ? 'not-given' : 'warning',
      detail: announced === null ? `ledger-tool ${actual ?? 'unknown'}; no release was announced` : `ledger-tool ${actual ?? 'unknown'}; announced ${announced}${versionStatus === 'allowed' ? ' (allowed by --allow-ledger-tool-version)' : ''}`,
    },
    {
      name: 'known-failures',
      status: actual === null ? 'not-given' : hits.some((h) => h.severity === 'error') ? 'refused' : hits.some((h) => h.severity === 'warning') ? 'warning' : 'ok',
      detail: actual === null ? 'the ledger-tool release is unknown' : hits.length === 0 ? `none known for ${actual}` : hits.map((h) => h.row.reference).join(', '),
    },
    {
      name: 'bank-hash',
      status: a.expectedBankHash === undefined ? 'not-given' : 'after-run',
      detail: a.expectedBankHash === undefined ? 'no bank hash announced' : `compared with ${a.expectedBankHash} after create-snapshot`,
    },
    {
      name: 'shred-version',
      status: a.expectedShredVersion === undefined ? 'not-given' : 'after-run',
      detail: a.expectedShredVersion === undefined ? 'no shred version announced' : `compared with ${a.expectedShredVersion} after create-snapshot`,
    },
  ];

  return {
    announcement: a,
    decision: d,
    ledgerToolVersion: { announced, actual, status: versionStatus },
    knownFailures: known,
    checks,
    findings,
  };
}

/** "3.1.7" equals "3.1.7" and "v3.1.7"; build metadata is ignored. */
function sameRelease(actual: string, announced: string): boolean {
  const norm = (v: string) => v.trim().replace(/^v/, '').replace(/\+.*$/, '');
  return norm(actual) === norm(announced);
}

/** The plan with extra findings: re-sorted, and unreachable (no commands) once one is an error. */
export function withFindings(plan: Plan, extra: readonly Finding[]): Plan {
  if (extra.length === 0) return plan;
  const findings = sortFindings([...plan.findings, ...extra]);
  const reachable = plan.reachable && !extra.some((f) => f.severity === 'error');
  return { ...plan, findings, reachable, commands: reachable ? plan.commands : [] };
}

export interface CreatedSnapshot {
  readonly slot: Slot;
  readonly bankHash: string;
  readonly shredVersion: number | null;
}

/** After create-snapshot: each value that differs from the announcement, named (empty when all match). */
export function createdMismatches(created: CreatedSnapshot, decision: Pick<RestartDecision, 'restartSlot'>, a: Announcement): string[] {
  const out: string[] = [];
  if (decision.restartSlot !== null && created.slot !== decision.restartSlot) {
    out.push(`slot ${created.slot} is not ${a.sources.restartSlot ?? '--restart-slot'} ${decision.restartSlot}`);
  }
  if (a.expectedBankHash !== undefined && created.bankHash !== a.expectedBankHash) {
    out.push(`bank hash ${created.bankHash} is not ${a.sources.expectedBankHash ?? '--expected-bank-hash'} ${a.expectedBankHash}`);
  }
  if (a.expectedShredVersion !== undefined && created.shredVersion !== a.expectedShredVersion) {
    out.push(`shred version ${created.shredVersion ?? '(not printed)'} is not ${a.sources.expectedShredVersion ?? '--expected-shred-version'} ${a.expectedShredVersion}`);
  }
  return out;
}
