import { useEffect, useState, type DependencyList } from 'react';
import { toErrorInfo, type Async } from '../model.js';

/**
 * Runs `task` when `deps` change (not at all while it is null) and returns its state. A result
 * that arrives after the deps changed again, or after unmount, is dropped.
 */
export function useTask<T>(task: (() => Promise<T>) | null, deps: DependencyList): Async<T> {
  const [state, setState] = useState<Async<T>>(task ? { state: 'loading' } : { state: 'idle' });
  useEffect(() => {
    if (!task) {
      setState({ state: 'idle' });
      return;
    }
    let current = true;
    setState({ state: 'loading' });
    task().then(
      (value) => current && setState({ state: 'done', value }),
      (error: unknown) => current && setState({ state: 'failed', error: toErrorInfo(error) }),
    );
    return () => {
      current = false;
    };
    // The caller's deps decide when the task runs again.
  }, deps);
  return state;
}
