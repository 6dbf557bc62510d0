/**
 * Range deletions ("DeleteRange"): every key in [start, end) whose sequence number is below the
 * tombstone's is deleted (db/range_del_aggregator.cc). Agave purges slot columns this way, so
 * the oldest slots can stay inside SST files long after they are gone.
 *
 * The tombstones of a question are few, so they are fragmented once into non-overlapping
 * intervals holding the highest covering sequence, and a key's coverage is a binary search.
 */
export interface RangeTombstone {
  readonly start: Buffer;
  /** Exclusive. */
  readonly end: Buffer;
  readonly seq: number;
}

export class TombstoneIndex {
  private readonly bounds: Buffer[] = [];
  /** maxSeq[i] covers [bounds[i], bounds[i+1]); -1 = no tombstone. */
  private readonly maxSeq: number[] = [];

  constructor(tombstones: readonly RangeTombstone[]) {
    const live = tombstones.filter((t) => Buffer.compare(t.start, t.end) < 0);
    if (live.length === 0) return;
    const all = live.flatMap((t) => [t.start, t.end]).sort(Buffer.compare);
    for (const b of all) {
      const last = this.bounds[this.bounds.length - 1];
      if (last === undefined || !last.equals(b)) this.bounds.push(b);
    }
    const byStart = [...live].sort((a, b) => Buffer.compare(a.start, b.start));
    let next = 0;
    let active: RangeTombstone[] = [];
    for (let i = 0; i + 1 < this.bounds.length; i++) {
      const lo = this.bounds[i] as Buffer;
      active = active.filter((t) => Buffer.compare(t.end, lo) > 0);
      while (next < byStart.length && Buffer.compare((byStart[next] as RangeTombstone).start, lo) <= 0) {
        const t = byStart[next++] as RangeTombstone;
        if (Buffer.compare(t.end, lo) > 0) active.push(t);
      }
      let max = -1;
      for (const t of active) if (t.seq > max) max = t.seq;
      this.maxSeq.push(max);
    }
  }

  get empty(): boolean {
    return this.maxSeq.length === 0;
  }

  /** The fragment holding `key`: [start, end) and the highest sequence deleting in it; null if none. */
  fragmentAt(key: Buffer): { start: Buffer; end: Buffer; seq: number } | null {
    const b = this.bounds;
    if (b.length === 0) return null;
    if (Buffer.compare(key, b[0] as Buffer) < 0 || Buffer.compare(key, b[b.length - 1] as Buffer) >= 0) return null;
    let lo = 0;
    let hi = b.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (Buffer.compare(b[mid] as Buffer, key) <= 0) lo = mid;
      else hi = mid;
    }
    const seq = this.maxSeq[lo] as number;
    return seq < 0 ? null : { start: b[lo] as Buffer, end: b[lo + 1] as Buffer, seq };
  }

  /** The highest sequence of a tombstone covering `key`, or -1. */
  coveringSeq(key: Buffer): number {
    const b = this.bounds;
    if (b.length === 0) return -1;
    if (Buffer.compare(key, b[0] as Buffer) < 0 || Buffer.compare(key, b[b.length - 1] as Buffer) >= 0) return -1;
    let lo = 0;
    let hi = b.length - 1; // answer in [0, b.length - 2]
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (Buffer.compare(b[mid] as Buffer, key) <= 0) lo = mid;
      else hi = mid;
    }
    return this.maxSeq[lo] as number;
  }
}
