import path from 'node:path';
import type { ChalkInstance } from 'chalk';
import { LEDGER_TOOL_PHASE_TEXT, type ApplyEvent, type LedgerToolPhase } from '../agave/apply/apply-model.js';
import type { Writer } from '../core/io.js';
import { formatBytes, formatDuration } from '../core/format.js';
import { TransferRate } from './transfer-rate.js';


/**
 * Prints apply's progress to stderr (stdout stays for the result and --json). On a terminal
 * the ledger-tool step is one line redrawn each second with its phase, elapsed time and last
 * log line; elsewhere each step is one plain line, for logs and CI.
 */
export class ApplyProgress {
  private timer: NodeJS.Timeout | undefined;
  private started = 0;
  private phase: LedgerToolPhase = 'starting';
  private lastLine = '';
  private rate: TransferRate | null = null;
  private lastDraw = 0;
  /** Without a terminal: the next quarter of the copy that gets a line of its own. */
  private nextQuarter = 1;

  constructor(
    private readonly out: Writer,
    private readonly options: { live: boolean; chalk: ChalkInstance; now?: (() => number) | undefined },
  ) {}

  on(event: ApplyEvent): void {
    const c = this.options.chalk;
    switch (event.type) {
      case 'planned': {
        const p = event.plan;
        this.line(`${c.bold('plan')}  base ${p.baseSlot ?? 'none'} → ${p.targetSlot}, ${p.quarantine.length} item(s) to move aside`);
        break;
      }
      case 'preflight-passed':
        this.line(`${c.green('✔')} preflight: no validator on the ledger, folders writable, room for ~${formatBytes(event.snapshotBytes)}${event.copyBytes > 0 ? ` + ${formatBytes(event.copyBytes)} of copies` : ''}`);
        break;
      case 'quarantine-created':
        this.line(`${c.green('✔')} quarantine ${event.dir}`);
        break;
      case 'move':
        // The engine reports a rename once it is done ('move') and a copy at each stage
        // ('copy', 'delete-source', then 'done').
        if (event.progress.phase === 'move' || event.progress.phase === 'done') {
          const { index, total, item } = event.progress;
          this.line(`  ${c.dim(`[${index + 1}/${total}]`)} ${event.progress.phase === 'move' ? 'moved' : 'copied'} ${item.source}`);
        } else if (event.progress.phase === 'copy' || event.progress.phase === 'copying') {
          this.copying(event.progress.item.source, event.progress.bytesDone, event.progress.bytesTotal);
        }
        break;
      case 'kept':
        this.line(`${c.green('✔')} kept ${event.copies.length} safety cop${event.copies.length === 1 ? 'y' : 'ies'} of the base archive(s) (${event.copies.map((k) => k.method).join(', ') || 'none'})`);
        break;
      case 'ledger-tool-started':
        this.line(`${c.bold('run')}   ${event.command.join(' ')}`);
        this.line(`      log ${event.logFile}`);
        this.started = Date.now();
        if (this.options.live) this.timer = setInterval(() => this.tick(), 1000);
        break;
      case 'ledger-tool-phase':
        this.phase = event.phase;
        if (event.phase === 'done') break;
        if (!this.options.live) this.line(`      ${LEDGER_TOOL_PHASE_TEXT[event.phase]} (${formatDuration(event.elapsedMs)})`);
        else this.tick();
        break;
      case 'ledger-tool-line':
        this.lastLine = event.line;
        break;
      case 'ledger-tool-finished':
        this.stop();
        this.line(
          event.outcome === 'interrupted'
            ? `${c.red('✘')} ledger-tool interrupted after ${formatDuration(event.elapsedMs)} (its process group was stopped)`
            : event.outcome === 'timed-out'
              ? `${c.red('✘')} ledger-tool stopped at the time limit after ${formatDuration(event.elapsedMs)}`
              : event.exitCode === 0
                ? `${c.green('✔')} ledger-tool finished in ${formatDuration(event.elapsedMs)}`
                : `${c.red('✘')} ledger-tool exited with ${event.exitCode ?? 'a signal'} after ${formatDuration(event.elapsedMs)}`,
        );
        break;
    }
  }

  /**
   * A copy across file systems can take minutes: bytes, speed and time left. On a terminal one
   * line redrawn a few times a second; elsewhere a line at each quarter, for logs.
   */
  private copying(source: string, bytesDone: number, bytesTotal: number): void {
    const now = this.options.now ?? Date.now;
    this.rate ??= new TransferRate(now);
    this.rate.update(bytesDone);
    const text = `  copying ${path.basename(source)}  ${this.rate.describe(bytesDone, bytesTotal)}`;
    if (this.options.live) {
      if (now() - this.lastDraw < 200 && bytesDone < bytesTotal) return;
      this.lastDraw = now();
      this.redraw(text);
      return;
    }
    if (bytesTotal <= 0 || bytesDone * 4 < this.nextQuarter * bytesTotal) return;
    while (this.nextQuarter <= 4 && bytesDone * 4 >= this.nextQuarter * bytesTotal) this.nextQuarter += 1;
    this.line(text);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.options.live) this.out.write('\r\x1b[2K');
  }

  private tick(): void {
    const tail = this.lastLine.replace(/^\[[^\]]*\]\s*/, '').slice(0, 50);
    this.redraw(`      ${LEDGER_TOOL_PHASE_TEXT[this.phase]}  ${formatDuration(Date.now() - this.started)}  ${this.options.chalk.dim(tail)}`);
  }

  private redraw(text: string): void {
    this.out.write(`\r\x1b[2K${text}`);
  }

  private line(text: string): void {
    if (this.options.live) this.out.write('\r\x1b[2K');
    this.out.write(`${text}\n`);
  }
}
