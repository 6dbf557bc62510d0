import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatEta, TransferRate } from '../../src/output/transfer-rate.js';
import { fullName } from '../support/ledger-tree.js';
import { restartLedger, X } from '../support/restart-ledger.js';
import { runMain } from '../support/run-cli.js';

describe('TransferRate (pure, with a fake clock)', () => {
  it.each([
    [[[0, 0], [1000, 50 * 2 ** 20]], 100 * 2 ** 20, '50 MiB / 100 MiB  50%  50 MiB/s  ETA 1 s'],
    [[[0, 0], [2000, 2 ** 20]], 61 * 2 ** 20, '1.0 MiB / 61 MiB  1%  512 KiB/s  ETA 2 min 0 s'],
    [[[0, 0]], 2 ** 20, '0 B / 1.0 MiB  0%'],
    // Only the last 5 s count: the slow start no longer drags the speed down.
    [[[0, 0], [1000, 1024], [7000, 10 * 2 ** 20], [8000, 20 * 2 ** 20]], 40 * 2 ** 20, '20 MiB / 40 MiB  50%  10 MiB/s  ETA 2 s'],
  ] as const)('%j of %d', (samples, total, text) => {
    let t = 0;
    const rate = new TransferRate(() => t);
    for (const [time, bytes] of samples) {
      t = time;
      rate.update(bytes);
    }
    expect(rate.describe(samples.at(-1)![1], total)).toBe(text);
  });

  it.each([
    [400, '<1 s'], [1_000, '1 s'], [59_499, '59 s'], [59_500, '1 min 0 s'], [119_600, '2 min 0 s'], [3_599_600, '1 h 00 min'], [7_380_000, '2 h 03 min'],
  ])('formatEta(%d) = %s (never "1 min 60 s")', (ms, text) => {
    expect(formatEta(ms)).toBe(text);
  });
});

describe('apply prints copy progress with bytes, speed and time left', () => {
  it('without a terminal, a line at each quarter of a cross-filesystem copy', async () => {
    const { root, L, env } = await restartLedger();
    // A newer archive big enough to be copied in several chunks.
    await writeFile(path.join(L, fullName(289625000)), randomBytes(12 * 2 ** 20));
    const run = await runMain(['apply', '--ledger', L, '--slot', X, '--yes', '--force-copy'], { cwd: root, env });
    expect(run.exitCode, run.stderr).toBe(0);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('  copying '));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBeLessThanOrEqual(4);
    for (const line of lines) expect(line).toMatch(/^ {2}copying \S+ {2}[\d.]+ (B|KiB|MiB) \/ [\d.]+ MiB {2}\d+%/);
    expect(lines.at(-1)).toMatch(/ {2}100%/);
    expect(lines.some((l) => /MiB\/s|KiB\/s|B\/s/.test(l) && /ETA /.test(l))).toBe(true);
  });
});
