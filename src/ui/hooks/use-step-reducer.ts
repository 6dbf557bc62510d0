import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * useReducer for a reducer that also returns effects: each event is one transition on the
 * latest state (kept in a ref, so two events before a render never see the same old state), and
 * its effects run at once through the latest `run`. The first state's effects run after mount.
 */
export function useStepReducer<S, E, F>(
  reduce: (state: S, event: E) => { readonly state: S; readonly effects: readonly F[] },
  init: () => { readonly state: S; readonly effects: readonly F[] },
  run: (effect: F) => void,
): [S, (event: E) => void] {
  const first = useRef<{ readonly state: S; readonly effects: readonly F[] } | null>(null);
  first.current ??= init();
  const current = useRef<S>(first.current.state);
  const [state, setState] = useState<S>(first.current.state);
  const runRef = useRef(run);
  runRef.current = run;
  const dispatch = useCallback(
    (event: E) => {
      const next = reduce(current.current, event);
      current.current = next.state;
      setState(next.state);
      for (const effect of next.effects) runRef.current(effect);
    },
    [reduce],
  );
  useEffect(() => {
    for (const effect of first.current?.effects ?? []) runRef.current(effect);
  }, []);
  return [state, dispatch];
}
