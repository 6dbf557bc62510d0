import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatElapsed } from '../../src/core/format.js';
import { pollUntil } from '../../src/core/poll.js';
import { utcStamp } from '../../src/core/time.js';

describe('formatDuration', () => {
  it.each([
    [0, '0.0 s'],
    [4_200, '4.2 s'],
    [59_949, '59.9 s'],
    [59_950, '1 min 0 s'],
    [61_000, '1 min 1 s'],
    // The apply progress used to print "1 min 60 s" here.
    [119_600, '2 min 0 s'],
    [119_400, '1 min 59 s'],
    [3_599_600, '1 h 00 min'],
    [7_380_000, '2 h 03 min'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatBytes, formatElapsed, utcStamp', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [100 * 2 ** 20, '100 MiB'],
    [1.25 * 2 ** 30, '1.3 GiB'],
  ])('formatBytes(%d) = %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
  it('formats a clock reading and a compact UTC stamp', () => {
    expect(formatElapsed(65_000)).toBe('1:05');
    expect(formatElapsed(3_725_000)).toBe('1:02:05');
    expect(utcStamp(new Date('2026-11-21T12:00:00.999Z'))).toBe('20261121T120000Z');
  });
});

describe('pollUntil', () => {
  it('returns the value once the check is done, after as many checks as needed', async () => {
    let calls = 0;
    const result = await pollUntil(() => ({ done: ++calls === 3, value: calls }), { timeoutMs: 60_000, intervalMs: 1 });
    expect(result).toEqual({ ok: true, value: 3 });
  });
  it('gives up at the deadline with the last value seen', async () => {
    const result = await pollUntil(() => ({ done: false, value: 'pending' }), { timeoutMs: 0, intervalMs: 1 });
    expect(result).toEqual({ ok: false, last: 'pending' });
  });
  it('ends at once on abort, and leaves no abort listener behind after many polls', async () => {
    const controller = new AbortController();
    let added = 0;
    let removed = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    const remove = controller.signal.removeEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      added++;
      return add(...args);
    }) as typeof add;
    controller.signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      removed++;
      return remove(...args);
    }) as typeof remove;
    let calls = 0;
    const polling = pollUntil(() => {
      calls++;
      if (calls === 50) controller.abort(new Error('stop'));
      return { done: false, value: calls };
    }, { timeoutMs: 60_000, intervalMs: 1, signal: controller.signal });
    await expect(polling).rejects.toThrow('stop');
    expect(calls).toBe(50);
    // Every sleep that added a listener removed it again (the devicedb sleep leaked one per poll).
    expect(added).toBeGreaterThan(10);
    expect(added - removed).toBeLessThanOrEqual(1);
  });
  it('a throw from the check ends the poll with that error', async () => {
    await expect(pollUntil(() => {
      throw new Error('bad answer');
    }, { timeoutMs: 60_000, intervalMs: 1 })).rejects.toThrow('bad answer');
  });
});
