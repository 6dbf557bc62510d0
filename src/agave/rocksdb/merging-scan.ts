import type { Cursor } from './cursor.js';
import { isDeletion } from './internal-key.js';
import type { TombstoneIndex } from './range-tombstones.js';

/**
 * What a RocksDB iterator at the latest state sees (db/db_iter.cc), merged from every source:
 * for each user key the entry with the highest sequence number wins; the key is live unless
 * that entry is a deletion or a range tombstone with a higher sequence covers it.
 */
export interface LiveEntry {
  readonly key: Buffer;
  readonly value: Buffer;
  /** The winning entry's value type (Value, Merge, BlobIndex, ...). */
  readonly type: number;
  readonly seq: number;
}

export interface MergeBounds {
  readonly reverse: boolean;
  /** Inclusive user-key bounds. */
  readonly lower: Buffer | null;
  readonly upper: Buffer | null;
  readonly signal?: AbortSignal | undefined;
}

export function* mergingScan(cursors: Cursor[], tombstones: TombstoneIndex, bounds: MergeBounds): Generator<LiveEntry> {
  const sign = bounds.reverse ? -1 : 1;
  const before = (a: Cursor, b: Cursor): boolean => sign * Buffer.compare(a.userKey, b.userKey) < 0;
  const heap = cursors.filter((c) => c.valid);
  const down = (i: number): void => {
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const m = r < n && before(heap[r] as Cursor, heap[l] as Cursor) ? r : l;
      if (!before(heap[m] as Cursor, heap[i] as Cursor)) return;
      const t = heap[i] as Cursor;
      heap[i] = heap[m] as Cursor;
      heap[m] = t;
      i = m;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  const noTombstones = tombstones.empty;
  let steps = 0;
  while (heap.length > 0) {
    const key = (heap[0] as Cursor).userKey;
    if (bounds.reverse ? bounds.lower !== null && Buffer.compare(key, bounds.lower) < 0 : bounds.upper !== null && Buffer.compare(key, bounds.upper) > 0) return;
    if ((++steps & 0xfff) === 0) bounds.signal?.throwIfAborted();
    let bestSeq = -1;
    let bestType = 0;
    let bestValue: Buffer = key;
    while (heap.length > 0 && (heap[0] as Cursor).userKey.equals(key)) {
      const c = heap[0] as Cursor;
      do {
        if (c.seq > bestSeq) {
          bestSeq = c.seq;
          bestType = c.type;
          bestValue = c.value;
        }
        c.next();
      } while (c.valid && c.userKey.equals(key));
      if (c.valid) down(0);
      else {
        const last = heap.pop() as Cursor;
        if (heap.length > 0) {
          heap[0] = last;
          down(0);
        }
      }
    }
    if (isDeletion(bestType)) continue;
    if (!noTombstones && tombstones.coveringSeq(key) > bestSeq) continue;
    yield { key, value: bestValue, type: bestType, seq: bestSeq };
  }
}
