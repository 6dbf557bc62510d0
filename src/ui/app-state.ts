import type { Key } from 'ink';
import type { Announcement } from '../agave/announcement/announcement.js';
import type { UndoOutcome } from '../agave/apply/undo-service.js';
import type { OptimisticSlot } from '../agave/ledger-tool/latest-optimistic-slots.js';
import type { PlanOutcome } from '../agave/plan-service.js';
import { ExitCode } from '../core/exit-codes.js';
import type { Slot } from '../core/slot.js';
import { announced } from '../output/restart-report.js';
import { announcementFormValues, typedText } from './announcement-form.js';
import type { ApplyRunState } from './apply-run.js';
import { clampOffset } from './components/ScrollView.js';
import type { FetchRunState } from './hooks/use-fetch-run.js';
import type { ApplyRequest, Async, LedgerOverview } from './model.js';
import { holdsItems, type QuarantineList } from './quarantine-list.js';
import { checkTarget, initialTargetForm, type TargetField, type TargetForm } from './target-form.js';

export type ScreenName = 'ledger' | 'target' | 'plan' | 'apply' | 'quarantines' | 'watch' | 'fetch';
/** The screens that scroll, each with its own offset. */
export type ScrollName = 'ledger' | 'plan' | 'confirm' | 'result';

/** Everything the app decides on; the background work it does not own comes in with each key (AppContext). */
export interface AppState {
  readonly screen: ScreenName;
  readonly help: boolean;
  readonly notice: string | null;
  readonly offsets: Partial<Record<string, number>>;
  readonly showIgnored: boolean;
  /** Bumped to read the ledger again. */
  readonly reloads: number;
  /** The opened (or --announcement) announcement; null for --slot alone, which keeps X editable. */
  readonly loaded: Announcement | null;
  readonly form: TargetForm;
  readonly planRequest: ApplyRequest | null;
  /** The plan for planRequest; a result for an older request is dropped. */
  readonly plan: Async<PlanOutcome>;
  /** The highlighted quarantine. */
  readonly selected: number;
  readonly confirmingUndo: boolean;
  /** What `q` leaves with: the last apply's outcome. */
  readonly exitCode: number;
  /** Ctrl-C during apply: leave with 130 once apply has stopped. */
  readonly stopping: boolean;
}

/**
 * What the hooks hold when a key arrives (apply, fetch, quarantines, the ledger read), and what
 * the services offer. `lineCount` measures a scrolling screen as it would be drawn for a state.
 */
export interface AppContext {
  readonly body: number;
  readonly overview: Async<LedgerOverview>;
  readonly optimistic: readonly OptimisticSlot[] | null;
  readonly apply: { readonly state: ApplyRunState; readonly request: ApplyRequest | null; readonly active: boolean };
  readonly fetch: { readonly state: FetchRunState; readonly active: boolean };
  readonly quarantines: { readonly list: Async<QuarantineList>; readonly undo: Async<UndoOutcome> };
  readonly can: { readonly fetch: boolean; readonly watch: boolean; readonly loadAnnouncement: boolean };
  readonly lineCount: (name: ScrollName, state: AppState) => number;
}

export type AppEvent =
  | { readonly type: 'key'; readonly input: string; readonly key: Key; readonly ctx: AppContext }
  | { readonly type: 'planned'; readonly request: ApplyRequest; readonly plan: Async<PlanOutcome> }
  | { readonly type: 'announcement-opened'; readonly file: string; readonly announcement: Announcement }
  | { readonly type: 'announcement-failed'; readonly message: string }
  | { readonly type: 'apply-settled'; readonly how: 'declined' | 'refused' | 'failed' | 'done' };

/** Work for the component to start; its results come back as events. */
export type AppEffect =
  | { readonly type: 'exit'; readonly code: number }
  | { readonly type: 'plan'; readonly request: ApplyRequest }
  | { readonly type: 'open-announcement'; readonly file: string }
  | { readonly type: 'apply'; readonly request: ApplyRequest }
  | { readonly type: 'answer'; readonly yes: boolean }
  | { readonly type: 'stop-apply' }
  | { readonly type: 'fetch-list'; readonly target: Slot }
  | { readonly type: 'fetch-download'; readonly target: Slot }
  | { readonly type: 'fetch-reset' }
  | { readonly type: 'stop-fetch' }
  | { readonly type: 'reload-quarantines' }
  | { readonly type: 'undo'; readonly journalPath: string };

export interface Step {
  readonly state: AppState;
  readonly effects: readonly AppEffect[];
}

// The announcement's own fields come first (↑ from X reaches them); X, hash and shred version keep their order.
const FIELDS: readonly TargetField[] = ['announcementPath', 'restartSlot', 'hardForks', 'slot', 'bankHash', 'shredVersion', 'list'];

export const APPLY_RUNNING = 'apply is running: wait for it, or press Ctrl-C to stop it.';

/** The first state: the ledger, or with `--slot` the plan for X (planning at once). */
export function initialAppState(initialTarget?: Slot, initialAnnouncement?: Announcement): Step {
  const planRequest: ApplyRequest | null = initialTarget !== undefined ? { target: initialTarget, announcement: initialAnnouncement } : null;
  const state: AppState = {
    screen: planRequest ? 'plan' : 'ledger',
    help: false,
    notice: null,
    offsets: {},
    showIgnored: false,
    reloads: 0,
    // --slot alone is no announcement: X stays freely editable then.
    loaded: initialAnnouncement && announced(initialAnnouncement) ? initialAnnouncement : null,
    form: initialTargetForm(initialTarget, initialAnnouncement),
    planRequest,
    plan: planRequest ? { state: 'loading' } : { state: 'idle' },
    selected: 0,
    confirmingUndo: false,
    exitCode: ExitCode.Ok,
    stopping: false,
  };
  return { state, effects: planRequest ? [{ type: 'plan', request: planRequest }] : [] };
}

/** The apply screen's three faces, from apply's own state. */
export function applyView(apply: ApplyRunState): 'confirm' | 'result' | 'running' {
  return apply.stage === 'confirm' ? 'confirm' : apply.stage === 'finished' || apply.stage === 'refused' ? 'result' : 'running';
}

/** After a successful apply, `w` on the result watches the restart boot at the new snapshot's slot. */
export function restartSlotOf(apply: ApplyRunState): Slot | null {
  return apply.outcome?.created && !apply.outcome.error ? apply.outcome.created.slot : null;
}

/** The plan found no base below X: the plan screen offers to fetch one (issue 15). */
export function offersFetch(state: AppState): boolean {
  return state.screen === 'plan' && state.plan.state === 'done' && state.plan.value.plan.findings.some((f) => f.code === 'no-base-snapshot');
}

/** Pure: the app after one event, and the work to start for it. */
export function appReducer(state: AppState, event: AppEvent): Step {
  switch (event.type) {
    case 'key':
      return onKey(state, event.input, event.key, event.ctx);
    case 'planned':
      // A plan for a request that was replaced (Esc, r) is not this screen's any more.
      return stay(event.request === state.planRequest ? { ...state, plan: event.plan } : state);
    case 'announcement-opened': {
      const a = event.announcement;
      return stay({ ...state, loaded: a, form: { ...state.form, ...announcementFormValues(a), focus: 'slot' }, notice: `Opened ${event.file}${a.cluster ? ` (${a.cluster})` : ''}: Enter plans with its values.` });
    }
    case 'announcement-failed':
      return stay({ ...state, notice: event.message });
    case 'apply-settled':
      if (state.stopping) return { state, effects: [{ type: 'exit', code: ExitCode.Cancelled }] };
      if (event.how === 'declined') return stay({ ...state, screen: 'plan', notice: 'Nothing was changed.' });
      return stay({ ...state, exitCode: event.how === 'done' ? ExitCode.Ok : event.how === 'failed' ? ExitCode.Failed : ExitCode.Usage });
  }
}

const stay = (state: AppState, ...effects: AppEffect[]): Step => ({ state, effects });
const noticed = (state: AppState, notice: string): Step => stay({ ...state, notice });
const go = (state: AppState, screen: ScreenName): AppState => ({ ...state, screen, offsets: { ...state.offsets, [screen]: 0 } });
const backToLedger = (state: AppState): Step => stay(go({ ...state, reloads: state.reloads + 1 }, 'ledger'));
const openQuarantines = (state: AppState): Step => stay(go({ ...state, selected: 0, confirmingUndo: false }, 'quarantines'), { type: 'reload-quarantines' });
const isYes = (input: string) => input === 'y' || input === 'Y';
const isNo = (input: string, key: Key) => input === 'n' || input === 'N' || key.escape;

/** The plan again (r, or back from a fetch): a new request, so a late result of the old one is dropped. */
function replan(state: AppState): Step {
  if (!state.planRequest) return stay(state);
  const request = { ...state.planRequest };
  return stay({ ...state, planRequest: request, plan: { state: 'loading' } }, { type: 'plan', request });
}

/** j/k, arrows, Space and PgUp/PgDn scroll; null when the key is no scroll key. */
function scrolled(state: AppState, name: ScrollName, input: string, key: Key, ctx: AppContext): Step | null {
  const page = ctx.body - 1;
  const delta = key.downArrow || input === 'j' ? 1 : key.upArrow || input === 'k' ? -1 : key.pageDown || input === ' ' ? page : key.pageUp ? -page : 0;
  if (delta === 0) return null;
  const count = ctx.lineCount(name, state);
  const offset = clampOffset(clampOffset(state.offsets[name] ?? 0, count, ctx.body) + delta, count, ctx.body);
  return stay({ ...state, offsets: { ...state.offsets, [name]: offset } });
}

function onKey(before: AppState, input: string, key: Key, ctx: AppContext): Step {
  if (key.ctrl && input === 'c') {
    // Raw mode turns Ctrl-C into a key: stop the work cleanly, then leave with 130.
    // The download keeps its .partial: the next fetch resumes it.
    if (ctx.fetch.active) return stay(before, { type: 'stop-fetch' }, { type: 'exit', code: ExitCode.Cancelled });
    if (ctx.apply.active) return stay({ ...before, stopping: true, notice: 'Stopping: apply halts between steps; what moved stays journaled…' }, { type: 'stop-apply' });
    return stay(before, { type: 'exit', code: ExitCode.Cancelled });
  }
  const state: AppState = { ...before, notice: null };
  if (state.help) return stay(input === '?' || input === 'q' || key.escape || key.return ? { ...state, help: false } : state);
  const typing = state.screen === 'target' && state.form.focus !== 'slot' && state.form.focus !== 'list';
  if (!typing && input === '?') return stay({ ...state, help: true });
  if (!typing && input === 'q') {
    if (ctx.apply.active) return noticed(state, APPLY_RUNNING);
    if (ctx.fetch.active) return noticed(state, 'fetch is running: wait for it, or press Ctrl-C to stop it (the partial file is kept).');
    return stay(state, { type: 'exit', code: state.exitCode });
  }
  switch (state.screen) {
    case 'ledger':
      return onLedgerKey(state, input, key, ctx);
    case 'target':
      return onTargetKey(state, input, key, ctx);
    case 'plan':
      return onPlanKey(state, input, key, ctx);
    case 'apply':
      return onApplyKey(state, input, key, ctx);
    case 'quarantines':
      return onQuarantineKey(state, input, key, ctx);
    case 'watch':
      return stay(key.escape ? go(state, 'apply') : state);
    case 'fetch':
      return onFetchKey(state, key, ctx);
  }
}

function onLedgerKey(state: AppState, input: string, key: Key, ctx: AppContext): Step {
  const scroll = scrolled(state, 'ledger', input, key, ctx);
  if (scroll) return scroll;
  if (key.return || input === 'x' || key.rightArrow) return stay(go(state, 'target'));
  if (input === 'u' || input === 's') return openQuarantines(state);
  if (input === 'i') return stay({ ...state, showIgnored: !state.showIgnored });
  if (input === 'r') return stay({ ...state, reloads: state.reloads + 1 });
  return stay(state);
}

function onTargetKey(state: AppState, input: string, key: Key, ctx: AppContext): Step {
  const form = state.form;
  const optimistic = ctx.optimistic;
  const fields = FIELDS.filter((f) => f !== 'list' || (optimistic !== null && optimistic.length > 0));
  const at = fields.indexOf(form.focus);
  const withForm = (next: Partial<TargetForm>) => stay({ ...state, form: { ...form, ...next } });
  const move = (delta: number) => withForm({ focus: fields[Math.max(0, Math.min(fields.length - 1, at + delta))] ?? 'slot' });
  const navKey = form.focus === 'slot' || form.focus === 'list';
  if (key.escape) return stay(go(state, 'ledger'));
  if (form.focus === 'list' && optimistic) {
    if (key.downArrow || input === 'j') return withForm({ pick: Math.min(optimistic.length - 1, form.pick + 1) });
    if (key.upArrow || input === 'k') return form.pick === 0 ? move(-1) : withForm({ pick: form.pick - 1 });
    if (key.return) {
      const picked = optimistic[form.pick];
      return picked ? withForm({ slot: String(picked.slot), bankHash: picked.bankHash ?? form.bankHash, focus: 'slot' }) : stay(state);
    }
  }
  if (key.tab) return move(key.shift ? -1 : 1);
  if (key.downArrow || (navKey && input === 'j')) return move(1);
  if (key.upArrow || (navKey && input === 'k')) return move(-1);
  if (key.return && form.focus === 'announcementPath') {
    // Enter on the announcement field opens the file; its values fill the form (see 'announcement-opened').
    const file = form.announcementPath.trim();
    if (file === '') return noticed(state, 'Type the path of the announcement file (YAML or JSON), then Enter.');
    if (!ctx.can.loadAnnouncement) return noticed(state, 'Announcement files cannot be opened here.');
    return stay(state, { type: 'open-announcement', file });
  }
  if (key.return) {
    const blockRange = ctx.overview.state === 'done' ? (ctx.overview.value.blockstore?.slots ?? null) : null;
    const checked = checkTarget(form, blockRange, state.loaded);
    if (!checked.request) {
      return noticed(state, checked.slot.error ?? checked.bankHash.error ?? checked.shredVersion.error ?? checked.restartSlot.error ?? checked.hardForks.error ?? checked.announcement.error ?? 'Type the restart slot X first.');
    }
    const request = checked.request;
    return stay(go({ ...state, planRequest: request, plan: { state: 'loading' } }, 'plan'), { type: 'plan', request });
  }
  if (form.focus === 'list') return stay(state);
  const field = form.focus;
  if (key.backspace || key.delete) return withForm({ [field]: form[field].slice(0, -1) });
  if (input && !key.ctrl && !key.meta) {
    // Pasted text arrives as one string; spaces are never part of a value.
    const text = typedText(field, input);
    if (text) return withForm({ [field]: form[field] + text });
  }
  return stay(state);
}

function onPlanKey(state: AppState, input: string, key: Key, ctx: AppContext): Step {
  const target = state.planRequest?.target ?? null;
  const scroll = scrolled(state, 'plan', input, key, ctx);
  if (scroll) return scroll;
  if (key.escape || input === 'e') return stay(go(state, 'target'));
  if (input === 'u') return openQuarantines(state);
  if (input === 'r') return replan(state);
  if (input === 'f' && target !== null) {
    if (!ctx.can.fetch) return noticed(state, "To fetch a snapshot here, start the app with --rpc URL (a validator's RPC that serves snapshots).");
    return stay(go(state, 'fetch'), { type: 'fetch-list', target });
  }
  if (key.return || input === 'a') {
    const plan = state.plan;
    if (plan.state !== 'done' || !state.planRequest) return noticed(state, plan.state === 'failed' ? 'There is no plan to apply: see the error.' : 'Still planning…');
    if (!plan.value.plan.reachable) return noticed(state, `Slot ${state.planRequest.target} is not reachable: nothing to apply (see the findings).`);
    return stay(go(state, 'apply'), { type: 'apply', request: state.planRequest });
  }
  return stay(state);
}

function onApplyKey(state: AppState, input: string, key: Key, ctx: AppContext): Step {
  const view = applyView(ctx.apply.state);
  if (view === 'confirm') {
    if (isYes(input)) return stay(state, { type: 'answer', yes: true });
    if (isNo(input, key)) return stay(state, { type: 'answer', yes: false });
    return scrolled(state, 'confirm', input, key, ctx) ?? stay(state);
  }
  if (view === 'running') return key.escape ? noticed(state, APPLY_RUNNING) : stay(state);
  const scroll = scrolled(state, 'result', input, key, ctx);
  if (scroll) return scroll;
  if (input === 'u') return openQuarantines(state);
  if (input === 'w' && restartSlotOf(ctx.apply.state) !== null && ctx.can.watch) return stay(go(state, 'watch'));
  if (key.return || key.escape) return backToLedger(state);
  return stay(state);
}

function onQuarantineKey(state: AppState, input: string, key: Key, ctx: AppContext): Step {
  const list = ctx.quarantines.list.state === 'done' ? ctx.quarantines.list.value.quarantines : [];
  const current = list[state.selected];
  if (ctx.quarantines.undo.state === 'loading') return stay(state);
  if (state.confirmingUndo) {
    if (isYes(input) && current) return stay({ ...state, confirmingUndo: false }, { type: 'undo', journalPath: current.journalPath });
    return stay(isNo(input, key) ? { ...state, confirmingUndo: false } : state);
  }
  if (key.downArrow || input === 'j') return stay({ ...state, selected: Math.min(Math.max(0, list.length - 1), state.selected + 1) });
  if (key.upArrow || input === 'k') return stay({ ...state, selected: Math.max(0, state.selected - 1) });
  if (input === 'r') return stay(state, { type: 'reload-quarantines' });
  if (key.escape) return backToLedger(state);
  if ((input === 'u' || key.return) && current) {
    if (!holdsItems(current)) return noticed(state, 'Nothing left to put back in this one.');
    if (current.state === 'in-progress') return noticed(state, 'Its apply is still running; undo waits until it has stopped.');
    return stay({ ...state, confirmingUndo: true });
  }
  return stay(state);
}

function onFetchKey(state: AppState, key: Key, ctx: AppContext): Step {
  const run = ctx.fetch.state;
  if (run.stage === 'listing' || run.stage === 'downloading') return stay(state);
  const target = state.planRequest?.target ?? null;
  const outcome = run.outcome;
  if (key.return && run.stage === 'listed' && target !== null && outcome && outcome.ranked.length > 0 && outcome.skipped === null) {
    return stay(state, { type: 'fetch-download', target });
  }
  if (key.return || key.escape) {
    // The plan again, on what is now on disk.
    const again = replan(state);
    return { state: go(again.state, 'plan'), effects: [{ type: 'fetch-reset' }, ...again.effects] };
  }
  return stay(state);
}
