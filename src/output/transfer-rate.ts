import { formatBytes } from '../core/format.js';

/** How far back the speed is measured: recent enough to follow a disk slowing down. */
const WINDOW_MS = 5_000;

/**
 * Speed and time left of a copy, from (time, bytes done) samples over the last few seconds.
 * The clock is injected so the arithmetic is tested without waiting.
 */
export class TransferRate {
  private readonly samples: { t: number; bytes: number }[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  update(bytesDone: number): void {
    const t = this.now();
    this.samples.push({ t, bytes: bytesDone });
    while (this.samples.length > 2 && t - this.samples[0]!.t > WINDOW_MS) this.samples.shift();
  }

  /** Bytes per second over the window, or null before there is a measurable interval. */
  speed(): number | null {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.t <= first.t) return null;
    return ((last.bytes - first.bytes) * 1000) / (last.t - first.t);
  }

  /** Milliseconds left at the current speed, or null when unknown. */
  remainingMs(bytesDone: number, bytesTotal: number): number | null {
    const speed = this.speed();
    if (speed === null || speed <= 0) return null;
    return (Math.max(0, bytesTotal - bytesDone) * 1000) / speed;
  }

  /** `12.0 MiB / 40.0 MiB  30%  48.2 MiB/s  ETA 1 s` (speed and ETA once known). */
  describe(bytesDone: number, bytesTotal: number): string {
    const percent = bytesTotal > 0 ? Math.floor((bytesDone * 100) / bytesTotal) : 100;
    const speed = this.speed();
    const left = this.remainingMs(bytesDone, bytesTotal);
    return [
      `${formatBytes(bytesDone)} / ${formatBytes(bytesTotal)}`,
      `${percent}%`,
      ...(speed === null ? [] : [`${formatBytes(Math.round(speed))}/s`]),
      ...(left === null ? [] : [`ETA ${formatEta(left)}`]),
    ].join('  ');
  }
}

/** Time left, rounded to whole seconds first (so never "1 min 60 s"). */
export function formatEta(ms: number): string {
  const total = Math.round(ms / 1000);
  if (total < 1) return '<1 s';
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes} min ${total % 60} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
