import { useEffect, useState } from 'react';
import type { WatchEvent } from '../../agave/watch/boot-watch.js';
import type { EndEvent } from '../../agave/watch/watch-service.js';
import type { Slot } from '../../core/slot.js';
import { toErrorInfo } from '../model.js';
import type { TuiServices } from '../tui-services.js';

export interface WatchRunState {
  readonly events: readonly WatchEvent[];
  readonly end: EndEvent | null;
  readonly error: string | null;
}

/**
 * Watches the restart boot while `restartSlot` is set (the watch screen is open after a
 * successful apply); stops it when the screen closes or the app leaves.
 */
export function useWatchRun(services: TuiServices, restartSlot: Slot | null): WatchRunState {
  const [state, setState] = useState<WatchRunState>({ events: [], end: null, error: null });
  useEffect(() => {
    if (restartSlot === null || services.watch === undefined) return;
    const controller = new AbortController();
    setState({ events: [], end: null, error: null });
    services
      .watch(restartSlot, (event) => {
        if (!controller.signal.aborted) setState((s) => ({ ...s, events: [...s.events, event] }));
      }, controller.signal)
      .then(
        (end) => !controller.signal.aborted && setState((s) => ({ ...s, end })),
        (error: unknown) => !controller.signal.aborted && setState((s) => ({ ...s, error: toErrorInfo(error).message })),
      );
    return () => controller.abort();
  }, [services, restartSlot]);
  return state;
}
