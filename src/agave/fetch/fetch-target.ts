import type { Slot } from '../../core/slot.js';

/**
 * What the download must give the node:
 * - `restart`: the restart snapshot that known validators serve after the restart, at exactly R;
 * - `base`: before the restart, a base the plan can start from: the highest full (plus its
 *   incremental) strictly below X, as the planner's base rule is S < X (an archive at exactly X
 *   would have to be moved aside before create-snapshot, agave#15164).
 */
export type FetchTarget =
  | { readonly kind: 'restart'; readonly slot: Slot; readonly source: string }
  | { readonly kind: 'base'; readonly slot: Slot; readonly source: string };

export function describeTarget(target: FetchTarget): string {
  return target.kind === 'restart' ? `the restart slot ${target.slot}` : `a base below slot ${target.slot}`;
}
