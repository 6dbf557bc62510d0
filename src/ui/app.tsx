import { Box, useApp } from 'ink';
import { useCallback, useRef } from 'react';
import type { Announcement } from '../agave/announcement/announcement.js';
import { isSnapplanError } from '../core/errors.js';
import type { Slot } from '../core/slot.js';
import { appReducer, initialAppState, restartSlotOf, type AppContext, type AppEffect, type AppEvent, type AppState, type ScrollName } from './app-state.js';
import { confirmLines } from './components/ConfirmScreen.js';
import { bodyHeight, Frame } from './components/Frame.js';
import { ledgerLines } from './components/LedgerScreen.js';
import { planLines } from './components/PlanScreen.js';
import { resultLines } from './components/ResultScreen.js';
import { useApplyRun, type ApplySettled } from './hooks/use-apply-run.js';
import { useFetchRun } from './hooks/use-fetch-run.js';
import { useKeys } from './hooks/use-keys.js';
import { useNow } from './hooks/use-now.js';
import { useQuarantines } from './hooks/use-quarantines.js';
import { useStepReducer } from './hooks/use-step-reducer.js';
import { useTask } from './hooks/use-task.js';
import { useTerminalSize, type TerminalSize } from './hooks/use-terminal-size.js';
import { useWatchRun } from './hooks/use-watch-run.js';
import { toErrorInfo } from './model.js';
import { screenView } from './screens.js';
import { checkTarget } from './target-form.js';
import type { TuiServices } from './tui-services.js';

export type { ScreenName } from './app-state.js';

export interface AppProps {
  readonly services: TuiServices;
  /** Where the quarantines are (shown on the undo screen). */
  readonly backupDir: string;
  /** `--slot`: open on the plan for this X. */
  readonly initialTarget?: Slot | undefined;
  /** From `--announcement` and its flags: the target screen starts filled from it. */
  readonly initialAnnouncement?: Announcement | undefined;
  /** Called once with the exit code, just before the app unmounts. */
  readonly onExit?: ((code: number) => void) | undefined;
  /** Tests: a fixed terminal size instead of the real one. */
  readonly size?: TerminalSize | undefined;
  readonly clock?: (() => number) | undefined;
}

/**
 * Wires the hooks: the decisions are app-state.ts's reducer (ledger → target → plan → apply
 * (confirm, steps) → result, the quarantines from any idle screen); this component carries out
 * its effects with the services and draws the screen for the state (screens.tsx).
 */
export function App({ services, backupDir, initialTarget, initialAnnouncement, onExit, size, clock = Date.now }: AppProps) {
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize(size);
  const width = Math.max(40, columns);
  // One row spare: an app as tall as the terminal makes Ink clear the screen on every frame.
  const height = Math.max(8, rows - 1);
  const body = bodyHeight(height);

  // apply's hook is made before the reducer it reports to: it reaches dispatch through a ref.
  const dispatchRef = useRef<(event: AppEvent) => void>(() => undefined);
  const onSettled = useCallback((settled: ApplySettled) => dispatchRef.current({ type: 'apply-settled', how: settled.how }), []);
  const apply = useApplyRun(services, clock, onSettled);
  const fetchRun = useFetchRun(services.fetch);
  const [state, dispatch] = useStepReducer(appReducer, () => initialAppState(initialTarget, initialAnnouncement), run);
  dispatchRef.current = dispatch;
  const overview = useTask(() => services.overview(), [state.reloads]);
  const optimistic = useTask(() => services.optimisticSlots(), []);
  const quarantine = useQuarantines(services, state.screen === 'quarantines');
  const watchRun = useWatchRun(services, state.screen === 'watch' ? restartSlotOf(apply.state) : null);
  const now = useNow(apply.active && apply.state.tool !== null && apply.state.tool.finished === null, clock);

  function run(effect: AppEffect): void {
    switch (effect.type) {
      case 'exit':
        onExit?.(effect.code);
        return exit();
      case 'plan': {
        const { request } = effect;
        services.plan(request.target, request.announcement).then(
          (value) => dispatch({ type: 'planned', request, plan: { state: 'done', value } }),
          (error: unknown) => dispatch({ type: 'planned', request, plan: { state: 'failed', error: toErrorInfo(error) } }),
        );
        return;
      }
      case 'open-announcement':
        services.loadAnnouncement?.(effect.file).then(
          (announcement) => dispatch({ type: 'announcement-opened', file: effect.file, announcement }),
          (error: unknown) => dispatch({ type: 'announcement-failed', message: isSnapplanError(error) ? error.message : String(error) }),
        );
        return;
      case 'apply':
        return apply.start(effect.request);
      case 'answer':
        return apply.answer(effect.yes);
      case 'stop-apply':
        return apply.abort();
      case 'fetch-list':
        return fetchRun.list(effect.target);
      case 'fetch-download':
        return fetchRun.download(effect.target);
      case 'fetch-reset':
        return fetchRun.reset();
      case 'stop-fetch':
        return fetchRun.abort();
      case 'reload-quarantines':
        return quarantine.reload();
      case 'undo':
        return quarantine.runUndo(effect.journalPath);
    }
  }

  const lineCount = (name: ScrollName, s: AppState): number => {
    const target = s.planRequest?.target ?? null;
    switch (name) {
      case 'ledger':
        return ledgerLines({ overview, target, showIgnored: s.showIgnored, offset: 0, width, height: body }).length;
      case 'plan':
        return target === null ? 0 : planLines({ target, plan: s.plan, offset: 0, width, height: body }).length;
      case 'confirm':
        return apply.state.plan && apply.state.command && apply.request ? confirmLines({ plan: apply.state.plan, command: apply.state.command, request: apply.request, offset: 0, width, height: body }).length : 0;
      case 'result':
        return resultLines({ outcome: apply.state.outcome, refusal: apply.state.refusal, offset: 0, width, height: body }).length;
    }
  };
  const ctx: AppContext = {
    body,
    overview,
    optimistic: optimistic.state === 'done' ? optimistic.value : null,
    apply: { state: apply.state, request: apply.request, active: apply.active },
    fetch: { state: fetchRun.state, active: fetchRun.active },
    quarantines: { list: quarantine.list, undo: quarantine.undo },
    can: { fetch: services.fetch !== undefined, watch: services.watch !== undefined, loadAnnouncement: services.loadAnnouncement !== undefined },
    lineCount,
  };
  // Keys read the hooks as of the latest render.
  useKeys((input, key) => dispatch({ type: 'key', input, key, ctx }));

  const blockRange = overview.state === 'done' ? (overview.value.blockstore?.slots ?? null) : null;
  const view = screenView(state, {
    width,
    body,
    backupDir,
    overview,
    optimistic,
    check: checkTarget(state.form, blockRange, state.loaded),
    apply: { state: apply.state, request: apply.request },
    now,
    fetch: { state: fetchRun.state, active: fetchRun.active },
    quarantines: { list: quarantine.list, undo: quarantine.undo, progress: quarantine.progress },
    watch: watchRun,
    canWatch: services.watch !== undefined,
  });
  return (
    <Frame title={view.title} ledger={services.ledger} width={width} height={height} keys={view.keys} notice={state.notice}>
      <Box flexDirection="column" width={width} height={body}>
        {view.body}
      </Box>
    </Frame>
  );
}
