import type { ReactNode } from 'react';
import type { OptimisticSlot } from '../agave/ledger-tool/latest-optimistic-slots.js';
import type { UndoOutcome } from '../agave/apply/undo-service.js';
import { applyView, offersFetch, restartSlotOf, type AppState } from './app-state.js';
import type { ApplyRunState } from './apply-run.js';
import { announcementSummary } from './components/AnnouncementLines.js';
import { ApplyScreen } from './components/ApplyScreen.js';
import { ConfirmScreen } from './components/ConfirmScreen.js';
import { FetchScreen } from './components/FetchScreen.js';
import { HelpScreen } from './components/HelpScreen.js';
import { LedgerScreen } from './components/LedgerScreen.js';
import { PlanScreen } from './components/PlanScreen.js';
import { QuarantineScreen } from './components/QuarantineScreen.js';
import { ResultScreen } from './components/ResultScreen.js';
import { TargetScreen } from './components/TargetScreen.js';
import { WatchScreen } from './components/WatchScreen.js';
import type { FetchRunState } from './hooks/use-fetch-run.js';
import type { WatchRunState } from './hooks/use-watch-run.js';
import type { ApplyRequest, Async, LedgerOverview } from './model.js';
import type { QuarantineList } from './quarantine-list.js';
import type { TargetCheck } from './target-form.js';

/** What the screens draw besides the app's state: the hooks' work, sizes and the clock. */
export interface ScreenInputs {
  readonly width: number;
  readonly body: number;
  readonly backupDir: string;
  readonly overview: Async<LedgerOverview>;
  readonly optimistic: Async<readonly OptimisticSlot[] | null>;
  readonly check: TargetCheck;
  readonly apply: { readonly state: ApplyRunState; readonly request: ApplyRequest | null };
  readonly now: number;
  readonly fetch: { readonly state: FetchRunState; readonly active: boolean };
  readonly quarantines: { readonly list: Async<QuarantineList>; readonly undo: Async<UndoOutcome>; readonly progress: string | null };
  readonly watch: WatchRunState;
  readonly canWatch: boolean;
}

export interface ScreenView {
  readonly title: string;
  readonly keys: readonly (readonly [string, string])[];
  readonly body: ReactNode;
}

/** The screen for a state: its title, the keys the footer lists, and its body. */
export function screenView(state: AppState, io: ScreenInputs): ScreenView {
  const { width, body } = io;
  const target = state.planRequest?.target ?? null;
  if (state.help) return { title: 'help', keys: [['?', 'close']], body: <HelpScreen width={width} height={body} /> };
  switch (state.screen) {
    case 'ledger':
      return {
        title: 'ledger',
        keys: [['Enter', 'choose X'], ['u', 'quarantines'], ['i', 'ignored'], ['r', 'reload'], ['?', 'help'], ['q', 'quit']],
        body: <LedgerScreen overview={io.overview} target={target} showIgnored={state.showIgnored} offset={state.offsets['ledger'] ?? 0} width={width} height={body} />,
      };
    case 'target': {
      const check = io.check;
      return {
        title: 'restart slot X',
        keys: [['Enter', state.form.focus === 'list' ? 'take it' : 'plan'], ['Tab ↑↓', 'fields'], ['Esc', 'back'], ['?', 'help']],
        // Without the request: it holds the announcement's bigint lists (see announcementSummary).
        body: <TargetScreen form={state.form} check={{ ...check, request: check.request && { target: check.request.target } }} optimistic={io.optimistic} width={width} height={body} announcement={announcementSummary(state.loaded)} />,
      };
    }
    case 'plan':
      return {
        title: `plan for slot ${String(target)}`,
        keys: offersFetch(state)
          ? [['f', 'fetch a snapshot'], ['j/k', 'scroll'], ['Esc', 'change X'], ['u', 'quarantines'], ['?', 'help'], ['q', 'quit']]
          : [['a', 'apply'], ['j/k', 'scroll'], ['Esc', 'change X'], ['u', 'quarantines'], ['?', 'help'], ['q', 'quit']],
        body: target === null ? null : <PlanScreen target={target} plan={state.plan} offset={state.offsets['plan'] ?? 0} width={width} height={body} />,
      };
    case 'apply': {
      const run = io.apply.state;
      const view = applyView(run);
      if (view === 'confirm' && run.plan && run.command && io.apply.request) {
        return {
          title: 'confirm',
          keys: [['y', 'go ahead'], ['n', 'back to the plan']],
          body: <ConfirmScreen plan={run.plan} command={run.command} request={io.apply.request} offset={state.offsets['confirm'] ?? 0} width={width} height={body} />,
        };
      }
      if (view === 'result') {
        return {
          title: run.refusal ? 'refused' : run.outcome?.error ? 'apply failed' : 'done',
          keys: [...(restartSlotOf(run) !== null && io.canWatch ? [['w', 'watch the restart boot'] as const] : []), ['u', 'quarantines / undo'], ['Enter', 'ledger view'], ['j/k', 'scroll'], ['q', 'quit']],
          body: <ResultScreen outcome={run.outcome} refusal={run.refusal} offset={state.offsets['result'] ?? 0} width={width} height={body} />,
        };
      }
      return { title: `applying slot ${String(target)}`, keys: [['Ctrl-C', 'stop']], body: <ApplyScreen run={run} now={io.now} width={width} height={body} /> };
    }
    case 'fetch':
      return {
        title: `fetch a base below slot ${String(target)}`,
        keys: io.fetch.active ? [['Ctrl-C', 'stop (the partial is kept)']] : io.fetch.state.stage === 'listed' ? [['Enter', 'download'], ['Esc', 'back to the plan']] : [['Enter', 'back to the plan']],
        body: <FetchScreen run={io.fetch.state} width={width} height={body} />,
      };
    case 'quarantines':
      return {
        title: 'undo / status',
        keys: [['↑↓', 'select'], ['u', 'put back'], ['r', 'reload'], ['Esc', 'back'], ['q', 'quit']],
        body: (
          <QuarantineScreen
            backupDir={io.backupDir}
            list={io.quarantines.list}
            selected={state.selected}
            confirming={state.confirmingUndo}
            undo={io.quarantines.undo}
            progress={io.quarantines.progress}
            offset={Math.max(0, state.selected + 1 - (body - 8))}
            width={width}
            height={body}
          />
        ),
      };
    case 'watch':
      return {
        title: `restart boot at slot ${String(restartSlotOf(io.apply.state))}`,
        keys: [['Esc', 'back to the result'], ['q', 'quit']],
        body: <WatchScreen events={io.watch.events} end={io.watch.end} error={io.watch.error} width={width} height={body} />,
      };
  }
}
