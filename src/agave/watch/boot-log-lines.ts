import { tryParseU64, type Slot } from '../../core/slot.js';

/**
 * What one line of the validator's log says about the restart boot. The texts are Agave's own
 * (docs/RESTART-BOOT.md lists each with its source: `core/src/validator.rs` for the wait, the
 * gossip report and the start errors, `runtime/src/snapshot_bank_utils.rs` for the snapshot
 * load, `core/src/replay_stage.rs` and `runtime/src/bank.rs` for replay progress).
 */
export type LogEvent =
  | { kind: 'boot'; version: string | null }
  | { kind: 'snapshot'; slot: Slot; full: Slot; incremental: Slot | null }
  | { kind: 'wait'; slot: Slot }
  | { kind: 'gossip'; percent: number }
  | { kind: 'list'; list: 'wrong-shred-version' | 'offline'; percent: number }
  | { kind: 'identity'; percent: number; identity: string }
  | { kind: 'supermajority'; percent: number }
  | { kind: 'not-enough-ledger-data'; has: Slot; needs: Slot }
  | { kind: 'bank-hash-mismatch'; actual: string; expected: string }
  | { kind: 'shred-version-mismatch'; actual: number; expected: number }
  | { kind: 'frozen'; slot: Slot }
  | { kind: 'root'; slot: Slot }
  | { kind: 'backup'; first: Slot; last: Slot }
  | { kind: 'purge'; first: Slot; last: Slot }
  | { kind: 'exiting' };

export interface LogLine {
  /** The log's own timestamp (RFC 3339, UTC), when the line has the logger's prefix. */
  readonly time: string | null;
  readonly level: string | null;
  readonly message: string;
}

/** `[2026-11-29T18:40:01.123456789Z INFO  solana_core::validator] message` (env_logger format of solana_logger/agave_logger). */
const PREFIX = /^\[([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z) +(TRACE|DEBUG|INFO|WARN|ERROR) +[^\]]*\] ?(.*)$/;
const SLOT = '([0-9]{1,20})';
const HASH = '([1-9A-HJ-NP-Za-km-z]{32,44})';

export function splitLogLine(line: string): LogLine {
  const m = PREFIX.exec(line);
  if (!m) return { time: null, level: null, message: line };
  return { time: m[1] as string, level: m[2] as string, message: m[3] as string };
}

const RULES: readonly [RegExp, (m: RegExpExecArray) => LogEvent | null][] = [
  // agave-validator/src/main.rs (run/execute.rs): info!("{} {}", crate_name!(), solana_version)
  [/^(?:agave|solana)-validator ([0-9]+\.[0-9]+\.[0-9]+\S*)/, (m) => ({ kind: 'boot', version: m[1] as string })],
  [/^Starting validator with: /, () => ({ kind: 'boot', version: null })],
  // snapshot_bank_utils.rs: "Loading bank from full snapshot archive: {}, and incremental snapshot archive: {:?}"
  [/^Loading bank from full snapshot archive: (.*), and incremental snapshot archive: (.*)$/, (m) => snapshotEvent(m[1] as string, m[2] as string)],
  // validator.rs wait_for_supermajority
  [new RegExp(`^Waiting for [0-9]+% of activated stake at slot ${SLOT} to be in gossip`), (m) => slotEvent('wait', m[1])],
  [/^([0-9.]+)% of active stake visible in gossip/, (m) => ({ kind: 'gossip', percent: Number(m[1]) })],
  [/^([0-9.]+)% of active stake has the wrong shred version in gossip/, (m) => ({ kind: 'list', list: 'wrong-shred-version', percent: Number(m[1]) })],
  [/^([0-9.]+)% of active stake is not visible in gossip/, (m) => ({ kind: 'list', list: 'offline', percent: Number(m[1]) })],
  [/^\s+([0-9.]+)% - ([1-9A-HJ-NP-Za-km-z]{32,44})\s*$/, (m) => ({ kind: 'identity', percent: Number(m[1]), identity: m[2] as string })],
  [/^Supermajority reached, ([0-9.]+)% active stake detected/, (m) => ({ kind: 'supermajority', percent: Number(m[1]) })],
  // 2.x: error!("Ledger does not have enough data to wait for supermajority, please enable snapshot fetch. Has {} needs {}")
  [new RegExp(`Ledger does not have enough data to wait for supermajority, please enable snapshot fetch\\. Has ${SLOT} needs ${SLOT}`, 'i'), (m) => twoSlots('not-enough-ledger-data', m)],
  // 3.x+: ValidatorError::NotEnoughLedgerData "ledger does not have enough data to wait for supermajority: current slot={0}, needed slot={1}"
  [new RegExp(`ledger does not have enough data to wait for supermajority: current slot=${SLOT}, needed slot=${SLOT}`, 'i'), (m) => twoSlots('not-enough-ledger-data', m)],
  // 2.x: error!("Bank hash({}) does not match expected value: {}")
  [new RegExp(`Bank hash\\(${HASH}\\) does not match expected value: ${HASH}`), (m) => ({ kind: 'bank-hash-mismatch', actual: m[1] as string, expected: m[2] as string })],
  // 3.x+: ValidatorError::BankHashMismatch "bank hash mismatch: actual={0}, expected={1}"
  [new RegExp(`bank hash mismatch: actual=${HASH}, expected=${HASH}`), (m) => ({ kind: 'bank-hash-mismatch', actual: m[1] as string, expected: m[2] as string })],
  // ValidatorError::ShredVersionMismatch "shred version mismatch: actual {actual}, expected {expected}"
  [/shred version mismatch: actual ([0-9]{1,5}), expected ([0-9]{1,5})/, (m) => ({ kind: 'shred-version-mismatch', actual: Number(m[1]), expected: Number(m[2]) })],
  // replay_stage.rs: info!("bank frozen: {}", slot); bank.rs: "bank frozen: {} hash: {} …"
  [new RegExp(`^bank frozen: ${SLOT}`), (m) => slotEvent('frozen', m[1])],
  // replay_stage.rs: info!("new root {}", new_root)
  [new RegExp(`^new root ${SLOT}`), (m) => slotEvent('root', m[1])],
  // validator.rs cleanup_blockstore_incorrect_shred_versions / backup_and_clear_blockstore
  [new RegExp(`^Backing up slots from ${SLOT} to ${SLOT}`), (m) => twoSlots('backup', m)],
  [new RegExp(`^Purging slots ${SLOT} to ${SLOT} from blockstore`), (m) => twoSlots('purge', m)],
  [/^Validator exiting\.\./, () => ({ kind: 'exiting' })],
];

/** The event a log line carries, or null (most lines, garbage, a half-written line). */
export function parseLogLine(line: string): { line: LogLine; event: LogEvent | null } {
  const parsed = splitLogLine(line);
  for (const [pattern, make] of RULES) {
    const m = pattern.exec(parsed.message);
    if (m) return { line: parsed, event: make(m) };
  }
  return { line: parsed, event: null };
}

export function isBootStart(line: string): boolean {
  const event = parseLogLine(line).event;
  return event?.kind === 'boot';
}

function slotEvent(kind: 'wait' | 'frozen' | 'root', text: string | undefined): LogEvent | null {
  const slot = tryParseU64(text ?? '');
  return slot === undefined ? null : { kind, slot };
}

function twoSlots(kind: 'not-enough-ledger-data' | 'backup' | 'purge', m: RegExpExecArray): LogEvent | null {
  const a = tryParseU64(m[1] ?? '');
  const b = tryParseU64(m[2] ?? '');
  if (a === undefined || b === undefined) return null;
  return kind === 'not-enough-ledger-data' ? { kind, has: a, needs: b } : { kind, first: a, last: b };
}

/** `/ledger/snapshot-S-H.tar.zst`, `Some("/ledger/incremental-snapshot-B-S-H.tar.zst")` or `None`. */
function snapshotEvent(full: string, incremental: string): LogEvent | null {
  const fullSlot = /(?:^|\/)snapshot-([0-9]{1,20})-[1-9A-HJ-NP-Za-km-z]+\.tar/.exec(full);
  const incSlot = /(?:^|\/)incremental-snapshot-[0-9]{1,20}-([0-9]{1,20})-[1-9A-HJ-NP-Za-km-z]+\.tar/.exec(incremental);
  const f = tryParseU64(fullSlot?.[1] ?? '');
  if (f === undefined) return null;
  const i = incSlot ? (tryParseU64(incSlot[1] ?? '') ?? null) : null;
  return { kind: 'snapshot', slot: i ?? f, full: f, incremental: i };
}
