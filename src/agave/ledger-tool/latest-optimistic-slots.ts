import { tryParseU64, type Slot } from '../../core/slot.js';

/** One row of `agave-ledger-tool latest-optimistic-slots`, newest first as the tool prints them. */
export interface OptimisticSlot {
  readonly slot: Slot;
  /** The bank hash, or null when the tool printed `Unknown` (a slot on the chain that was never voted on). */
  readonly bankHash: string | null;
  /** RFC 3339 as printed (`2024-03-07T12:00:00+00:00`), or null for `Unknown`. */
  readonly timestamp: string | null;
  /** True when the slot holds only vote transactions. */
  readonly voteOnly: boolean | null;
}

const HEADER = /^\s*Slot\s+(Bank\s+)?Hash\s+Timestamp\s+Vote Only\?\s*$/;
const ROW = /^\s*([0-9]+)\s+(\S+)\s+(\S+)\s+(true|false)\s*$/;

/**
 * Reads the table ledger-tool prints (ledger-tool/src/blockstore.rs): a header
 * `{:>20} {:>44} {:>32} {:>13}` = Slot, Hash (named "Bank Hash" by some releases), Timestamp,
 * "Vote Only?", then one right-aligned row per slot. Returns null when there is no header, so a
 * release without the subcommand (or other output) is never mistaken for an empty list.
 */
export function parseLatestOptimisticSlots(stdout: string): OptimisticSlot[] | null {
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => HEADER.test(line));
  if (start === -1) return null;
  const rows: OptimisticSlot[] = [];
  for (const line of lines.slice(start + 1)) {
    const match = ROW.exec(line);
    if (!match) continue;
    const slot = tryParseU64(match[1] ?? '');
    if (slot === undefined) continue;
    const hash = match[2] ?? 'Unknown';
    const time = match[3] ?? 'Unknown';
    rows.push({
      slot,
      bankHash: hash === 'Unknown' ? null : hash,
      timestamp: time === 'Unknown' ? null : time,
      voteOnly: match[4] === 'true',
    });
  }
  return rows;
}
