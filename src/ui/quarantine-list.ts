import type { QuarantineSummary, StatusProblem } from '../ops/quarantine-status.js';

export interface QuarantineList {
  readonly quarantines: readonly QuarantineSummary[];
  readonly problems: readonly StatusProblem[];
}

/** Newest first, as an operator looks for the one just made. */
export function newestFirst(list: QuarantineList): QuarantineList {
  return { quarantines: [...list.quarantines].reverse(), problems: list.problems };
}

/** Whether undo has anything to put back (or to finish) in it. */
export function holdsItems(q: QuarantineSummary): boolean {
  return q.items.quarantined > 0 || q.items.unfinished > 0 || q.items.conflicts > 0;
}
