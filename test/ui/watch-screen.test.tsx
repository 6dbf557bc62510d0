import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLogLine } from '../../src/agave/watch/boot-log-lines.js';
import { BootWatch, type WatchEvent } from '../../src/agave/watch/boot-watch.js';
import type { EndEvent } from '../../src/agave/watch/watch-service.js';
import { WatchScreen } from '../../src/ui/components/WatchScreen.js';
import { restartLedger, X } from '../support/restart-ledger.js';
import { recorded } from '../watch/log-stream.js';
import { KEY, plain, realServices, renderApp, renderPlain } from './helpers.js';

const FAKE_VALIDATOR = path.resolve(import.meta.dirname, '../../fixtures/bin/agave-validator');

async function eventsOf(name: string): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  const watch = new BootWatch(289624982n, (e) => events.push(e));
  for (const line of await recorded(name)) {
    const { line: parsed, event } = parseLogLine(line);
    if (event) watch.log(event, parsed.time ?? 'now');
  }
  return events;
}

describe('the watch screen', () => {
  it('shows the snapshot, the wait, the stake bar, the wrong-shred-version and offline lists, and the end', async () => {
    const events = await eventsOf('boot-2x-resumed.log');
    const waiting = events.slice(0, events.findIndex((e) => e.event === 'gossip' && e.percent === 100));
    const { lastFrame, rerender } = renderPlain(<WatchScreen events={waiting} end={null} error={null} width={100} height={20} />);
    let s = plain(lastFrame());
    expect(s).toContain('snapshot loaded   289624982');
    expect(s).toContain('waiting at        289624982');
    expect(s).toMatch(/stake in gossip {3}\[█+░+\] {2}57% \(57\.125%, 80% needed\)/);
    expect(s).toContain('⚠ wrong shred version 3.250%: 7Np41oeYqPefeNQEHSv1UDhYrehxin3NStELsSKCT4K2 2.0%');
    expect(s).toContain('offline 42.875%: CakcnaRDHka2gXyfbEd2d3xsvkJkqsLw2akB3zsN1D2S 42.9%');
    const end = events.find((e) => e.event === 'end') as EndEvent;
    rerender(<WatchScreen events={events} end={end} error={null} width={100} height={20} />);
    s = plain(lastFrame());
    expect(s).toContain('✔ resumed: The cluster resumed');
    expect(s).toContain('Next: snapplan restart-flags --revert FILE');
  });

  it('3.x: says the wrong-shred-version list is not logged; a failure shows ✘ with its state', async () => {
    const events = await eventsOf('boot-3x-resumed.log');
    const s = plain(renderPlain(<WatchScreen events={events.slice(0, 5)} end={null} error={null} width={100} height={20} />).lastFrame());
    expect(s).toContain('wrong shred version: not logged by this release (3.x)');
    const failed = await eventsOf('boot-wfsm-skipped.log');
    const f = plain(renderPlain(<WatchScreen events={failed} end={failed.at(-1) as EndEvent} error={null} width={100} height={20} />).lastFrame());
    expect(f).toMatch(/✘ wfsm-skipped: The validator loaded slot 289625100, above the restart slot/);
  });

  it('in the app: after a successful apply, w opens the watch of the restart boot (real services, stand-in monitor)', async () => {
    const { root, L, bin, env } = await restartLedger();
    await copyFile(FAKE_VALIDATOR, path.join(bin, 'agave-validator'));
    const monitorOut = path.join(root, 'monitor.txt');
    await writeFile(monitorOut, [
      `Validator startup: WaitingForSupermajority { slot: ${X}, gossip_stake_percent: 62 }...`,
      `Validator startup: WaitingForSupermajority { slot: ${X}, gossip_stake_percent: 84 }...`,
      `00:01:00 | Processed Slot: 289624990 | Confirmed Slot: 289624989 | Finalized Slot: 289624984 | Full Snapshot Slot: ${X} | Incremental Snapshot Slot: - | Transactions: 10 | ◎1`,
      '',
    ].join('\n'));
    const app = renderApp(realServices(root, L, { ...env, FAKE_MONITOR_OUTPUT: monitorOut }), { initialTarget: BigInt(X) });
    await app.waitFor('✔ Reachable once 3 items are moved aside');
    await app.press('a');
    await app.waitFor('Create a snapshot at slot 289624982?');
    await app.press('y');
    let s = await app.waitFor('✔ Snapshot created at slot 289624982', 15_000);
    expect(s).toContain('w watch the restart boot');
    await app.press('w');
    s = await app.waitFor('✔ resumed', 15_000);
    expect(s).toContain('restart boot at slot 289624982');
    expect(s).toContain('waiting at        289624982');
    await app.press(KEY.escape);
    await app.waitFor('✔ Snapshot created at slot 289624982');
    await app.press('q');
    expect(app.exitCode()).toBe(0);
    app.unmount();
  });
});
