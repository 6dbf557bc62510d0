import type { ChalkInstance } from 'chalk';
import type { FetchEvent } from '../agave/fetch/fetch-service.js';
import type { Writer } from '../core/io.js';
import { formatBytes } from '../core/format.js';

/** Without a terminal, one progress line per this many milliseconds (logs stay readable). */
const LINE_EVERY_MS = 10_000;
const BAR_WIDTH = 24;

/**
 * Prints fetch's progress to stderr (stdout stays for the result and --json). On a terminal one
 * line is redrawn: a bar, bytes, speed and ETA; elsewhere a plain line every ten seconds, plus
 * one at each start, note and end.
 */
export class FetchProgress {
  private lastLine = 0;
  private drawn = false;

  constructor(
    private readonly out: Writer,
    private readonly options: { live: boolean; chalk: ChalkInstance; now: () => number },
  ) {}

  on(event: FetchEvent): void {
    const c = this.options.chalk;
    switch (event.type) {
      case 'probing':
        this.line(`asking ${event.sources} source${event.sources === 1 ? '' : 's'}…`);
        break;
      case 'download-start':
        this.lastLine = this.options.now();
        this.line(`${c.bold('download')} ${event.name}${event.size === null ? '' : ` (${formatBytes(event.size)})`} from ${event.source} into ${event.dir}`);
        break;
      case 'progress': {
        const text = progressText(event.progress.bytes, event.progress.total, event.progress.speed);
        if (this.options.live) {
          this.out.write(`\r\x1b[2K  ${bar(event.progress.bytes, event.progress.total)} ${text}`);
          this.drawn = true;
        } else if (this.options.now() - this.lastLine >= LINE_EVERY_MS) {
          this.lastLine = this.options.now();
          this.line(`  ${text}`);
        }
        break;
      }
      case 'note':
        this.line(`  ${c.yellow('!')} ${event.text}`);
        break;
      case 'verify-start':
        this.line(`  checking ${event.name} (whole stream, no extraction)…`);
        break;
      case 'download-end': {
        const a = event.attempt;
        const resumed = a.resumedFrom > 0 ? `, resumed at byte ${a.resumedFrom}` : '';
        this.line(
          a.outcome === 'done'
            ? `${c.green('✔')} ${a.name}: ${formatBytes(a.bytes)} in place${resumed}`
            : `${c.red('✘')} ${a.name} from ${a.source}: ${a.outcome}: ${a.message ?? ''}`,
        );
        break;
      }
    }
  }

  stop(): void {
    if (this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }

  private line(text: string): void {
    this.stop();
    this.out.write(`${text}\n`);
  }
}

export function progressText(bytes: number, total: number | null, speed: number): string {
  const percent = total ? ` (${Math.floor((bytes * 100) / total)}%)` : '';
  const eta = total && speed > 0 ? `, ETA ${duration((total - bytes) / speed)}` : '';
  return `${formatBytes(bytes)}${total ? ` of ${formatBytes(total)}` : ''}${percent}, ${(speed / 1e6).toFixed(1)} MB/s${eta}`;
}

function bar(bytes: number, total: number | null): string {
  if (!total) return '';
  const filled = Math.min(BAR_WIDTH, Math.floor((bytes * BAR_WIDTH) / total));
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}
