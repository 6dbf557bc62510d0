import { describe, expect, it } from 'vitest';
import { KNOWN_FAILURES, knownFailureFinding, knownFailuresFor, type FailureContext } from '../../src/agave/announcement/known-failures.js';

/** A plan context that triggers every row's condition; each case switches off what it needs to. */
function ctx(version: string, over: Partial<FailureContext> = {}): FailureContext {
  return {
    version,
    snapshotSlot: 383520371n,
    predictedSlot: 383520372n, // (X+1) mod 4 = 0: opens a leader window
    childBank: true,
    incremental: true,
    base: { fullSlot: 383400000n, incrementalSlot: null },
    betterBase: null,
    extraArgs: [],
    ...over,
  };
}

const hit = (reference: string, c: FailureContext) => knownFailuresFor(c).find((h) => h.row.reference === reference);

describe('the known restart failures table', () => {
  it('has the rows the issue names, each with a reference, a range, evidence and an action', () => {
    expect(KNOWN_FAILURES.map((r) => r.reference)).toEqual(['agave#3198', 'agave#11935', 'agave#9496', 'agave#7287', 'agave#15012', 'agave#8296']);
    for (const row of KNOWN_FAILURES) {
      expect(row.evidence.length).toBeGreaterThan(20);
      // A fix release that could not be pinned down is said so in the row.
      if (row.fixedIn === null) expect(row.evidence).toMatch(/not (be )?pinned|without a fix/i);
    }
  });

  // [reference, version, applies?]: each row at its lower and upper boundary, prereleases included.
  it.each<[string, string, boolean]>([
    ['agave#3198', '1.18.25', false],
    ['agave#3198', '1.18.26', true],
    ['agave#3198', '2.0.0', false],
    ['agave#11935', '3.0.14', false],
    ['agave#11935', '3.1.0-beta.1', true],
    ['agave#11935', '3.1.0', true],
    ['agave#11935', '3.1.7', true],
    ['agave#11935', '4.0.0-beta.7', true],
    ['agave#11935', '4.0.9', true],
    ['agave#11935', '4.1.0-rc.0', false],
    ['agave#11935', '4.1.0', false],
    ['agave#9496', '1.18.26', true],
    ['agave#9496', '3.1.7', true],
    ['agave#9496', '3.1.99', true],
    ['agave#9496', '4.0.0-beta.1', false],
    ['agave#9496', '4.0.0', false],
    ['agave#7287', '2.3.0', true],
    ['agave#7287', '4.1.5', true],
    ['agave#7287', '4.2.0-rc.0', false],
    ['agave#7287', '4.2.0', false],
    ['agave#15012', '4.0.9', false],
    ['agave#15012', '4.1.0-rc.0', true],
    ['agave#15012', '4.1.0', true],
    ['agave#15012', '4.5.0', true], // fix release not pinned: every later release is warned about
    ['agave#8296', '2.3.9', false],
    ['agave#8296', '3.0.0', true],
    ['agave#8296', '3.0.14', true],
    ['agave#8296', '3.1.0', false],
  ])('%s on %s: %s', (reference, version, applies) => {
    expect(hit(reference, ctx(version, { base: { fullSlot: 383400000n, incrementalSlot: reference === 'agave#8296' ? 383520000n : null } })) !== undefined).toBe(applies);
  });

  it.each<[string, string, Partial<FailureContext>]>([
    ['agave#11935', '3.1.7', { incremental: false }],
    ['agave#9496', '3.1.7', { base: { fullSlot: 383400000n, incrementalSlot: 383520000n } }],
    ['agave#9496', '3.1.7', { base: null }],
    ['agave#7287', '3.1.7', { childBank: false }],
    ['agave#15012', '4.1.0', { childBank: false }],
    ['agave#15012', '4.1.0', { predictedSlot: 383520373n }],
    ['agave#8296', '3.0.5', { incremental: false, base: { fullSlot: 1n, incrementalSlot: null } }],
  ])('%s on %s does not apply when its condition is false', (reference, version, over) => {
    expect(hit(reference, ctx(version, over))).toBeUndefined();
  });

  it('acts as the row says: refuse (error), warn (warning), steer (warning or info)', () => {
    expect(hit('agave#11935', ctx('4.0.0'))?.severity).toBe('error');
    expect(hit('agave#3198', ctx('1.18.26'))?.severity).toBe('warning');
    expect(hit('agave#7287', ctx('3.1.7'))?.severity).toBe('warning');
    expect(hit('agave#15012', ctx('4.1.0'))?.severity).toBe('warning');
    expect(hit('agave#9496', ctx('3.1.7'))?.severity).toBe('warning');
    expect(hit('agave#8296', ctx('3.0.5', { base: { fullSlot: 1n, incrementalSlot: 2n } }))?.severity).toBe('info');
    expect(hit('agave#8296', ctx('3.0.5', { extraArgs: ['--snapshot-archive-path', '/s'] }))?.severity).toBe('error');
  });

  it('findings carry the reference in the message and a remedy; steer names the better base', () => {
    const c = ctx('3.1.7', { betterBase: { fullSlot: 383300000n, incrementalSlot: 383510000n } });
    const finding = knownFailureFinding(hit('agave#9496', c)!, c);
    expect(finding).toMatchObject({ code: 'known-restart-failure', severity: 'warning' });
    expect(finding.message).toContain('agave#9496');
    expect(finding.remedy).toBe('Move the full archive at 383400000 aside as well: ledger-tool then loads the full 383300000 + incremental 383510000 pair, which worked (check the blockstore holds slots from 383510001).');
    const plain = knownFailureFinding(hit('agave#11935', c)!, c);
    expect(plain.message).toBe('create-snapshot --incremental panics after the replay on ledger-tool 3.1.7 (agave#11935, fixed by agave#11942 in 4.1.0).');
  });
});
