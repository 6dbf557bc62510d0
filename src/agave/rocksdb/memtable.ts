import type { MemEntry } from './cursor.js';
import { ValueType } from './internal-key.js';
import type { RangeTombstone } from './range-tombstones.js';
import type { BatchOp } from './write-batch.js';

/**
 * What the WALs hold for one column family that is not in its SSTs yet: the newest operation
 * per key and the range deletions. Its size follows the unflushed data (RocksDB keeps the same
 * in its memtables), not the size of the ledger.
 */
export class MemTable {
  private readonly points = new Map<string, MemEntry>();
  readonly tombstones: RangeTombstone[] = [];
  private sorted: MemEntry[] | null = null;

  add(op: BatchOp): void {
    this.sorted = null;
    if (op.type === ValueType.RangeDeletion) {
      this.tombstones.push({ start: Buffer.from(op.key), end: Buffer.from(op.value), seq: op.seq });
      return;
    }
    const id = op.key.toString('latin1');
    const old = this.points.get(id);
    if (old === undefined || old.seq < op.seq) {
      this.points.set(id, { userKey: Buffer.from(op.key), seq: op.seq, type: op.type, value: Buffer.from(op.value) });
    }
  }

  get size(): number {
    return this.points.size;
  }

  entries(): readonly MemEntry[] {
    this.sorted ??= [...this.points.values()].sort((a, b) => Buffer.compare(a.userKey, b.userKey));
    return this.sorted;
  }
}
