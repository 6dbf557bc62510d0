import type { Slot } from '../../core/slot.js';
import { corrupt } from '../rocksdb/errors.js';

/** Agave's slot columns (`meta`, `root`, ...) key each row by the slot as a u64 big-endian,
 * so the bytewise order of keys is the numeric order of slots (ledger/src/blockstore/column.rs). */
export function slotKey(slot: Slot): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(slot);
  return b;
}

export function slotFromKey(key: Buffer, column: string): Slot {
  if (key.length !== 8) throw corrupt(`a ${key.length}-byte key in the ${column} column, where slot keys have 8 bytes`, `${column} column`);
  return key.readBigUInt64BE(0);
}
