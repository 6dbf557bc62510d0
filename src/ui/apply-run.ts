import type { ApplyEvent, ApplyOutcome, LedgerToolPhase } from '../agave/apply/apply-model.js';
import type { Plan } from '../agave/plan-model.js';
import type { ErrorInfo } from './model.js';

export type StepStatus = 'pending' | 'running' | 'done' | 'failed';

export interface MoveRow {
  readonly label: string;
  readonly source: string;
  readonly status: StepStatus;
  readonly method: 'rename' | 'copy' | null;
}

export interface LedgerToolRun {
  readonly command: readonly string[];
  readonly logFile: string;
  readonly phase: LedgerToolPhase;
  /** Wall-clock ms when it started (for the live elapsed time) and its final elapsed time. */
  readonly startedAt: number;
  readonly finished: { readonly exitCode: number | undefined; readonly elapsedMs: number } | null;
  readonly tail: readonly string[];
}

/** Everything the apply screens draw, folded from apply's events. */
export interface ApplyRunState {
  readonly stage: 'planning' | 'confirm' | 'running' | 'finished' | 'refused';
  readonly plan: Plan | null;
  readonly command: readonly string[] | null;
  readonly preflight: { readonly snapshotBytes: number; readonly copyBytes: number } | null;
  readonly quarantineDir: string | null;
  readonly moves: readonly MoveRow[];
  /** Bytes of all moves so far (a copy's bytes count once it is verified). */
  readonly bytes: { readonly done: number; readonly total: number } | null;
  readonly kept: number | null;
  readonly tool: LedgerToolRun | null;
  readonly outcome: ApplyOutcome | null;
  /** A refusal before anything changed (preflight, declined, lock). */
  readonly refusal: ErrorInfo | null;
}

export const TAIL_LINES = 40;

export const initialApplyRun: ApplyRunState = {
  stage: 'planning',
  plan: null,
  command: null,
  preflight: null,
  quarantineDir: null,
  moves: [],
  bytes: null,
  kept: null,
  tool: null,
  outcome: null,
  refusal: null,
};

export type ApplyRunAction =
  | { readonly type: 'reset' }
  | { readonly type: 'event'; readonly event: ApplyEvent; readonly now: number }
  | { readonly type: 'confirm'; readonly plan: Plan; readonly command: readonly string[] }
  | { readonly type: 'confirmed' }
  | { readonly type: 'finished'; readonly outcome: ApplyOutcome }
  | { readonly type: 'refused'; readonly error: ErrorInfo };

/** Pure: the apply screen's state after one more event. */
export function applyRunReducer(state: ApplyRunState, action: ApplyRunAction): ApplyRunState {
  switch (action.type) {
    case 'reset':
      return initialApplyRun;
    case 'confirm':
      return { ...state, stage: 'confirm', plan: action.plan, command: action.command };
    case 'confirmed':
      return { ...state, stage: 'running' };
    case 'finished':
      return { ...state, stage: 'finished', outcome: action.outcome };
    case 'refused':
      return { ...state, stage: 'refused', refusal: action.error };
    case 'event':
      return onEvent(state, action.event, action.now);
  }
}

function onEvent(state: ApplyRunState, event: ApplyEvent, now: number): ApplyRunState {
  switch (event.type) {
    case 'planned':
      return {
        ...state,
        plan: event.plan,
        moves: event.plan.quarantine.map((q) => ({ label: `${q.kind === 'bank-snapshot' ? 'bank' : q.kind} ${q.slot}`, source: q.path, status: 'pending', method: null })),
      };
    case 'preflight-passed':
      return { ...state, preflight: { snapshotBytes: event.snapshotBytes, copyBytes: event.copyBytes } };
    case 'quarantine-created':
      return { ...state, stage: 'running', quarantineDir: event.dir };
    case 'move': {
      const p = event.progress;
      // A rename reports once, when it is done; a copy reports when it starts, when the copy is
      // verified (delete-source) and when it is done.
      const finished = p.phase === 'move' || p.phase === 'done';
      const moves = state.moves.map((row, i): MoveRow => {
        if (i < p.index && row.status !== 'done') return { ...row, status: 'done' };
        if (i !== p.index) return row;
        return { ...row, status: finished ? 'done' : 'running', method: p.phase === 'move' ? 'rename' : 'copy' };
      });
      return { ...state, moves, bytes: { done: p.bytesDone, total: p.bytesTotal } };
    }
    case 'kept':
      return { ...state, kept: event.copies.length, moves: state.moves.map((r) => (r.status === 'done' ? r : { ...r, status: 'done' })) };
    case 'ledger-tool-started':
      return { ...state, tool: { command: event.command, logFile: event.logFile, phase: 'starting', startedAt: now, finished: null, tail: [] } };
    case 'ledger-tool-phase':
      return state.tool ? { ...state, tool: { ...state.tool, phase: event.phase } } : state;
    case 'ledger-tool-line':
      return state.tool ? { ...state, tool: { ...state.tool, tail: [...state.tool.tail, event.line].slice(-TAIL_LINES) } } : state;
    case 'ledger-tool-finished':
      return state.tool ? { ...state, tool: { ...state.tool, finished: { exitCode: event.exitCode, elapsedMs: event.elapsedMs } } } : state;
  }
}
