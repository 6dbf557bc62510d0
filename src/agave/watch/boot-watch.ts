import type { Slot } from '../../core/slot.js';
import type { LogEvent } from './boot-log-lines.js';
import type { MonitorEvent } from './monitor-lines.js';

/** How a watched restart boot ended. Each has its own exit code (core/exit-codes.ts). */
export type EndState = 'resumed' | 'not-enough-ledger-data' | 'shred-version-mismatch' | 'bank-hash-mismatch' | 'wfsm-skipped' | 'validator-exited' | 'timeout';

export interface Identity {
  readonly identity: string;
  readonly percent: number;
}

/** One change of state, as printed (one line) or written (one JSON document). */
export type WatchEvent = { readonly time: string } & (
  | { event: 'following'; log: string | null; monitor: boolean; restartSlot: Slot | null; ledger: string }
  | { event: 'log-waiting'; log: string }
  | { event: 'log-appeared'; log: string }
  | { event: 'log-rotated'; log: string }
  | { event: 'log-truncated'; log: string }
  | { event: 'earlier-boots-ignored'; lines: number }
  | { event: 'monitor-unavailable'; reason: string }
  | { event: 'boot'; version: string | null }
  | { event: 'snapshot-loaded'; slot: Slot; full: Slot; incremental: Slot | null }
  | { event: 'waiting'; slot: Slot; restartSlot: Slot | null }
  | { event: 'wrong-shred-version-not-logged'; version: string }
  | { event: 'gossip'; percent: number }
  | { event: 'wrong-shred-version'; percent: number; identities: Identity[] }
  | { event: 'offline'; percent: number; identities: Identity[] }
  | { event: 'supermajority'; percent: number }
  | { event: 'blockstore-backup'; first: Slot; last: Slot }
  | { event: 'blockstore-purge'; first: Slot; last: Slot }
  | { event: 'startup'; progress: string }
  | { event: 'slot-past-restart'; slot: Slot }
  | { event: 'root-past-restart'; slot: Slot }
  | { event: 'end'; state: EndState; message: string; lastLines?: string[] }
);

type Emit = (event: WatchEvent) => void;
type Body<E extends WatchEvent['event']> = Omit<Extract<WatchEvent, { event: E }>, 'time' | 'event'>;

/**
 * The state machine of one restart boot, fed the events of log lines and of the monitor in the
 * order they come. Pure: no clock, no I/O; the caller passes each event's time.
 */
export class BootWatch {
  private restartSlot: Slot | null;
  private version: string | null = null;
  private loaded: Slot | null = null;
  private waited = false;
  private reached = false;
  private percent: number | null = null;
  private pending: { list: 'wrong-shred-version' | 'offline'; percent: number; identities: Identity[]; time: string } | null = null;
  private lastList = new Map<string, string>();
  private slotPast: Slot | null = null;
  private rootPast: Slot | null = null;
  private lastWasBoot = false;
  private notedUnlisted = false;
  private startup: string | null = null;
  ended: Extract<WatchEvent, { event: 'end' }> | null = null;

  constructor(
    restartSlot: Slot | null,
    private readonly emit: Emit,
  ) {
    this.restartSlot = restartSlot;
  }

  get knownRestartSlot(): Slot | null {
    return this.restartSlot;
  }

  log(event: LogEvent, time: string): void {
    if (this.ended) return;
    if (event.kind !== 'identity') this.flushList();
    const wasBoot = this.lastWasBoot;
    this.lastWasBoot = event.kind === 'boot';
    switch (event.kind) {
      case 'boot':
        // The version line and "Starting validator with:" open the same boot.
        if (wasBoot) {
          this.version ??= event.version;
          return;
        }
        this.reset();
        this.version = event.version;
        return this.out(time, 'boot', { version: event.version });
      case 'snapshot':
        this.loaded = event.slot;
        this.out(time, 'snapshot-loaded', { slot: event.slot, full: event.full, incremental: event.incremental });
        if (this.restartSlot !== null && event.slot > this.restartSlot) {
          this.finish(time, 'wfsm-skipped', `The validator loaded slot ${event.slot}, above the restart slot ${this.restartSlot}: it skips the wait for supermajority and goes on alone (a newer snapshot was left in place).`);
        }
        return;
      case 'wait':
        return this.waitAt(event.slot, time);
      case 'gossip':
        return this.gossip(event.percent, time);
      case 'list':
        this.pending = { list: event.list, percent: event.percent, identities: [], time };
        return;
      case 'identity':
        this.pending?.identities.push({ identity: event.identity, percent: event.percent });
        return;
      case 'supermajority':
        this.reached = true;
        return this.out(time, 'supermajority', { percent: event.percent });
      case 'not-enough-ledger-data':
        return this.finish(time, 'not-enough-ledger-data', `Not enough ledger data: the loaded bank is at ${event.has}, below the restart slot ${event.needs}; the validator stopped.`);
      case 'bank-hash-mismatch':
        return this.finish(time, 'bank-hash-mismatch', `Bank hash mismatch: the validator has ${event.actual}, the announcement expects ${event.expected}; the validator stopped.`);
      case 'shred-version-mismatch':
        return this.finish(time, 'shred-version-mismatch', `Shred version mismatch: actual ${event.actual}, expected ${event.expected} (was the hard fork left out?); the validator stopped.`);
      case 'frozen':
        return this.progress(event.slot, time);
      case 'root':
        return this.rooted(event.slot, time);
      case 'backup':
        return this.out(time, 'blockstore-backup', { first: event.first, last: event.last });
      case 'purge':
        return this.out(time, 'blockstore-purge', { first: event.first, last: event.last });
      case 'exiting':
        return this.finish(time, 'validator-exited', 'The validator logged "Validator exiting..": it stopped.');
    }
  }

  monitor(event: MonitorEvent, time: string): void {
    if (this.ended) return;
    switch (event.kind) {
      case 'monitor-waiting':
        this.waitAt(event.slot, time);
        return this.gossip(event.percent, time);
      case 'monitor-startup':
        if (event.progress !== this.startup && event.progress !== 'WaitingForSupermajority') {
          this.startup = event.progress;
          this.out(time, 'startup', { progress: event.progress });
        }
        return;
      case 'monitor-slots':
        this.progress(event.processed, time);
        return this.rooted(event.finalized, time);
      case 'monitor-unreachable':
        return;
    }
  }

  processGone(time: string, lastLines: string[]): void {
    if (this.ended) return;
    this.flushList();
    this.finish(time, 'validator-exited', lastLines.length > 0 ? 'The validator process is gone; its last log lines follow.' : 'The validator process is gone and wrote nothing more to the log (killed?).', lastLines);
  }

  timedOut(time: string, seconds: number): void {
    if (this.ended) return;
    this.flushList();
    this.finish(time, 'timeout', `No end state within ${seconds} s.`);
  }

  /** Flushes a pending identity list (at the end of the input). */
  settle(): void {
    this.flushList();
  }

  private reset(): void {
    this.loaded = null;
    this.waited = false;
    this.reached = false;
    this.percent = null;
    this.pending = null;
    this.lastList.clear();
    this.slotPast = null;
    this.rootPast = null;
    this.notedUnlisted = false;
    this.startup = null;
  }

  private waitAt(slot: Slot, time: string): void {
    if (this.waited) return;
    this.waited = true;
    this.restartSlot ??= slot;
    this.out(time, 'waiting', { slot, restartSlot: this.restartSlot });
    const major = this.version === null ? null : Number(this.version.split('.')[0]);
    if (major !== null && major >= 3 && !this.notedUnlisted) {
      // 3.x dropped the per-identity wrong-shred-version report from the gossip log.
      this.notedUnlisted = true;
      this.out(time, 'wrong-shred-version-not-logged', { version: this.version as string });
    }
  }

  private gossip(percent: number, time: string): void {
    if (percent === this.percent) return;
    this.percent = percent;
    this.out(time, 'gossip', { percent });
  }

  private progress(slot: Slot, time: string): void {
    const r = this.restartSlot;
    if (r === null || slot <= r) return;
    if (!this.waited && !this.reached && (this.loaded === null || this.loaded !== r)) {
      return this.finish(time, 'wfsm-skipped', `The validator is at slot ${slot}, past the restart slot ${r}, without having waited for supermajority at ${r}.`);
    }
    if (this.slotPast === null) {
      this.slotPast = slot;
      this.out(time, 'slot-past-restart', { slot });
    }
    this.checkResumed(time);
  }

  private rooted(slot: Slot, time: string): void {
    const r = this.restartSlot;
    if (r === null || slot <= r || this.rootPast !== null) return;
    this.rootPast = slot;
    this.out(time, 'root-past-restart', { slot });
    this.checkResumed(time);
  }

  private checkResumed(time: string): void {
    if (this.slotPast !== null && this.rootPast !== null) {
      this.finish(time, 'resumed', `The cluster resumed: slot ${this.slotPast} and root ${this.rootPast} are past the restart slot ${this.restartSlot}.`);
    }
  }

  private flushList(): void {
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    const key = JSON.stringify([p.percent, p.identities]);
    if (this.lastList.get(p.list) === key) return;
    this.lastList.set(p.list, key);
    this.out(p.time, p.list, { percent: p.percent, identities: p.identities });
  }

  private finish(time: string, state: EndState, message: string, lastLines?: string[]): void {
    this.ended = { time, event: 'end', state, message, ...(lastLines === undefined ? {} : { lastLines }) };
    this.emit(this.ended);
  }

  private out<E extends WatchEvent['event']>(time: string, event: E, body: Body<E>): void {
    this.emit({ time, event, ...body } as unknown as WatchEvent);
  }
}
