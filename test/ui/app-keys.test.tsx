import { describe, expect, it } from 'vitest';
import type { ApplyOutcome } from '../../src/agave/apply/apply-model.js';
import { UserError } from '../../src/core/errors.js';
import type { ApplyHooks, TuiServices } from '../../src/ui/tui-services.js';
import { L, outcome, overview, planFor, quarantineSummary } from './fixtures.js';
import { delay, KEY, renderApp } from './helpers.js';

const HASH = '5rCMtQsbjyT5Zd4x4Mt2KdSdnKfmT7gRCGWkRX63hCXf';

/** Services that answer from memory; apply waits for the test to finish it. */
function fakeServices(overrides: Partial<TuiServices> = {}) {
  const calls = { plan: [] as bigint[], apply: [] as unknown[], undo: [] as string[] };
  let finishApply: ((o: ApplyOutcome) => void) | null = null;
  let hooks: ApplyHooks | null = null;
  const services: TuiServices = {
    ledger: L,
    overview: async () => overview,
    optimisticSlots: async () => [
      { slot: 289624982n, bankHash: HASH, timestamp: '2024-03-07T12:00:00+00:00', voteOnly: false },
      { slot: 289624981n, bankHash: null, timestamp: null, voteOnly: true },
    ],
    plan: async (target) => {
      calls.plan.push(target);
      return planFor(target);
    },
    apply: (request, h) => {
      calls.apply.push(request);
      hooks = h;
      return (async () => {
        const plan = planFor(request.target).plan;
        h.onEvent({ type: 'planned', plan });
        h.onEvent({ type: 'preflight-passed', snapshotBytes: 1, copyBytes: 0 });
        if (!(await h.confirm(plan, ['agave-ledger-tool', 'create-snapshot']))) throw new UserError('Nothing was changed: the operator declined.');
        h.onEvent({ type: 'quarantine-created', dir: plan.quarantineDir, items: 3 });
        h.onEvent({ type: 'ledger-tool-started', command: ['agave-ledger-tool'], logFile: '/srv/ledger/log' });
        return new Promise<ApplyOutcome>((resolve) => (finishApply = resolve));
      })();
    },
    quarantines: async () => ({ quarantines: [quarantineSummary({ dir: `${L}/snapplan-quarantine/snapplan-20261101T080000Z-slot-289000000`, state: 'undone', items: { total: 1, quarantined: 0, unfinished: 0, undone: 1, notMoved: 0, conflicts: 0, createdAside: 0 } }), quarantineSummary()], problems: [] }),
    undo: async (journal) => {
      calls.undo.push(journal);
      return { quarantine: quarantineSummary({ state: 'undone' }), result: { journalPath: journal, items: [], restored: 3, conflicts: [], missing: [], kept: [], repairedTornLine: false, mismatches: [], leftAside: [], damaged: [], unexplained: [] }, recreated: [] };
    },
    ...overrides,
  };
  return { services, calls, finish: (o: ApplyOutcome) => finishApply?.(o), hooks: () => hooks };
}

describe('the app controller (keys and states)', () => {
  it('edits X with backspace, moves between fields, and picks an optimistic slot with its hash', async () => {
    const { services, calls } = fakeServices();
    const app = renderApp(services);
    await app.waitFor('Snapshots');
    await app.press('x');
    await app.waitFor('Latest optimistic slots');
    await app.press('1', '2', 'a');
    expect(await app.waitFor('is not a valid slot')).toContain('› X (slot)       12a▏');
    await app.press(KEY.backspace, KEY.backspace, KEY.backspace);
    await app.press(KEY.tab);
    expect(await app.waitFor('› bank hash')).toContain('› bank hash');
    await app.press('q', '?'); // typed into the hash field, not quit or help
    expect(await app.waitFor('✘ not a bank hash')).toContain('q?▏');
    await app.press(KEY.backspace, KEY.backspace, KEY.down, KEY.down, KEY.down);
    expect(await app.waitFor(/› 289624981/)).toMatch(/› 289624981 {2}hash unknown {2}vote only/);
    await app.press(KEY.up, KEY.enter);
    const s = await app.waitFor('› X (slot)       289624982▏');
    expect(s).toContain(`bank hash      ${HASH}`);
    await app.press(KEY.enter);
    await app.waitFor('✔ Reachable');
    expect(calls.plan).toEqual([289624982n]);
    await app.press(KEY.escape);
    await app.waitFor('Restart slot');
    await app.press(KEY.escape);
    expect(await app.waitFor(/X.* 289625410/)).toContain('snapplan · ledger');
    app.unmount();
  });

  it('takes X and Enter arriving in one chunk (pasted, or tmux send-keys)', async () => {
    const { services, calls } = fakeServices();
    const app = renderApp(services);
    await app.waitFor('Snapshots');
    await app.press(KEY.enter, '289624982\r');
    await app.waitFor('✔ Reachable');
    expect(calls.plan).toEqual([289624982n]);
    app.unmount();
  });

  it('passes the announcement to apply, shows live steps, refuses q while it runs, then the result', async () => {
    const fake = fakeServices();
    const app = renderApp(fake.services);
    await app.waitFor('Snapshots');
    await app.press(KEY.enter, '289624982');
    await app.press(KEY.tab, HASH, KEY.tab, '62405');
    await app.waitFor('› shred version  62405▏');
    await app.press(KEY.enter);
    await app.waitFor('✔ Reachable');
    await app.press('a');
    await app.waitFor('Create a snapshot at slot 289624982?');
    expect(fake.calls.apply).toEqual([{ target: 289624982n, expectedBankHash: HASH, expectedShredVersion: 62405 }]);
    await app.press('y');
    await app.waitFor('› ledger-tool starting');
    await app.press('q');
    expect(await app.waitFor('apply is running')).toContain('Ctrl-C to stop it');
    expect(app.exitCode()).toBeNull();
    fake.finish(outcome());
    await app.waitFor('Restart flags');
    await app.press(KEY.pageDown);
    expect(await app.waitFor('--no-snapshot-fetch')).toContain('snapplan · done');
    await app.press('q');
    expect(app.exitCode()).toBe(0);
  });

  it('shows a refusal (e.g. preflight) and exits 2 after it', async () => {
    const { services } = fakeServices({ apply: async () => { throw new UserError('agave-validator (pid 77) is running on this ledger.', { hint: 'Stop it first.' }); } });
    const app = renderApp(services, { initialTarget: 289624982n });
    await app.waitFor('✔ Reachable');
    await app.press('a');
    const s = await app.waitFor('snapplan · refused');
    expect(s).toContain('✘ agave-validator (pid 77) is running on this ledger.');
    expect(s).toContain('Nothing was changed.');
    await app.press(KEY.enter);
    await app.waitFor('snapplan · ledger');
    await app.press('q');
    expect(app.exitCode()).toBe(2);
  });

  it('Ctrl-C during apply aborts it and leaves with 130', async () => {
    const fake = fakeServices();
    const app = renderApp(fake.services, { initialTarget: 289624982n });
    await app.waitFor('✔ Reachable');
    await app.press('a');
    await app.waitFor('Create a snapshot');
    await app.press('y');
    await app.waitFor('› ledger-tool');
    await app.press(KEY.ctrlC);
    await app.waitFor('Stopping');
    expect(fake.hooks()?.signal.aborted).toBe(true);
    fake.finish(outcome({ created: null, error: { message: 'cancelled', hint: undefined, outputTail: undefined } }));
    await delay(50);
    expect(app.exitCode()).toBe(130);
  });

  it('Ctrl-C when idle leaves at once with 130', async () => {
    const app = renderApp(fakeServices().services);
    await app.waitFor('Snapshots');
    await app.press(KEY.ctrlC);
    expect(app.exitCode()).toBe(130);
  });

  it('lists the quarantines newest first, selects one, asks, and puts it back', async () => {
    const fake = fakeServices();
    const app = renderApp(fake.services);
    await app.waitFor('Snapshots');
    await app.press('u');
    let s = await app.waitFor('› snapplan-20261121T120000Z-slot-289624982');
    expect(s.indexOf('20261121T')).toBeLessThan(s.indexOf('20261101T'));
    await app.press('j');
    s = await app.waitFor('› snapplan-20261101T080000Z-slot-289000000');
    await app.press('u');
    expect(await app.waitFor('Nothing left to put back in this one.')).toBeTruthy();
    await app.press('k', KEY.enter);
    await app.waitFor('Put 3 items back where they were?');
    await app.press('n');
    await app.waitFor('u / Enter puts its items back');
    await app.press('u', 'y');
    await app.waitFor('✔ put back 3 items');
    expect(fake.calls.undo).toEqual([`${L}/snapplan-quarantine/snapplan-20261121T120000Z-slot-289624982/journal.jsonl`]);
    await app.press(KEY.escape);
    await app.waitFor('snapplan · ledger');
    app.unmount();
  });

  it('opens help with ? and closes it with Esc', async () => {
    const app = renderApp(fakeServices().services);
    await app.waitFor('Snapshots');
    await app.press('?');
    expect(await app.waitFor('snapplan · help')).toContain('Ctrl-C');
    await app.press(KEY.escape);
    await app.waitFor('snapplan · ledger');
    app.unmount();
  });

  it('fits 80×24 on every screen and re-lays out when the terminal changes size', async () => {
    const fake = fakeServices();
    const app = renderApp(fake.services, { initialTarget: 289624982n });
    const s = await app.waitFor('✔ Reachable');
    const lines = s.split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(lines.at(-1)).toContain('a apply');
    const { App } = await import('../../src/ui/app.js');
    const { ThemeContext } = await import('../../src/ui/theme.js');
    app.rerender(
      <ThemeContext.Provider value={{ color: false }}>
        <App services={fake.services} backupDir={`${L}/snapplan-quarantine`} initialTarget={289624982n} size={{ columns: 60, rows: 12 }} />
      </ThemeContext.Provider>,
    );
    await delay(50);
    const small = app.screen().split('\n');
    expect(small.length).toBeLessThanOrEqual(11);
    expect(Math.max(...small.map((l) => l.length))).toBeLessThanOrEqual(60);
    expect(small.at(-1)).toContain('a apply');
    app.unmount();
  });
});
