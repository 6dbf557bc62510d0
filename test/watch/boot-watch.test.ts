import { describe, expect, it } from 'vitest';
import { parseLogLine } from '../../src/agave/watch/boot-log-lines.js';
import { BootWatch, type WatchEvent } from '../../src/agave/watch/boot-watch.js';
import { parseMonitorLine } from '../../src/agave/watch/monitor-lines.js';
import { recorded } from './log-stream.js';

const R = 289624982n;

async function replay(name: string, restartSlot: bigint | null = R): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  const watch = new BootWatch(restartSlot, (e) => events.push(e));
  for (const line of await recorded(name)) {
    const { line: parsed, event } = parseLogLine(line);
    if (event) watch.log(event, parsed.time ?? 'now');
  }
  watch.settle();
  return events;
}

const endOf = (events: WatchEvent[]) => events.find((e) => e.event === 'end');

describe('the restart boot state machine on recorded logs', () => {
  it.each([
    ['boot-2x-resumed.log', 'resumed', /slot 289624983 and root 289624984 are past the restart slot 289624982/],
    ['boot-3x-resumed.log', 'resumed', /root 289624983/],
    ['boot-2x-not-enough-data.log', 'not-enough-ledger-data', /at 289624900, below the restart slot 289624982/],
    ['boot-3x-not-enough-data.log', 'not-enough-ledger-data', /at 289624900, below the restart slot 289624982/],
    ['boot-3x-shred-version-mismatch.log', 'shred-version-mismatch', /actual 50093, expected 4084/],
    ['boot-2x-bank-hash-mismatch.log', 'bank-hash-mismatch', /has 8AAbsJEVSDwk7dY4nqnxA1NfUWc5M8A6WNdCJY5w1SzZ, the announcement expects EXkn/],
    ['boot-3x-bank-hash-mismatch.log', 'bank-hash-mismatch', /has 8AAbsJEVSDwk7dY4nqnxA1NfUWc5M8A6WNdCJY5w1SzZ/],
    ['boot-wfsm-skipped.log', 'wfsm-skipped', /loaded slot 289625100, above the restart slot 289624982/],
  ])('%s ends %s', async (name, state, message) => {
    const end = endOf(await replay(name));
    expect(end).toMatchObject({ event: 'end', state });
    expect((end as { message: string }).message).toMatch(message);
  });

  it('2.x: shows the snapshot, the backup and purge, the wait, the stake over time and both identity lists', async () => {
    const events = await replay('boot-2x-resumed.log');
    expect(events.map((e) => e.event)).toEqual([
      'boot', 'snapshot-loaded', 'blockstore-backup', 'blockstore-purge', 'waiting', 'gossip', 'wrong-shred-version', 'offline',
      'gossip', 'offline', 'gossip', 'supermajority', 'slot-past-restart', 'root-past-restart', 'end',
    ]);
    expect(events.find((e) => e.event === 'snapshot-loaded')).toMatchObject({ slot: R, full: 289624900n, incremental: R });
    expect(events.filter((e) => e.event === 'gossip').map((e) => (e as { percent: number }).percent)).toEqual([12.5, 57.125, 100]);
    expect(events.find((e) => e.event === 'wrong-shred-version')).toMatchObject({
      percent: 3.25,
      identities: [
        { identity: '7Np41oeYqPefeNQEHSv1UDhYrehxin3NStELsSKCT4K2', percent: 2 },
        { identity: 'GdnSyH3YtwcxFvQrVVJMm1JhTS4QVX7MFsX56uJLUfiZ', percent: 1.25 },
      ],
    });
    expect(events.find((e) => e.event === 'boot')).toMatchObject({ version: '2.2.20', time: '2026-11-29T18:00:00.000111222Z' });
  });

  it('3.x: says that the wrong-shred-version identities are no longer logged', async () => {
    const events = await replay('boot-3x-resumed.log');
    expect(events.map((e) => e.event)).toContain('wrong-shred-version-not-logged');
    expect(events.map((e) => e.event)).not.toContain('wrong-shred-version');
  });

  it('without R, takes it from the wait, and still sees the cluster resume', async () => {
    const events = await replay('boot-2x-resumed.log', null);
    expect(events.find((e) => e.event === 'waiting')).toMatchObject({ slot: R, restartSlot: R });
    expect(endOf(events)).toMatchObject({ state: 'resumed' });
  });

  it('replay past R without any wait is a skipped wait even when the snapshot line was not seen', () => {
    const events: WatchEvent[] = [];
    const watch = new BootWatch(R, (e) => events.push(e));
    watch.log({ kind: 'boot', version: '3.1.7' }, 't');
    watch.log({ kind: 'frozen', slot: R + 5n }, 't');
    expect(endOf(events)).toMatchObject({ state: 'wfsm-skipped' });
  });

  it('a new boot in the same log starts over', () => {
    const events: WatchEvent[] = [];
    const watch = new BootWatch(R, (e) => events.push(e));
    watch.log({ kind: 'boot', version: '3.1.7' }, 't');
    watch.log({ kind: 'wait', slot: R }, 't');
    watch.log({ kind: 'gossip', percent: 50 }, 't');
    watch.log({ kind: 'boot', version: '3.1.7' }, 't');
    watch.log({ kind: 'gossip', percent: 50 }, 't');
    expect(events.filter((e) => e.event === 'gossip')).toHaveLength(2);
  });

  it('monitor lines alone reach the end states', () => {
    const events: WatchEvent[] = [];
    const watch = new BootWatch(null, (e) => events.push(e));
    for (const line of [
      'Ledger location: /mnt/ledger',
      'Validator startup: LoadingLedger...',
      'Validator startup: WaitingForSupermajority { slot: 289624982, gossip_stake_percent: 42 }...',
      'Validator startup: WaitingForSupermajority { slot: 289624982, gossip_stake_percent: 81 }...',
      'VAT: epoch 672 out, epoch 674: eligible if staked\n00:10:02 | Processed Slot: 289624990 | Confirmed Slot: 289624988 | Finalized Slot: 289624983 | Full Snapshot Slot: 289624982 | Incremental Snapshot Slot: - | Transactions: 1002 | ◎12.5',
    ]) {
      for (const part of line.split('\n')) {
        const event = parseMonitorLine(part);
        if (event) watch.monitor(event, 't');
      }
    }
    expect(events.map((e) => e.event)).toEqual(['startup', 'waiting', 'gossip', 'gossip', 'slot-past-restart', 'root-past-restart', 'end']);
    expect(endOf(events)).toMatchObject({ state: 'resumed' });
  });

  it('garbage, half lines and lines of other programs carry no event', () => {
    for (const line of ['', '[2026-11-29T18:00', 'ĀĀ \u0000', '[2026-11-29T18:00:00.000000000Z INFO  solana_core::validator] Waiting for', 'Waiting for 80% of activated stake at slot x to be in gossip...']) {
      expect(parseLogLine(line).event).toBeNull();
    }
  });
});
