import { Box, useApp, type Key } from 'ink';
import { useCallback, useRef, useState, type ReactNode } from 'react';
import { isSnapplanError } from '../core/errors.js';
import type { Slot } from '../core/slot.js';
import { ApplyScreen } from './components/ApplyScreen.js';
import { ConfirmScreen, confirmLines } from './components/ConfirmScreen.js';
import { bodyHeight, Frame } from './components/Frame.js';
import { FetchScreen } from './components/FetchScreen.js';
import { HelpScreen } from './components/HelpScreen.js';
import { LedgerScreen, ledgerLines } from './components/LedgerScreen.js';
import { PlanScreen, planLines } from './components/PlanScreen.js';
import { QuarantineScreen } from './components/QuarantineScreen.js';
import { ResultScreen, resultLines } from './components/ResultScreen.js';
import { clampOffset } from './components/ScrollView.js';
import { TargetScreen } from './components/TargetScreen.js';
import { WatchScreen } from './components/WatchScreen.js';
import { useApplyRun, type ApplySettled } from './hooks/use-apply-run.js';
import { useFetchRun } from './hooks/use-fetch-run.js';
import { useKeys } from './hooks/use-keys.js';
import { useNow } from './hooks/use-now.js';
import { useQuarantines } from './hooks/use-quarantines.js';
import { useTask } from './hooks/use-task.js';
import { useTerminalSize, type TerminalSize } from './hooks/use-terminal-size.js';
import { useWatchRun } from './hooks/use-watch-run.js';
import type { ApplyRequest } from './model.js';
import { holdsItems } from './quarantine-list.js';
import { checkTarget, initialTargetForm, type TargetField, type TargetForm } from './target-form.js';
import { announcementFormValues, typedText } from './announcement-form.js';
import type { Announcement } from '../agave/announcement/announcement.js';
import { announced } from '../output/restart-report.js';
import { announcementSummary } from './components/AnnouncementLines.js';
import type { TuiServices } from './tui-services.js';

export type ScreenName = 'ledger' | 'target' | 'plan' | 'apply' | 'quarantines' | 'watch' | 'fetch';

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

const EXIT = { ok: 0, failed: 1, refused: 2, cancelled: 130 } as const;
// The announcement's own fields come first (↑ from X reaches them); X, hash and shred version keep their order.
const FIELDS: readonly TargetField[] = ['announcementPath', 'restartSlot', 'hardForks', 'slot', 'bankHash', 'shredVersion', 'list'];

/**
 * The controller: it owns the state and calls the services (through hooks); the screens in
 * components/ only draw what they are given. ledger → target → plan → apply (confirm, steps)
 * → result, and the quarantines (undo/status) from any idle screen.
 */
export function App({ services, backupDir, initialTarget, initialAnnouncement, onExit, size, clock = Date.now }: AppProps) {
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize(size);
  const width = Math.max(40, columns);
  // One row spare: an app as tall as the terminal makes Ink clear the screen on every frame.
  const height = Math.max(8, rows - 1);
  const body = bodyHeight(height);

  const [screen, setScreen] = useState<ScreenName>(initialTarget !== undefined ? 'plan' : 'ledger');
  const [help, setHelp] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [offsets, setOffsets] = useState<Partial<Record<string, number>>>({});
  const [showIgnored, setShowIgnored] = useState(false);
  const [reloads, setReloads] = useState(0);
  // --slot alone is no announcement: X stays freely editable then.
  const [loaded, setLoaded] = useState<Announcement | null>(initialAnnouncement && announced(initialAnnouncement) ? initialAnnouncement : null);
  const [form, setForm] = useState<TargetForm>(() => initialTargetForm(initialTarget, initialAnnouncement));
  const [planRequest, setPlanRequest] = useState<ApplyRequest | null>(initialTarget !== undefined ? { target: initialTarget, announcement: initialAnnouncement } : null);
  const [selected, setSelected] = useState(0);
  const [confirmingUndo, setConfirmingUndo] = useState(false);
  const exitCode = useRef<number>(EXIT.ok);
  const stopping = useRef(false);

  const overview = useTask(() => services.overview(), [reloads]);
  const optimistic = useTask(() => services.optimisticSlots(), []);
  const plan = useTask(planRequest ? () => services.plan(planRequest.target, planRequest.announcement) : null, [planRequest]);

  const leave = useCallback(
    (code: number) => {
      onExit?.(code);
      exit();
    },
    [onExit, exit],
  );

  const onSettled = useCallback(
    (settled: ApplySettled) => {
      if (stopping.current) return leave(EXIT.cancelled);
      if (settled.how === 'declined') {
        setScreen('plan');
        setNotice('Nothing was changed.');
        return;
      }
      exitCode.current = settled.how === 'done' ? EXIT.ok : settled.how === 'failed' ? EXIT.failed : EXIT.refused;
    },
    [leave],
  );
  const apply = useApplyRun(services, clock, onSettled);
  const quarantine = useQuarantines(services, screen === 'quarantines');
  // After a successful apply, `w` on the result watches the restart boot at the new snapshot's slot.
  const restartSlot = apply.state.outcome?.created && !apply.state.outcome.error ? apply.state.outcome.created.slot : null;
  const watchRun = useWatchRun(services, screen === 'watch' ? restartSlot : null);
  const fetchRun = useFetchRun(services.fetch);
  const now = useNow(apply.active && apply.state.tool !== null && apply.state.tool.finished === null, clock);

  const blockRange = overview.state === 'done' ? (overview.value.blockstore?.slots ?? null) : null;
  const check = checkTarget(form, blockRange, loaded);
  const optimisticList = optimistic.state === 'done' ? optimistic.value : null;
  const target = planRequest?.target ?? null;
  // The plan found no base below X: offer to fetch one (issue 15), from the --rpc sources.
  const offerFetch = screen === 'plan' && plan.state === 'done' && plan.value.plan.findings.some((f) => f.code === 'no-base-snapshot');
  const applyView = apply.state.stage === 'confirm' ? 'confirm' : apply.state.stage === 'finished' || apply.state.stage === 'refused' ? 'result' : 'running';

  const scroll = (name: string, count: number, delta: number) =>
    setOffsets((o) => ({ ...o, [name]: clampOffset(clampOffset(o[name] ?? 0, count, body) + delta, count, body) }));
  const scrollKeys = (name: string, count: number, input: string, key: Key): boolean => {
    const delta = key.downArrow || input === 'j' ? 1 : key.upArrow || input === 'k' ? -1 : key.pageDown || input === ' ' ? body - 1 : key.pageUp ? -(body - 1) : 0;
    if (delta === 0) return false;
    scroll(name, count, delta);
    return true;
  };
  const go = (next: ScreenName) => {
    setOffsets((o) => ({ ...o, [next]: 0 }));
    setScreen(next);
  };
  const openQuarantines = () => {
    setSelected(0);
    setConfirmingUndo(false);
    quarantine.reload();
    go('quarantines');
  };
  const backToLedger = () => {
    setReloads((n) => n + 1);
    go('ledger');
  };

  useKeys((input, key) => {
    if (key.ctrl && input === 'c') {
      // Raw mode turns Ctrl-C into a key: stop the work cleanly, then leave with 130.
      if (fetchRun.active) {
        // The download keeps its .partial: the next fetch resumes it.
        fetchRun.abort();
        return leave(EXIT.cancelled);
      }
      if (apply.active) {
        stopping.current = true;
        setNotice('Stopping: apply halts between steps; what moved stays journaled…');
        apply.abort();
      } else leave(EXIT.cancelled);
      return;
    }
    setNotice(null);
    if (help) {
      if (input === '?' || input === 'q' || key.escape || key.return) setHelp(false);
      return;
    }
    const typing = screen === 'target' && form.focus !== 'slot' && form.focus !== 'list';
    if (!typing && input === '?') return setHelp(true);
    if (!typing && input === 'q') {
      if (apply.active) return setNotice('apply is running: wait for it, or press Ctrl-C to stop it.');
      if (fetchRun.active) return setNotice('fetch is running: wait for it, or press Ctrl-C to stop it (the partial file is kept).');
      return leave(exitCode.current);
    }
    switch (screen) {
      case 'ledger':
        if (scrollKeys('ledger', ledgerLines({ overview, target, showIgnored, offset: 0, width, height: body }).length, input, key)) return;
        if (key.return || input === 'x' || key.rightArrow) return go('target');
        if (input === 'u' || input === 's') return openQuarantines();
        if (input === 'i') return setShowIgnored((v) => !v);
        if (input === 'r') return setReloads((n) => n + 1);
        return;
      case 'target':
        return onTargetKey(input, key);
      case 'plan': {
        if (scrollKeys('plan', target === null ? 0 : planLines({ target, plan, offset: 0, width, height: body }).length, input, key)) return;
        if (key.escape || input === 'e') return go('target');
        if (input === 'u') return openQuarantines();
        if (input === 'r' && planRequest) return setPlanRequest({ ...planRequest });
        if (input === 'f' && target !== null) {
          if (!services.fetch) return setNotice('To fetch a snapshot here, start the app with --rpc URL (a validator\'s RPC that serves snapshots).');
          fetchRun.list(target);
          return go('fetch');
        }
        if (key.return || input === 'a') {
          if (plan.state !== 'done' || !planRequest) return setNotice(plan.state === 'failed' ? 'There is no plan to apply: see the error.' : 'Still planning…');
          if (!plan.value.plan.reachable) return setNotice(`Slot ${planRequest.target} is not reachable: nothing to apply (see the findings).`);
          apply.start(planRequest);
          return go('apply');
        }
        return;
      }
      case 'apply':
        return onApplyKey(input, key);
      case 'quarantines':
        return onQuarantineKey(input, key);
      case 'watch':
        if (key.escape) return go('apply');
        return;
      case 'fetch':
        return onFetchKey(key);
    }
  });

  function onFetchKey(key: Key) {
    const stage = fetchRun.state.stage;
    if (stage === 'listing' || stage === 'downloading') return;
    const outcome = fetchRun.state.outcome;
    if (key.return && stage === 'listed' && target !== null && outcome && outcome.ranked.length > 0 && outcome.skipped === null) return fetchRun.download(target);
    if (key.return || key.escape) {
      fetchRun.reset();
      // The plan again, on what is now on disk.
      if (planRequest) setPlanRequest({ ...planRequest });
      return go('plan');
    }
  }

  function onTargetKey(input: string, key: Key) {
    const fields = FIELDS.filter((f) => f !== 'list' || (optimisticList !== null && optimisticList.length > 0));
    const at = fields.indexOf(form.focus);
    const move = (delta: number) => setForm((f) => ({ ...f, focus: fields[Math.max(0, Math.min(fields.length - 1, at + delta))] ?? 'slot' }));
    const navKey = form.focus === 'slot' || form.focus === 'list';
    if (key.escape) return go('ledger');
    if (form.focus === 'list' && optimisticList) {
      if (key.downArrow || input === 'j') return setForm((f) => ({ ...f, pick: Math.min(optimisticList.length - 1, f.pick + 1) }));
      if (key.upArrow || input === 'k') return form.pick === 0 ? move(-1) : setForm((f) => ({ ...f, pick: f.pick - 1 }));
      if (key.return) {
        const picked = optimisticList[form.pick];
        if (picked) setForm((f) => ({ ...f, slot: String(picked.slot), bankHash: picked.bankHash ?? f.bankHash, focus: 'slot' }));
        return;
      }
    }
    if (key.tab) return move(key.shift ? -1 : 1);
    if (key.downArrow || (navKey && input === 'j')) return move(1);
    if (key.upArrow || (navKey && input === 'k')) return move(-1);
    if (key.return && form.focus === 'announcementPath') return openAnnouncement(form.announcementPath);
    const submit = (typed: TargetForm) => {
      const checked = checkTarget(typed, blockRange, loaded);
      if (!checked.request) return setNotice(checked.slot.error ?? checked.bankHash.error ?? checked.shredVersion.error ?? checked.restartSlot.error ?? checked.hardForks.error ?? checked.announcement.error ?? 'Type the restart slot X first.');
      setPlanRequest(checked.request);
      go('plan');
    };
    if (key.return) return submit(form);
    if (form.focus === 'list') return;
    const field = form.focus;
    if (key.backspace || key.delete) return setForm((f) => ({ ...f, [field]: f[field].slice(0, -1) }));
    if (input && !key.ctrl && !key.meta) {
      // Pasted text arrives as one string; spaces are never part of a value.
      const text = typedText(field, input);
      if (text) setForm((f) => ({ ...f, [field]: f[field] + text }));
    }
  }

  /** Enter on the announcement field: open the file, fill the form from it (its values win nothing typed later). */
  function openAnnouncement(file: string) {
    if (file.trim() === '') return setNotice('Type the path of the announcement file (YAML or JSON), then Enter.');
    if (!services.loadAnnouncement) return setNotice('Announcement files cannot be opened here.');
    services.loadAnnouncement(file.trim()).then(
      (a) => {
        setLoaded(a);
        setForm((f) => ({ ...f, ...announcementFormValues(a), focus: 'slot' }));
        setNotice(`Opened ${file.trim()}${a.cluster ? ` (${a.cluster})` : ''}: Enter plans with its values.`);
      },
      (error: unknown) => setNotice(isSnapplanError(error) ? error.message : String(error)),
    );
  }

  function onApplyKey(input: string, key: Key) {
    if (applyView === 'confirm') {
      if (input === 'y' || input === 'Y') return apply.answer(true);
      if (input === 'n' || input === 'N' || key.escape) return apply.answer(false);
      if (apply.state.plan && apply.state.command && apply.request) {
        scrollKeys('confirm', confirmLines({ plan: apply.state.plan, command: apply.state.command, request: apply.request, offset: 0, width, height: body }).length, input, key);
      }
      return;
    }
    if (applyView === 'running') {
      if (key.escape) setNotice('apply is running: wait for it, or press Ctrl-C to stop it.');
      return;
    }
    if (scrollKeys('result', resultLines({ outcome: apply.state.outcome, refusal: apply.state.refusal, offset: 0, width, height: body }).length, input, key)) return;
    if (input === 'u') return openQuarantines();
    if (input === 'w' && restartSlot !== null && services.watch !== undefined) return go('watch');
    if (key.return || key.escape) return backToLedger();
  }

  function onQuarantineKey(input: string, key: Key) {
    const list = quarantine.list.state === 'done' ? quarantine.list.value.quarantines : [];
    const current = list[selected];
    if (quarantine.undo.state === 'loading') return;
    if (confirmingUndo) {
      if ((input === 'y' || input === 'Y') && current) {
        setConfirmingUndo(false);
        return quarantine.runUndo(current.journalPath);
      }
      if (input === 'n' || input === 'N' || key.escape) setConfirmingUndo(false);
      return;
    }
    if (key.downArrow || input === 'j') return setSelected((s) => Math.min(Math.max(0, list.length - 1), s + 1));
    if (key.upArrow || input === 'k') return setSelected((s) => Math.max(0, s - 1));
    if (input === 'r') return quarantine.reload();
    if (key.escape) return backToLedger();
    if ((input === 'u' || key.return) && current) {
      if (!holdsItems(current)) return setNotice('Nothing left to put back in this one.');
      if (current.state === 'in-progress') return setNotice('Its apply is still running; undo waits until it has stopped.');
      return setConfirmingUndo(true);
    }
  }

  const view = renderScreen();
  return (
    <Frame title={view.title} ledger={services.ledger} width={width} height={height} keys={view.keys} notice={notice}>
      <Box flexDirection="column" width={width} height={body}>
        {view.body}
      </Box>
    </Frame>
  );

  function renderScreen(): { title: string; keys: readonly (readonly [string, string])[]; body: ReactNode } {
    if (help) return { title: 'help', keys: [['?', 'close']], body: <HelpScreen width={width} height={body} /> };
    switch (screen) {
      case 'ledger':
        return {
          title: 'ledger',
          keys: [['Enter', 'choose X'], ['u', 'quarantines'], ['i', 'ignored'], ['r', 'reload'], ['?', 'help'], ['q', 'quit']],
          body: <LedgerScreen overview={overview} target={target} showIgnored={showIgnored} offset={offsets['ledger'] ?? 0} width={width} height={body} />,
        };
      case 'target':
        return {
          title: 'restart slot X',
          keys: [['Enter', form.focus === 'list' ? 'take it' : 'plan'], ['Tab ↑↓', 'fields'], ['Esc', 'back'], ['?', 'help']],
          // Without the request: it holds the announcement's bigint lists (see announcementSummary).
          body: <TargetScreen form={form} check={{ ...check, request: check.request && { target: check.request.target } }} optimistic={optimistic} width={width} height={body} announcement={announcementSummary(loaded)} />,
        };
      case 'plan':
        return {
          title: `plan for slot ${String(target)}`,
          keys: offerFetch
            ? [['f', 'fetch a snapshot'], ['j/k', 'scroll'], ['Esc', 'change X'], ['u', 'quarantines'], ['?', 'help'], ['q', 'quit']]
            : [['a', 'apply'], ['j/k', 'scroll'], ['Esc', 'change X'], ['u', 'quarantines'], ['?', 'help'], ['q', 'quit']],
          body: target === null ? null : <PlanScreen target={target} plan={plan} offset={offsets['plan'] ?? 0} width={width} height={body} />,
        };
      case 'apply':
        if (applyView === 'confirm' && apply.state.plan && apply.state.command && apply.request) {
          return {
            title: 'confirm',
            keys: [['y', 'go ahead'], ['n', 'back to the plan']],
            body: <ConfirmScreen plan={apply.state.plan} command={apply.state.command} request={apply.request} offset={offsets['confirm'] ?? 0} width={width} height={body} />,
          };
        }
        if (applyView === 'result') {
          return {
            title: apply.state.refusal ? 'refused' : apply.state.outcome?.error ? 'apply failed' : 'done',
            keys: [...(restartSlot !== null && services.watch ? [['w', 'watch the restart boot'] as const] : []), ['u', 'quarantines / undo'], ['Enter', 'ledger view'], ['j/k', 'scroll'], ['q', 'quit']],
            body: <ResultScreen outcome={apply.state.outcome} refusal={apply.state.refusal} offset={offsets['result'] ?? 0} width={width} height={body} />,
          };
        }
        return { title: `applying slot ${String(target)}`, keys: [['Ctrl-C', 'stop']], body: <ApplyScreen run={apply.state} now={now} width={width} height={body} /> };
      case 'fetch':
        return {
          title: `fetch a base below slot ${String(target)}`,
          keys: fetchRun.active ? [['Ctrl-C', 'stop (the partial is kept)']] : fetchRun.state.stage === 'listed' ? [['Enter', 'download'], ['Esc', 'back to the plan']] : [['Enter', 'back to the plan']],
          body: <FetchScreen run={fetchRun.state} width={width} height={body} />,
        };
      case 'quarantines':
        return {
          title: 'undo / status',
          keys: [['↑↓', 'select'], ['u', 'put back'], ['r', 'reload'], ['Esc', 'back'], ['q', 'quit']],
          body: (
            <QuarantineScreen
              backupDir={backupDir}
              list={quarantine.list}
              selected={selected}
              confirming={confirmingUndo}
              undo={quarantine.undo}
              progress={quarantine.progress}
              offset={Math.max(0, selected + 1 - (body - 8))}
              width={width}
              height={body}
            />
          ),
        };
      case 'watch':
        return {
          title: `restart boot at slot ${String(restartSlot)}`,
          keys: [['Esc', 'back to the result'], ['q', 'quit']],
          body: <WatchScreen events={watchRun.events} end={watchRun.end} error={watchRun.error} width={width} height={body} />,
        };
    }
  }
}
