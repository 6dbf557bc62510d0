import { describe, expect, it } from 'vitest';
import { ByteProgress, progressLine } from '../../src/output/byte-progress.js';

const MiB = 1024 * 1024;

describe('progressLine', () => {
  it.each([
    [{ label: 'upload', bytes: 25 * MiB, total: 100 * MiB, elapsedMs: 5_000 }, true, 'upload  [######------------------]  25 MiB / 100 MiB (25%)  5.0 MiB/s  ETA 0:15'],
    [{ label: 'upload', bytes: 25 * MiB, total: 100 * MiB, elapsedMs: 5_000 }, false, 'upload  25 MiB / 100 MiB (25%)  5.0 MiB/s  ETA 0:15'],
    [{ label: 'archive', bytes: 3 * 1024 ** 3, total: null, elapsedMs: 60_000 }, true, 'archive  3.0 GiB  51 MiB/s'],
    [{ label: 'ddb1', bytes: 10 * MiB, total: 10 * MiB, elapsedMs: 2_000 }, true, 'ddb1  [########################]  10 MiB / 10 MiB (100%)  5.0 MiB/s'],
    [{ label: 'extract', bytes: 0, total: 10 * MiB, elapsedMs: 0 }, false, 'extract  0 B / 10 MiB (0%)'],
  ])('%j (bar %s)', (state, bar, text) => {
    expect(progressLine(state, bar)).toBe(text);
  });
});

describe('ByteProgress', () => {
  it('redraws one line on a terminal, and writes a line per step of bytes (and at the end) elsewhere', () => {
    let clock = 0;
    const live: string[] = [];
    const bar = new ByteProgress({ write: (t) => live.push(t) }, { live: true, now: () => clock });
    clock = 1000;
    bar.update('upload', MiB, 4 * MiB);
    bar.end();
    expect(live).toEqual(['\r\x1b[2Kupload  [######------------------]  1.0 MiB / 4.0 MiB (25%)  1.0 MiB/s  ETA 0:03', '\n']);

    const log: string[] = [];
    const lines = new ByteProgress({ write: (t) => log.push(t) }, { live: false, lineEveryBytes: 2 * MiB, now: () => clock });
    for (let b = 0; b <= 4 * MiB; b += MiB / 2) lines.update('ddb1', b, 4 * MiB);
    lines.end();
    expect(log.map((l) => l.trimEnd().split('  ').slice(0, 2).join('  '))).toEqual(['ddb1  2.0 MiB / 4.0 MiB (50%)', 'ddb1  4.0 MiB / 4.0 MiB (100%)']);
  });
});
