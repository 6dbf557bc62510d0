/** Human sizes in binary units, as `du -h` and `ls -lh` print them. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/**
 * A duration for people: `4.2 s` under a minute, then `1 min 59 s`, `2 h 03 min`. Rounded once,
 * on the whole seconds, so that 119.6 s is `2 min 0 s` and never `1 min 60 s`.
 */
export function formatDuration(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 59_950) return `${(safe / 1000).toFixed(1)} s`;
  const total = Math.round(safe / 1000);
  const h = Math.floor(total / 3600);
  const min = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h} h ${String(min).padStart(2, '0')} min` : `${min} min ${s} s`;
}

/** A clock reading for elapsed time on a screen: `m:ss`, `h:mm:ss`. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}

export function plural(n: number | bigint, noun: string): string {
  return `${n} ${noun}${n === 1 || n === 1n ? '' : 's'}`;
}
