import { formatBytes, formatElapsed } from '../core/format.js';
import type { Writer } from '../core/io.js';

/**
 * Byte progress of one long step (archive, upload, extract, a devicedb piece download), shared
 * by the jobs' front ends: on a terminal one line redrawn in place, a bar with the bytes, the
 * speed and the time left (when the total is known); elsewhere (a log, a pipe) a plain line every
 * `lineEveryBytes` and at the end, so logs stay readable. Reusable for any byte-counted step.
 */
export interface ByteProgressState {
  readonly label: string;
  readonly bytes: number;
  /** Null when the end is not known in advance (a compressed archive being written). */
  readonly total: number | null;
  readonly elapsedMs: number;
}

const BAR = 24;

/** The text of one progress line (pure: the tests compare it as is). */
export function progressLine(state: ByteProgressState, bar: boolean): string {
  const { label, bytes, total, elapsedMs } = state;
  const speed = elapsedMs > 0 ? (bytes * 1000) / elapsedMs : 0;
  const parts = [label];
  if (total !== null && total > 0) {
    const done = Math.min(1, bytes / total);
    if (bar) {
      const filled = Math.round(done * BAR);
      parts.push(`[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}]`);
    }
    parts.push(`${formatBytes(bytes)} / ${formatBytes(total)} (${Math.floor(done * 100)}%)`);
  } else {
    parts.push(formatBytes(bytes));
  }
  if (speed > 0) parts.push(`${formatBytes(speed)}/s`);
  if (total !== null && speed > 0 && bytes < total) parts.push(`ETA ${formatElapsed(((total - bytes) / speed) * 1000)}`);
  return parts.join('  ');
}

export class ByteProgress {
  private readonly started: number;
  private lastLineAt = 0;
  private drawn = false;
  private lastDrawAt = 0;

  constructor(
    private readonly out: Writer,
    private readonly options: { readonly live: boolean; readonly prefix?: string; readonly lineEveryBytes?: number; readonly now?: () => number },
  ) {
    this.started = this.now();
  }

  update(label: string, bytes: number, total: number | null): void {
    const state = { label, bytes, total, elapsedMs: this.now() - this.started };
    const prefix = this.options.prefix ?? '';
    if (this.options.live) {
      // At most ten redraws a second (the end is always drawn).
      if (bytes !== total && this.drawn && state.elapsedMs - this.lastDrawAt < 100) return;
      this.lastDrawAt = state.elapsedMs;
      this.out.write(`\r\x1b[2K${prefix}${progressLine(state, true)}`);
      this.drawn = true;
      return;
    }
    const every = this.options.lineEveryBytes ?? 64 * 1024 * 1024;
    if (bytes === total || bytes - this.lastLineAt >= every) {
      this.lastLineAt = bytes;
      this.out.write(`${prefix}${progressLine(state, false)}\n`);
    }
  }

  /** Ends a live line, so that the next message starts on a line of its own. */
  end(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/**
 * A job's two streams on stderr: `snapplan: <event>` lines, and one ByteProgress per long step
 * (a new step starts its own clock). An event ends a live progress line first.
 */
export function jobOutput(out: Writer, live: boolean): { onEvent: (text: string) => void; onProgress: (step: string, bytes: number, total: number | null) => void } {
  let current: { step: string; progress: ByteProgress } | null = null;
  return {
    onEvent: (text) => {
      current?.progress.end();
      out.write(`snapplan: ${text}\n`);
    },
    onProgress: (step, bytes, total) => {
      if (current?.step !== step) {
        current?.progress.end();
        current = { step, progress: new ByteProgress(out, { live, prefix: 'snapplan: ' }) };
      }
      current.progress.update(step, bytes, total);
    },
  };
}
