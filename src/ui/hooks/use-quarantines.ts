import { useCallback, useRef, useState } from 'react';
import type { UndoOutcome } from '../../agave/apply/undo-service.js';
import { newestFirst, type QuarantineList } from '../quarantine-list.js';
import { toErrorInfo, type Async } from '../model.js';
import type { TuiServices } from '../tui-services.js';
import { useTask } from './use-task.js';

export interface QuarantineControl {
  readonly list: Async<QuarantineList>;
  readonly undo: Async<UndoOutcome>;
  readonly progress: string | null;
  reload(): void;
  runUndo(journalPath: string): void;
}

/** The quarantine list (read when the screen opens) and the undo of one of them. */
export function useQuarantines(services: TuiServices, open: boolean): QuarantineControl {
  const [generation, setGeneration] = useState(0);
  const list = useTask(open ? async () => newestFirst(await services.quarantines()) : null, [open, generation]);
  const [undo, setUndo] = useState<Async<UndoOutcome>>({ state: 'idle' });
  const [progress, setProgress] = useState<string | null>(null);
  const running = useRef(false);

  const reload = useCallback(() => {
    setUndo((u) => (u.state === 'loading' ? u : { state: 'idle' }));
    setGeneration((g) => g + 1);
  }, []);

  const runUndo = useCallback(
    (journalPath: string) => {
      if (running.current) return;
      running.current = true;
      setUndo({ state: 'loading' });
      setProgress(null);
      services.undo(journalPath, (text) => setProgress(text)).then(
        (value) => setUndo({ state: 'done', value }),
        (error: unknown) => setUndo({ state: 'failed', error: toErrorInfo(error) }),
      ).finally(() => {
        running.current = false;
        // The states changed: read the journals again.
        setGeneration((g) => g + 1);
      });
    },
    [services],
  );

  return { list, undo, progress, reload, runUndo };
}
