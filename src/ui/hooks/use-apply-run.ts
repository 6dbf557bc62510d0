import { useCallback, useReducer, useRef, useState } from 'react';
import { applyRunReducer, initialApplyRun, type ApplyRunState } from '../apply-run.js';
import { toErrorInfo, type ApplyRequest } from '../model.js';
import type { TuiServices } from '../tui-services.js';

/** How one apply run ended, for the controller's exit code and navigation. */
export type ApplySettled = { readonly how: 'declined' | 'refused' | 'failed' | 'done' };

export interface ApplyRunControl {
  readonly state: ApplyRunState;
  readonly request: ApplyRequest | null;
  /** True from start until apply resolves or throws. */
  readonly active: boolean;
  start(request: ApplyRequest): void;
  /** The operator's answer to the confirm screen. */
  answer(yes: boolean): void;
  /** Ctrl-C: stops between steps; what moved stays journaled. */
  abort(): void;
  reset(): void;
}

/**
 * Runs apply, folding its events into state for the screens. apply awaits `confirm` before it
 * changes anything: the promise stays open until the confirm screen calls `answer`.
 */
export function useApplyRun(services: TuiServices, clock: () => number = Date.now, onSettled?: (result: ApplySettled) => void): ApplyRunControl {
  const [state, dispatch] = useReducer(applyRunReducer, initialApplyRun);
  const answerRef = useRef<((yes: boolean) => void) | null>(null);
  const controllerRef = useRef<AbortController | null>(null);
  const requestRef = useRef<ApplyRequest | null>(null);
  const activeRef = useRef(false);
  const [active, setActive] = useState(false);
  const declinedRef = useRef(false);
  const generation = useRef(0);

  const start = useCallback(
    (request: ApplyRequest) => {
      if (activeRef.current) return;
      const run = ++generation.current;
      const controller = new AbortController();
      controllerRef.current = controller;
      requestRef.current = request;
      activeRef.current = true;
      setActive(true);
      declinedRef.current = false;
      dispatch({ type: 'reset' });
      const live = () => generation.current === run;
      services
        .apply(request, {
          signal: controller.signal,
          onEvent: (event) => live() && dispatch({ type: 'event', event, now: clock() }),
          confirm: (plan, command) =>
            new Promise<boolean>((resolve) => {
              answerRef.current = (yes) => {
                answerRef.current = null;
                declinedRef.current = !yes;
                if (yes && live()) dispatch({ type: 'confirmed' });
                resolve(yes);
              };
              if (live()) dispatch({ type: 'confirm', plan, command });
            }),
        })
        .then(
          (outcome): ApplySettled => {
            if (live()) dispatch({ type: 'finished', outcome });
            return { how: outcome.error ? 'failed' : 'done' };
          },
          (error: unknown): ApplySettled => {
            if (live()) dispatch({ type: 'refused', error: toErrorInfo(error) });
            return { how: declinedRef.current ? 'declined' : 'refused' };
          },
        )
        .then((settled) => {
          if (!live()) return;
          activeRef.current = false;
          setActive(false);
          onSettled?.(settled);
        });
    },
    [services, clock, onSettled],
  );

  return {
    state,
    request: requestRef.current,
    active,
    start,
    answer: (yes) => answerRef.current?.(yes),
    abort: () => {
      controllerRef.current?.abort(new Error('stopped by the operator (Ctrl-C)'));
      // A pending confirm is a "no": nothing has changed yet.
      answerRef.current?.(false);
    },
    reset: () => {
      if (activeRef.current) return;
      generation.current++;
      dispatch({ type: 'reset' });
    },
  };
}
