import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import type { FetchOutcome } from '../../src/agave/fetch/fetch-service.js';
import type { PlanOutcome } from '../../src/agave/plan-service.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import { APPLY_RUNNING, appReducer, initialAppState, type AppContext, type AppEffect, type AppEvent, type AppState, type Step } from '../../src/ui/app-state.js';
import { initialApplyRun, type ApplyRunState } from '../../src/ui/apply-run.js';
import { NO_KEY } from '../../src/ui/hooks/use-keys.js';
import { initialTargetForm } from '../../src/ui/target-form.js';
import { L, outcome, overview, planFor, quarantineSummary } from './fixtures.js';

// The reducer alone: no rendering, no hooks, no services. Each row is one key on one state.

const KEYS: Record<string, Partial<Key>> = {
  '<enter>': { return: true },
  '<esc>': { escape: true, meta: true },
  '<tab>': { tab: true },
  '<s-tab>': { tab: true, shift: true },
  '<down>': { downArrow: true },
  '<up>': { upArrow: true },
  '<right>': { rightArrow: true },
  '<bs>': { backspace: true },
  '<pgdn>': { pageDown: true },
};

const X = 289624982n;
const BODY = 10;

function ctx(overrides: Partial<AppContext> = {}): AppContext {
  return {
    body: BODY,
    overview: { state: 'done', value: overview },
    optimistic: [
      { slot: 289624982n, bankHash: 'H'.repeat(44), hashKnown: true } as never,
      { slot: 289624981n, bankHash: undefined, hashKnown: false } as never,
    ],
    apply: { state: initialApplyRun, request: null, active: false },
    fetch: { state: { stage: 'idle', outcome: null, current: null, log: [], error: null }, active: false },
    quarantines: { list: { state: 'idle' }, undo: { state: 'idle' } },
    can: { fetch: true, watch: true, loadAnnouncement: true },
    lineCount: () => 100,
    ...overrides,
  };
}

/** `<enter>` and the like are named keys; anything else is typed text; `^c` is Ctrl-C. */
function key(name: string, context: AppContext = ctx()): AppEvent {
  if (name === '^c') return { type: 'key', input: 'c', key: { ...NO_KEY, ctrl: true }, ctx: context };
  const named = KEYS[name];
  return named ? { type: 'key', input: '', key: { ...NO_KEY, ...named }, ctx: context } : { type: 'key', input: name, key: NO_KEY, ctx: context };
}

/** Runs keys one after the other (each one transition), collecting every effect. */
function press(state: AppState, keys: readonly string[], context: AppContext = ctx()): Step {
  let step: Step = { state, effects: [] };
  const effects: AppEffect[] = [];
  for (const k of keys) {
    step = appReducer(step.state, key(k, context));
    effects.push(...step.effects);
  }
  return { state: step.state, effects };
}

const start = initialAppState().state;
const on = (screen: AppState['screen'], more: Partial<AppState> = {}): AppState => ({ ...start, screen, ...more });
const request = { target: X };
const planned = (plan: PlanOutcome = planFor(X)): Partial<AppState> => ({ planRequest: request, plan: { state: 'done', value: plan } });
const applyCtx = (state: Partial<ApplyRunState>, active = false) => ctx({ apply: { state: { ...initialApplyRun, ...state }, request, active } });
const unreachable: PlanOutcome = { ...planFor(X), plan: { ...planFor(X).plan, reachable: false } };
const quarantines = [quarantineSummary(), quarantineSummary({ journalPath: `${L}/q2/journal.jsonl`, items: { total: 3, quarantined: 0, unfinished: 0, undone: 3, notMoved: 0, conflicts: 0, createdAside: 0 } }), quarantineSummary({ journalPath: `${L}/q3/journal.jsonl`, state: 'in-progress' })];
const quarantineCtx = ctx({ quarantines: { list: { state: 'done', value: { quarantines, problems: [] } }, undo: { state: 'idle' } } });
const listedCtx = ctx({ fetch: { state: { stage: 'listed', outcome: { ranked: [{}], skipped: null } as unknown as FetchOutcome, current: null, log: [], error: null }, active: false } });

describe('the first state', () => {
  it('opens on the ledger, or with --slot on the plan for X with the plan started', () => {
    expect(initialAppState()).toMatchObject({ state: { screen: 'ledger', plan: { state: 'idle' }, exitCode: ExitCode.Ok }, effects: [] });
    const withSlot = initialAppState(X);
    expect(withSlot.state).toMatchObject({ screen: 'plan', plan: { state: 'loading' }, planRequest: { target: X }, loaded: null });
    expect(withSlot.effects).toEqual([{ type: 'plan', request: withSlot.state.planRequest }]);
  });
});

describe('appReducer: keys', () => {
  const rows: ReadonlyArray<{ name: string; state: AppState; keys: string[]; context?: AppContext; expect: Partial<AppState>; effects?: AppEffect[] }> = [
    // the ledger
    { name: 'ledger Enter chooses X', state: on('ledger'), keys: ['<enter>'], expect: { screen: 'target' } },
    { name: 'ledger x chooses X', state: on('ledger'), keys: ['x'], expect: { screen: 'target' } },
    { name: 'ledger → chooses X', state: on('ledger'), keys: ['<right>'], expect: { screen: 'target' } },
    { name: 'ledger u opens the quarantines', state: on('ledger', { selected: 2 }), keys: ['u'], expect: { screen: 'quarantines', selected: 0 }, effects: [{ type: 'reload-quarantines' }] },
    { name: 'ledger s opens the quarantines', state: on('ledger'), keys: ['s'], expect: { screen: 'quarantines' }, effects: [{ type: 'reload-quarantines' }] },
    { name: 'ledger i shows the ignored', state: on('ledger'), keys: ['i'], expect: { showIgnored: true } },
    { name: 'ledger i twice hides them', state: on('ledger'), keys: ['i', 'i'], expect: { showIgnored: false } },
    { name: 'ledger r reads again', state: on('ledger'), keys: ['r'], expect: { reloads: 1 } },
    { name: 'ledger j k scroll', state: on('ledger'), keys: ['j', 'j', 'k'], expect: { offsets: { ledger: 1 } } },
    { name: 'ledger PgDn scrolls a page', state: on('ledger'), keys: ['<pgdn>'], expect: { offsets: { ledger: BODY - 1 } } },
    { name: 'scrolling stops at the end', state: on('ledger'), keys: ['<pgdn>', '<pgdn>'], context: ctx({ lineCount: () => 12 }), expect: { offsets: { ledger: 12 - BODY } } },
    { name: '? opens help', state: on('ledger'), keys: ['?'], expect: { help: true } },
    { name: 'q leaves with the last outcome', state: on('ledger', { exitCode: ExitCode.Failed }), keys: ['q'], expect: {}, effects: [{ type: 'exit', code: ExitCode.Failed }] },
    { name: 'Ctrl-C when idle leaves with 130', state: on('plan'), keys: ['^c'], expect: {}, effects: [{ type: 'exit', code: ExitCode.Cancelled }] },
    // help
    ...['?', 'q', '<esc>', '<enter>'].map((k) => ({ name: `help closes on ${k}`, state: on('ledger', { help: true }), keys: [k], expect: { help: false, screen: 'ledger' as const } })),
    { name: 'help ignores other keys', state: on('ledger', { help: true }), keys: ['x'], expect: { help: true, screen: 'ledger' } },
    // the target form
    { name: 'target typing and backspace', state: on('target'), keys: ['1', '2', 'a', '<bs>'], expect: { form: { ...initialTargetForm(), slot: '12' } } },
    { name: 'target paste drops spaces', state: on('target'), keys: ['289 624 982'], expect: { form: { ...initialTargetForm(), slot: '289624982' } } },
    { name: 'target Tab to the hash takes q and ? as text', state: on('target'), keys: ['<tab>', 'q', '?'], expect: { help: false, form: { ...initialTargetForm(), focus: 'bankHash', bankHash: 'q?' } } },
    { name: 'target ↑ from X reaches the announcement fields', state: on('target'), keys: ['<up>', '<up>', '<up>'], expect: { form: { ...initialTargetForm(), focus: 'announcementPath' } } },
    { name: 'target Shift-Tab from X', state: on('target'), keys: ['<s-tab>'], expect: { form: { ...initialTargetForm(), focus: 'hardForks' } } },
    { name: 'target j on X moves down', state: on('target'), keys: ['j'], expect: { form: { ...initialTargetForm(), focus: 'bankHash' } } },
    { name: 'target picks an optimistic slot with its hash', state: on('target'), keys: ['<down>', '<down>', '<down>', '<enter>'], expect: { form: { ...initialTargetForm(), slot: '289624982', bankHash: 'H'.repeat(44), focus: 'slot' } } },
    { name: 'target list ↓ then ↑ stays in the list', state: on('target'), keys: ['<down>', '<down>', '<down>', '<down>', '<up>'], expect: { form: { ...initialTargetForm(), focus: 'list', pick: 0 } } },
    { name: 'target without optimistic slots has no list', state: on('target'), keys: ['<down>', '<down>', '<down>'], context: ctx({ optimistic: null }), expect: { form: { ...initialTargetForm(), focus: 'shredVersion' } } },
    { name: 'target Enter with X plans it', state: on('target'), keys: ['289624982', '<enter>'], expect: { screen: 'plan', planRequest: { target: X, expectedBankHash: undefined, expectedShredVersion: undefined }, plan: { state: 'loading' } }, effects: [{ type: 'plan', request: { target: X, expectedBankHash: undefined, expectedShredVersion: undefined } }] },
    { name: 'target Enter without X says so', state: on('target'), keys: ['<enter>'], expect: { screen: 'target', notice: 'Type the restart slot X first.' } },
    { name: 'target Enter with a bad X names it', state: on('target'), keys: ['12a', '<enter>'], expect: { screen: 'target', notice: expect.stringContaining('12a') as unknown as string } },
    { name: 'target Enter on the file field opens it', state: on('target'), keys: ['<up>', '<up>', '<up>', ' ann.yaml ', '<enter>'], expect: { screen: 'target' }, effects: [{ type: 'open-announcement', file: 'ann.yaml' }] },
    { name: 'target Enter on an empty file field', state: on('target'), keys: ['<up>', '<up>', '<up>', '<enter>'], expect: { notice: 'Type the path of the announcement file (YAML or JSON), then Enter.' } },
    { name: 'target cannot open files', state: on('target'), keys: ['<up>', '<up>', '<up>', 'a.yaml', '<enter>'], context: ctx({ can: { fetch: false, watch: false, loadAnnouncement: false } }), expect: { notice: 'Announcement files cannot be opened here.' } },
    { name: 'target Esc back to the ledger', state: on('target'), keys: ['<esc>'], expect: { screen: 'ledger' } },
    // the plan
    { name: 'plan a while planning', state: on('plan', { planRequest: request, plan: { state: 'loading' } }), keys: ['a'], expect: { screen: 'plan', notice: 'Still planning…' } },
    { name: 'plan a after a failed plan', state: on('plan', { planRequest: request, plan: { state: 'failed', error: { message: 'x' } } }), keys: ['a'], expect: { notice: 'There is no plan to apply: see the error.' } },
    { name: 'plan a on an unreachable X', state: on('plan', planned(unreachable)), keys: ['a'], expect: { screen: 'plan', notice: `Slot ${X} is not reachable: nothing to apply (see the findings).` } },
    { name: 'plan a applies', state: on('plan', planned()), keys: ['a'], expect: { screen: 'apply' }, effects: [{ type: 'apply', request }] },
    { name: 'plan Enter applies', state: on('plan', planned()), keys: ['<enter>'], expect: { screen: 'apply' }, effects: [{ type: 'apply', request }] },
    { name: 'plan f fetches', state: on('plan', planned()), keys: ['f'], expect: { screen: 'fetch' }, effects: [{ type: 'fetch-list', target: X }] },
    { name: 'plan f without --rpc', state: on('plan', planned()), keys: ['f'], context: ctx({ can: { fetch: false, watch: true, loadAnnouncement: true } }), expect: { screen: 'plan', notice: expect.stringContaining('--rpc URL') as unknown as string } },
    { name: 'plan r plans again', state: on('plan', planned()), keys: ['r'], expect: { plan: { state: 'loading' }, planRequest: { target: X } }, effects: [{ type: 'plan', request: { target: X } }] },
    { name: 'plan Esc changes X', state: on('plan', planned()), keys: ['<esc>'], expect: { screen: 'target' } },
    { name: 'plan e changes X', state: on('plan', planned()), keys: ['e'], expect: { screen: 'target' } },
    { name: 'plan u opens the quarantines', state: on('plan', planned()), keys: ['u'], expect: { screen: 'quarantines' }, effects: [{ type: 'reload-quarantines' }] },
    { name: 'plan j scrolls', state: on('plan', planned()), keys: ['j'], expect: { offsets: { plan: 1 } } },
    // confirm, the run, the result
    { name: 'confirm y', state: on('apply', planned()), keys: ['y'], context: applyCtx({ stage: 'confirm' }, true), expect: { screen: 'apply' }, effects: [{ type: 'answer', yes: true }] },
    ...['n', 'N', '<esc>'].map((k) => ({ name: `confirm ${k} declines`, state: on('apply', planned()), keys: [k], context: applyCtx({ stage: 'confirm' }, true), expect: { screen: 'apply' as const }, effects: [{ type: 'answer', yes: false } as const] })),
    { name: 'confirm j scrolls', state: on('apply', planned()), keys: ['j'], context: applyCtx({ stage: 'confirm' }, true), expect: { offsets: { confirm: 1 } } },
    { name: 'running Esc explains', state: on('apply', planned()), keys: ['<esc>'], context: applyCtx({ stage: 'running' }, true), expect: { screen: 'apply', notice: APPLY_RUNNING } },
    { name: 'running q does not leave', state: on('apply', planned()), keys: ['q'], context: applyCtx({ stage: 'running' }, true), expect: { notice: APPLY_RUNNING } },
    { name: 'Ctrl-C while applying stops it', state: on('apply', planned()), keys: ['^c'], context: applyCtx({ stage: 'running' }, true), expect: { stopping: true, notice: expect.stringContaining('Stopping') as unknown as string }, effects: [{ type: 'stop-apply' }] },
    { name: 'result Enter goes to the ledger, read again', state: on('apply', planned()), keys: ['<enter>'], context: applyCtx({ stage: 'finished', outcome: outcome() }), expect: { screen: 'ledger', reloads: 1 } },
    { name: 'result Esc goes to the ledger', state: on('apply', planned()), keys: ['<esc>'], context: applyCtx({ stage: 'refused', refusal: { message: 'no' } }), expect: { screen: 'ledger' } },
    { name: 'result u opens the quarantines', state: on('apply', planned()), keys: ['u'], context: applyCtx({ stage: 'finished', outcome: outcome() }), expect: { screen: 'quarantines' }, effects: [{ type: 'reload-quarantines' }] },
    { name: 'result w watches the restart boot', state: on('apply', planned()), keys: ['w'], context: applyCtx({ stage: 'finished', outcome: outcome() }), expect: { screen: 'watch' } },
    { name: 'result w after a failed apply', state: on('apply', planned()), keys: ['w'], context: applyCtx({ stage: 'finished', outcome: outcome({ error: { message: 'failed', hint: undefined, outputTail: undefined } }) }), expect: { screen: 'apply' } },
    { name: 'result w without a watch service', state: on('apply', planned()), keys: ['w'], context: ctx({ apply: { state: { ...initialApplyRun, stage: 'finished', outcome: outcome() }, request, active: false }, can: { fetch: true, watch: false, loadAnnouncement: true } }), expect: { screen: 'apply' } },
    { name: 'result j scrolls', state: on('apply', planned()), keys: ['j'], context: applyCtx({ stage: 'finished', outcome: outcome() }), expect: { offsets: { result: 1 } } },
    { name: 'watch Esc back to the result', state: on('watch', planned()), keys: ['<esc>'], expect: { screen: 'apply' } },
    // the quarantines
    { name: 'quarantines j k select, within the list', state: on('quarantines'), keys: ['j', 'j', 'j', 'k'], context: quarantineCtx, expect: { selected: 1 } },
    { name: 'quarantines u asks first', state: on('quarantines'), keys: ['u'], context: quarantineCtx, expect: { confirmingUndo: true } },
    { name: 'quarantines u then y puts back', state: on('quarantines'), keys: ['u', 'y'], context: quarantineCtx, expect: { confirmingUndo: false }, effects: [{ type: 'undo', journalPath: quarantines[0]?.journalPath ?? '' }] },
    { name: 'quarantines Enter then n does nothing', state: on('quarantines'), keys: ['<enter>', 'n'], context: quarantineCtx, expect: { confirmingUndo: false } },
    { name: 'quarantines: nothing to put back', state: on('quarantines', { selected: 1 }), keys: ['u'], context: quarantineCtx, expect: { confirmingUndo: false, notice: 'Nothing left to put back in this one.' } },
    { name: 'quarantines: its apply still runs', state: on('quarantines', { selected: 2 }), keys: ['u'], context: quarantineCtx, expect: { confirmingUndo: false, notice: 'Its apply is still running; undo waits until it has stopped.' } },
    { name: 'quarantines: keys wait while undo runs', state: on('quarantines'), keys: ['j', 'u'], context: ctx({ quarantines: { list: quarantineCtx.quarantines.list, undo: { state: 'loading' } } }), expect: { selected: 0, confirmingUndo: false } },
    { name: 'quarantines r reads again', state: on('quarantines'), keys: ['r'], context: quarantineCtx, expect: {}, effects: [{ type: 'reload-quarantines' }] },
    { name: 'quarantines Esc to the ledger', state: on('quarantines'), keys: ['<esc>'], context: quarantineCtx, expect: { screen: 'ledger', reloads: 1 } },
    // fetch
    { name: 'fetch Enter on the candidates downloads', state: on('fetch', planned()), keys: ['<enter>'], context: listedCtx, expect: { screen: 'fetch' }, effects: [{ type: 'fetch-download', target: X }] },
    { name: 'fetch Esc back to a new plan', state: on('fetch', planned()), keys: ['<esc>'], context: listedCtx, expect: { screen: 'plan', plan: { state: 'loading' } }, effects: [{ type: 'fetch-reset' }, { type: 'plan', request }] },
    { name: 'fetch keys wait while listing', state: on('fetch', planned()), keys: ['<enter>', '<esc>'], context: ctx({ fetch: { state: { stage: 'listing', outcome: null, current: null, log: [], error: null }, active: true } }), expect: { screen: 'fetch' } },
    { name: 'q while fetching does not leave', state: on('fetch', planned()), keys: ['q'], context: ctx({ fetch: { state: { stage: 'downloading', outcome: null, current: null, log: [], error: null }, active: true } }), expect: { notice: expect.stringContaining('fetch is running') as unknown as string } },
    { name: 'Ctrl-C while fetching stops it and leaves', state: on('fetch', planned()), keys: ['^c'], context: ctx({ fetch: { state: { stage: 'downloading', outcome: null, current: null, log: [], error: null }, active: true } }), expect: {}, effects: [{ type: 'stop-fetch' }, { type: 'exit', code: ExitCode.Cancelled }] },
  ];

  it.each(rows)('$name', (row) => {
    const step = press(row.state, row.keys, row.context);
    expect(step.state).toMatchObject(row.expect);
    expect(step.effects).toEqual(row.effects ?? []);
  });

  it('clears the last notice on the next key', () => {
    expect(press(on('ledger', { notice: 'old' }), ['i']).state.notice).toBeNull();
  });
});

describe('appReducer: results of the work', () => {
  it('takes the plan for the current request and drops one for a replaced request', () => {
    const state = on('plan', { planRequest: request, plan: { state: 'loading' } });
    const done = { state: 'done' as const, value: planFor(X) };
    expect(appReducer(state, { type: 'planned', request, plan: done }).state.plan).toBe(done);
    expect(appReducer(state, { type: 'planned', request: { ...request }, plan: done }).state.plan).toEqual({ state: 'loading' });
  });

  it('fills the form from an opened announcement', () => {
    const announcement = { snapshotSlot: X, restartSlot: X, hardForks: [X], expectedShredVersion: 62405, cluster: 'mainnet-beta' } as never;
    const step = appReducer(on('target', { form: { ...initialTargetForm(), focus: 'announcementPath' } }), { type: 'announcement-opened', file: 'ann.yaml', announcement });
    expect(step.state.form).toMatchObject({ slot: String(X), restartSlot: String(X), shredVersion: '62405', focus: 'slot' });
    expect(step.state.loaded).toBe(announcement);
    expect(step.state.notice).toBe('Opened ann.yaml (mainnet-beta): Enter plans with its values.');
    expect(appReducer(on('target'), { type: 'announcement-failed', message: 'no such file' }).state.notice).toBe('no such file');
  });

  it.each([
    ['done', ExitCode.Ok],
    ['failed', ExitCode.Failed],
    ['refused', ExitCode.Usage],
  ] as const)('an apply that ended %s makes q leave with %i', (how, code) => {
    const settled = appReducer(on('apply'), { type: 'apply-settled', how });
    expect(settled).toEqual({ state: { ...on('apply'), exitCode: code }, effects: [] });
    expect(press(settled.state, ['q']).effects).toEqual([{ type: 'exit', code }]);
  });

  it('a declined confirm goes back to the plan, nothing changed', () => {
    expect(appReducer(on('apply', planned()), { type: 'apply-settled', how: 'declined' }).state).toMatchObject({ screen: 'plan', notice: 'Nothing was changed.', exitCode: ExitCode.Ok });
  });

  it('after Ctrl-C, apply stopping leaves with 130 whatever it reports', () => {
    const stopped = press(on('apply', planned()), ['^c'], applyCtx({ stage: 'running' }, true)).state;
    expect(appReducer(stopped, { type: 'apply-settled', how: 'failed' }).effects).toEqual([{ type: 'exit', code: ExitCode.Cancelled }]);
  });
});
