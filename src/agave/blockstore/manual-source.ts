import type { SlotRange } from '../../core/slot.js';
import type { BlockstoreReport, BlockstoreSource } from './blockstore-source.js';

/**
 * `--blocks FIRST..LAST`: the operator vouches that every slot in the range is present.
 * The count is unknown, so `total` is the width of the range.
 */
export class ManualBlockstoreSource implements BlockstoreSource {
  readonly id = 'manual' as const;

  constructor(private readonly range: SlotRange) {}

  read(): Promise<BlockstoreReport> {
    const { first, last } = this.range;
    return Promise.resolve({ source: this.id, slots: { total: last - first + 1n, first, last }, roots: null });
  }
}
