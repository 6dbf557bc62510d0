import type { EndState, Identity, WatchEvent } from '../agave/watch/boot-watch.js';
import { ExitCode } from '../core/exit-codes.js';

const EXIT: Record<EndState, number> = {
  resumed: ExitCode.Ok,
  'not-enough-ledger-data': ExitCode.WatchNotEnoughLedgerData,
  'shred-version-mismatch': ExitCode.WatchShredVersionMismatch,
  'bank-hash-mismatch': ExitCode.WatchBankHashMismatch,
  'wfsm-skipped': ExitCode.WatchWaitSkipped,
  'validator-exited': ExitCode.WatchValidatorExited,
  timeout: ExitCode.WatchTimeout,
};

export function endExitCode(state: EndState): number | undefined {
  return EXIT[state];
}

/** One line per change of state: `HH:MM:SS  what happened`. */
export function watchEventLine(e: WatchEvent): string {
  const clock = /T([0-9:]{8})/.exec(e.time)?.[1] ?? e.time;
  return `${clock}  ${describe(e)}`;
}

function list(identities: readonly Identity[]): string {
  const shown = identities.slice(0, 5).map((i) => `${i.identity} (${i.percent.toFixed(3)}%)`);
  return shown.join(', ') + (identities.length > 5 ? `, and ${identities.length - 5} more` : '');
}

function describe(e: WatchEvent): string {
  switch (e.event) {
    case 'following':
      return `watching ${e.ledger}: log ${e.log ?? '(none)'}${e.monitor ? ', agave-validator monitor' : ''}; restart slot ${e.restartSlot ?? 'not given (taken from the wait)'}`;
    case 'log-waiting':
      return `waiting for ${e.log} to appear`;
    case 'log-appeared':
      return `${e.log} appeared`;
    case 'log-rotated':
      return `${e.log} was rotated; following the new file`;
    case 'log-truncated':
      return `${e.log} was truncated; reading from its start`;
    case 'earlier-boots-ignored':
      return `ignoring ${e.lines} line(s) of earlier boots already in the log`;
    case 'monitor-unavailable':
      return `monitor not available (${e.reason}); following the log only`;
    case 'boot':
      return `validator starting${e.version ? ` (${e.version})` : ''}`;
    case 'snapshot-loaded':
      return `loading snapshot at slot ${e.slot} (full ${e.full}${e.incremental === null ? '' : `, incremental ${e.incremental}`})`;
    case 'waiting':
      return `waiting for 80% of stake at slot ${e.slot}${e.restartSlot !== null && e.restartSlot !== e.slot ? ` — not the restart slot ${e.restartSlot}!` : ''}`;
    case 'wrong-shred-version-not-logged':
      return `note: agave ${e.version} no longer logs which identities are on the wrong shred version; only the offline list is shown`;
    case 'gossip':
      return `${e.percent.toFixed(3)}% of active stake visible in gossip`;
    case 'wrong-shred-version':
      return `${e.percent.toFixed(3)}% of active stake on the wrong shred version: ${list(e.identities)}`;
    case 'offline':
      return `${e.percent.toFixed(3)}% of active stake not in gossip: ${list(e.identities)}`;
    case 'supermajority':
      return `supermajority reached (${e.percent}% of stake); the cluster starts`;
    case 'blockstore-backup':
      return `copying slots ${e.first}–${e.last} (wrong shred version) into rocksdb_backup_*: an undo of the quarantine is now partial`;
    case 'blockstore-purge':
      return `purging slots ${e.first}–${e.last} from the blockstore`;
    case 'startup':
      return `validator startup: ${e.progress}`;
    case 'slot-past-restart':
      return `slot ${e.slot} is past the restart slot`;
    case 'root-past-restart':
      return `root ${e.slot} is past the restart slot`;
    case 'end':
      return `END ${e.state}: ${e.message}${e.lastLines && e.lastLines.length > 0 ? `\n${e.lastLines.map((l) => `  | ${l}`).join('\n')}` : ''}`;
  }
}
