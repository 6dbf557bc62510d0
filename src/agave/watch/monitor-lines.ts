import { stripVTControlCharacters } from 'node:util';
import { tryParseU64, type Slot } from '../../core/slot.js';

/**
 * What `agave-validator --ledger L monitor` prints without a terminal (validator/src/dashboard.rs:
 * each spinner message becomes a line, see validator/src/lib.rs ProgressBar::set_message):
 * `Validator startup: {ValidatorStartProgress:?}...` while starting, e.g.
 * `Validator startup: WaitingForSupermajority { slot: 289624982, gossip_stake_percent: 42 }...`,
 * then once running `…| Processed Slot: N | Confirmed Slot: N | Finalized Slot: N | …`.
 */
export type MonitorEvent =
  | { kind: 'monitor-waiting'; slot: Slot; percent: number }
  | { kind: 'monitor-startup'; progress: string }
  | { kind: 'monitor-slots'; processed: Slot; finalized: Slot }
  | { kind: 'monitor-unreachable'; reason: string };

export function parseMonitorLine(line: string): MonitorEvent | null {
  // console::style adds colour codes only on a terminal; strip them in case one slips through.
  const text = stripVTControlCharacters(line).trim();
  const waiting = /Validator startup: WaitingForSupermajority \{ slot: ([0-9]{1,20}), gossip_stake_percent: ([0-9]{1,3}) \}/.exec(text);
  if (waiting) {
    const slot = tryParseU64(waiting[1] as string);
    return slot === undefined ? null : { kind: 'monitor-waiting', slot, percent: Number(waiting[2]) };
  }
  const startup = /Validator startup: ([A-Za-z]+)/.exec(text);
  if (startup) return { kind: 'monitor-startup', progress: startup[1] as string };
  const slots = /Processed Slot: ([0-9]{1,20}) \| Confirmed Slot: [0-9]{1,20} \| Finalized Slot: ([0-9]{1,20})/.exec(text);
  if (slots) {
    const processed = tryParseU64(slots[1] as string);
    const finalized = tryParseU64(slots[2] as string);
    return processed === undefined || finalized === undefined ? null : { kind: 'monitor-slots', processed, finalized };
  }
  const unreachable = /^(Unable to connect to validator: .*|RPC connection failure: .*)$/.exec(text);
  if (unreachable) return { kind: 'monitor-unreachable', reason: unreachable[1] as string };
  return null;
}
