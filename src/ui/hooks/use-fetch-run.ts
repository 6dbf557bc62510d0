import { useCallback, useRef, useState } from 'react';
import type { FetchEvent, FetchOutcome } from '../../agave/fetch/fetch-service.js';
import type { DownloadProgress } from '../../agave/fetch/download.js';
import type { Slot } from '../../core/slot.js';
import type { FetchServices } from '../fetch-services.js';
import { toErrorInfo, type ErrorInfo } from '../model.js';

export interface FetchRunState {
  readonly stage: 'idle' | 'listing' | 'listed' | 'downloading' | 'finished' | 'failed';
  /** The dry run (listed) or the download's outcome (finished). */
  readonly outcome: FetchOutcome | null;
  /** The file being downloaded and how far it is. */
  readonly current: { readonly name: string; readonly progress: DownloadProgress | null; readonly checking: boolean } | null;
  /** One line per note and per finished file, newest last. */
  readonly log: readonly string[];
  readonly error: ErrorInfo | null;
}

const IDLE: FetchRunState = { stage: 'idle', outcome: null, current: null, log: [], error: null };

/** The fetch screen's state: list the candidates, then download, with progress and Ctrl-C. */
export function useFetchRun(services: FetchServices | undefined) {
  const [state, setState] = useState<FetchRunState>(IDLE);
  const controller = useRef<AbortController | null>(null);

  const list = useCallback(
    (target: Slot) => {
      if (!services) return;
      setState({ ...IDLE, stage: 'listing' });
      services.candidates(target).then(
        (outcome) => setState((s) => (s.stage === 'listing' ? { ...s, stage: 'listed', outcome } : s)),
        (error: unknown) => setState((s) => ({ ...s, stage: 'failed', error: toErrorInfo(error) })),
      );
    },
    [services],
  );

  const download = useCallback(
    (target: Slot) => {
      if (!services) return;
      const abort = new AbortController();
      controller.current = abort;
      setState((s) => ({ ...s, stage: 'downloading', current: null, log: [] }));
      const onEvent = (event: FetchEvent) => setState((s) => ({ ...s, ...apply(s, event) }));
      services.download(target, onEvent, abort.signal).then(
        (outcome) => setState((s) => ({ ...s, stage: 'finished', outcome, current: null })),
        (error: unknown) => setState((s) => ({ ...s, stage: 'failed', error: toErrorInfo(error), current: null })),
      );
    },
    [services],
  );

  const reset = useCallback(() => setState(IDLE), []);
  const abort = useCallback(() => controller.current?.abort(), []);
  return { state, list, download, reset, abort, active: state.stage === 'downloading' || state.stage === 'listing' };
}

function apply(state: FetchRunState, event: FetchEvent): Partial<FetchRunState> {
  switch (event.type) {
    case 'download-start':
      return { current: { name: event.name, progress: null, checking: false } };
    case 'progress':
      return { current: { name: event.name, progress: event.progress, checking: false } };
    case 'verify-start':
      return { current: state.current ? { ...state.current, checking: true } : null };
    case 'note':
      return { log: [...state.log, `! ${event.text}`] };
    case 'download-end': {
      const a = event.attempt;
      return { current: null, log: [...state.log, a.outcome === 'done' ? `✔ ${a.name}` : `✘ ${a.name} from ${a.source}: ${a.outcome}: ${a.message ?? ''}`] };
    }
    default:
      return {};
  }
}
