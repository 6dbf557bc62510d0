import { describe, expect, it } from 'vitest';
import type { Announcement } from '../../src/agave/announcement/announcement.js';
import { decideRestart } from '../../src/agave/announcement/restart-rules.js';
import { createdMismatches, restartReport } from '../../src/agave/announcement/restart-checks.js';

const X = 383520371n;
const GATE = '5syhxu91W32HXjswMSToKdj9o123MY7XRULdjfiXx54p';
const file = (values: Omit<Announcement, 'sources'>): Announcement => ({
  ...values,
  sources: Object.fromEntries(Object.keys(values).map((k) => [k, `${k} in ann.yaml`])),
});

describe('decideRestart: hard forks and restart slot, before anything moves', () => {
  it.each<[string, Announcement, { cap?: boolean; extra?: string[] }, { hardForks: bigint[]; predicted: bigint; problems: string[] }]>([
    ['no announcement, no edit: the documented --hard-fork X', { sources: {} }, {}, { hardForks: [X], predicted: X, problems: [] }],
    ['no announcement, a gate deactivated, no hard fork: refused', { deactivateFeatureGates: [GATE], sources: {} }, {}, { hardForks: [], predicted: X + 1n, problems: ['hard-fork-not-announced'] }],
    ['--enable-capitalization-change alone counts as a state edit for the rule', { sources: {} }, { cap: true }, { hardForks: [], predicted: X, problems: ['hard-fork-not-announced'] }],
    ['a state edit passed after --: refused without a hard fork', { sources: {} }, { extra: ['--destake-vote-account', GATE] }, { hardForks: [], predicted: X + 1n, problems: ['hard-fork-not-announced'] }],
    ['January 2026: gate, hard fork X+1, restart X+1', file({ deactivateFeatureGates: [GATE], hardForks: [X + 1n], restartSlot: X + 1n }), {}, { hardForks: [X + 1n], predicted: X + 1n, problems: [] }],
    ['February 2024: gate, hard fork X, restart X+1', file({ deactivateFeatureGates: [GATE], hardForks: [X], restartSlot: X + 1n }), {}, { hardForks: [X], predicted: X + 1n, problems: [] }],
    ['no edit, restart X: fine', file({ hardForks: [X], restartSlot: X }), {}, { hardForks: [X], predicted: X, problems: [] }],
    ['no edit, but the announcement restarts at X+1: refused', file({ hardForks: [X], restartSlot: X + 1n }), {}, { hardForks: [X], predicted: X, problems: ['restart-slot-mismatch'] }],
    ['an edit, but the announcement restarts at X: refused', file({ deactivateFeatureGates: [GATE], hardForks: [X], restartSlot: X }), {}, { hardForks: [X], predicted: X + 1n, problems: ['restart-slot-mismatch'] }],
    ['--warp-slot moves the snapshot further', file({ hardForks: [X], restartSlot: X + 10n }), { extra: ['--warp-slot', String(X + 10n)] }, { hardForks: [X], predicted: X + 10n, problems: [] }],
    ['--hard-fork after --: refused', file({ hardForks: [X] }), { extra: ['--hard-fork', String(X)] }, { hardForks: [X], predicted: X, problems: ['hard-fork-passthrough'] }],
    ['--hard-fork=N after --: refused too', file({ hardForks: [X] }), { extra: [`--hard-fork=${X}`] }, { hardForks: [X], predicted: X, problems: ['hard-fork-passthrough'] }],
    ['an announced hard fork given twice is passed once', file({ hardForks: [X, X] }), {}, { hardForks: [X], predicted: X, problems: [] }],
    ['an empty hard-forks list means none (as announced)', file({ hardForks: [] }), {}, { hardForks: [], predicted: X, problems: [] }],
  ])('%s', (_name, announcement, options, expected) => {
    const d = decideRestart({ snapshotSlot: X, announcement, enableCapitalizationChange: options.cap ?? false, extraArgs: options.extra ?? [] });
    expect(d.hardForks).toEqual(expected.hardForks);
    expect(d.predictedSlot).toBe(expected.predicted);
    expect(d.problems.map((p) => p.code)).toEqual(expected.problems);
  });

  it('refusals are one sentence naming the value, where it came from and what to do', () => {
    const d = decideRestart({ snapshotSlot: X, announcement: file({ hardForks: [X], restartSlot: X + 1n }), enableCapitalizationChange: false, extraArgs: [] });
    expect(d.problems[0]?.message).toBe(`The new snapshot would be at slot ${X} (X = ${X} with no state edit), but restartSlot in ann.yaml is ${X + 1n}.`);
    expect(d.problems[0]?.remedy).toMatch(/announcement expects a state edit/);
    const none = decideRestart({ snapshotSlot: X, announcement: { deactivateFeatureGates: [GATE], sources: {} }, enableCapitalizationChange: false, extraArgs: [] });
    expect(none.problems[0]?.message).toContain('February 2024: --hard-fork 254108256 for X = 254108256');
    expect(none.problems[0]?.message).toContain('January 2026: --hard-fork 383520372 for X = 383520371');
    expect(none.problems[0]?.remedy).toBe(`Take the hard-fork slot from the restart announcement: --hard-fork ${X} or --hard-fork ${X + 1n} as it says, or --announcement FILE.`);
  });

  it('the validator gets --hard-fork only when announced', () => {
    expect(decideRestart({ snapshotSlot: X, announcement: file({ hardForks: [X] }), enableCapitalizationChange: false, extraArgs: [] }).validatorHardFork).toBe(false);
    expect(decideRestart({ snapshotSlot: X, announcement: file({ hardForks: [X], validatorHardFork: true }), enableCapitalizationChange: false, extraArgs: [] }).validatorHardFork).toBe(true);
  });
});

describe('createdMismatches: after the run, each differing value is named', () => {
  const a = file({ restartSlot: X + 1n, expectedBankHash: '9bDxQgg7BHwiQLz9wGujZSaKsoNnrHWgsfLiMzdahD5W', expectedShredVersion: 27350 });
  it.each<[string, { slot: bigint; bankHash: string; shredVersion: number | null }, string[]]>([
    ['all match', { slot: X + 1n, bankHash: '9bDxQgg7BHwiQLz9wGujZSaKsoNnrHWgsfLiMzdahD5W', shredVersion: 27350 }, []],
    ['another slot', { slot: X, bankHash: '9bDxQgg7BHwiQLz9wGujZSaKsoNnrHWgsfLiMzdahD5W', shredVersion: 27350 }, [`slot ${X} is not restartSlot in ann.yaml ${X + 1n}`]],
    ['another shred version', { slot: X + 1n, bankHash: '9bDxQgg7BHwiQLz9wGujZSaKsoNnrHWgsfLiMzdahD5W', shredVersion: 10311 }, ['shred version 10311 is not expectedShredVersion in ann.yaml 27350']],
    ['no shred version printed', { slot: X + 1n, bankHash: '9bDxQgg7BHwiQLz9wGujZSaKsoNnrHWgsfLiMzdahD5W', shredVersion: null }, ['shred version (not printed) is not expectedShredVersion in ann.yaml 27350']],
    ['another bank hash', { slot: X + 1n, bankHash: '11111111111111111111111111111111', shredVersion: 27350 }, ['bank hash 11111111111111111111111111111111 is not expectedBankHash in ann.yaml 9bDxQgg7BHwiQLz9wGujZSaKsoNnrHWgsfLiMzdahD5W']],
  ])('%s', (_name, created, expected) => {
    expect(createdMismatches(created, { restartSlot: a.restartSlot ?? null }, a)).toEqual(expected);
  });
});

describe('restartReport: the ledger-tool release against the announcement', () => {
  const plan = {
    targetSlot: X, reachable: true, base: null, baseSlot: null, blocks: { needed: null, available: null, missing: [], source: 'manual' as const },
    quarantineDir: '/q', quarantine: [], findings: [], ignored: [], commands: ['x'], folders: { ledger: '/l', snapshots: '/l', fullArchives: '/l', incrementalArchives: '/l' }, flagEra: 'v3' as const,
  };
  const report = (announced: string | undefined, actual: string | null, allow = false) => {
    const a = file(announced === undefined ? { hardForks: [X] } : { hardForks: [X], ledgerToolVersion: announced });
    const decision = decideRestart({ snapshotSlot: X, announcement: a, enableCapitalizationChange: false, extraArgs: [] });
    return restartReport({ announcement: a, decision, toolVersion: actual, allowLedgerToolVersion: allow, incremental: false, extraArgs: [], plan, betterBase: null });
  };
  it.each<[string, string | undefined, string | null, boolean, string, string | null]>([
    ['the same release', '3.1.7', '3.1.7', false, 'match', null],
    ['"v3.1.7" announced, 3.1.7 run', 'v3.1.7', '3.1.7', false, 'match', null],
    ['another release: refused', '3.1.7', '3.1.6', false, 'mismatch', 'error'],
    ['another release, allowed: a warning', '3.1.7', '3.1.6', true, 'allowed', 'warning'],
    ['the version unknown: a warning, it cannot be checked', '3.1.7', null, false, 'unknown', 'warning'],
    ['none announced', undefined, '3.1.6', false, 'not-given', null],
  ])('%s', (_name, announced, actual, allow, status, severity) => {
    const r = report(announced, actual, allow);
    expect(r.ledgerToolVersion.status).toBe(status);
    expect(r.findings.find((f) => f.code === 'ledger-tool-version-mismatch')?.severity ?? null).toBe(severity);
  });

  it('withFindings: an error finding makes the plan unreachable and drops its commands', async () => {
    const { withFindings } = await import('../../src/agave/announcement/restart-checks.js');
    const refused = withFindings(plan, report('3.1.7', '3.1.6').findings);
    expect(refused.reachable).toBe(false);
    expect(refused.commands).toEqual([]);
    const warned = withFindings(plan, report('3.1.7', '3.1.6', true).findings);
    expect(warned.reachable).toBe(true);
    expect(warned.commands).toEqual(['x']);
  });
});
