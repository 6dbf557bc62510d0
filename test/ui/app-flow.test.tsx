import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fullName, incrementalName } from '../support/ledger-tree.js';
import { restartLedger, X } from '../support/restart-ledger.js';
import { KEY, realServices, renderApp } from './helpers.js';

describe('the app on a real ledger (in process, real services)', () => {
  it('goes ledger → X → plan → confirm → apply → result → undo, and the files follow', async () => {
    const { root, L, env } = await restartLedger();
    const app = renderApp(realServices(root, L, env));

    // Given the ledger view
    let s = await app.waitFor('Snapshots  3 full archives, 2 incrementals, 1 bank snapshot');
    expect(s).toMatch(/blockstore {2}slots 289624000–289625410 \(1303 slots, rooted to 289625380\),\s+read\s+from rocksdb\//);
    expect(s).toContain('1 entry ignored as not snapshots (i lists them).');
    await app.press('i');
    expect(await app.waitFor('Ignored')).toContain('tmp-snapshot-archive-289625300.tar.zst');

    // When X is typed and planned
    await app.press(KEY.enter);
    await app.waitFor('Restart slot');
    await app.press(...X.split(''));
    s = await app.waitFor('in the blockstore (289624000–289625410)');
    expect(s).toContain('✔ Enter plans a snapshot at slot 289624982');
    await app.press(KEY.enter);
    s = await app.waitFor('✔ Reachable once 3 items are moved aside');
    expect(s).toContain('base  full         289600000');
    expect(s).toContain('Move aside  3 items into');

    // Then apply asks first; nothing has moved yet
    await app.press('a');
    s = await app.waitFor('Create a snapshot at slot 289624982?');
    expect(s).toContain('Nothing has changed yet.');
    expect(existsSync(path.join(L, fullName(289625000)))).toBe(true);
    await app.press('y');
    s = await app.waitFor('✔ Snapshot created at slot 289624982', 15_000);
    expect(s).toContain('--wait-for-supermajority 289624982 \\');
    expect(s).toContain('--no-snapshot-fetch');
    expect(existsSync(path.join(L, fullName(289625000)))).toBe(false);
    expect(existsSync(path.join(L, incrementalName(289625000, 289625100)))).toBe(false);
    expect((await readdir(L)).some((n) => n.startsWith(`snapshot-${X}-`))).toBe(true);

    // And undo puts the moved items back
    await app.press('u');
    s = await app.waitFor('complete');
    expect(s).toMatch(/› snapplan-20261121T120000Z-slot-289624982\s+complete\s+3\/3 held/);
    await app.press('u');
    await app.waitFor('Give up this restart: move the new snapshot aside and put 3 items back?');
    await app.press('y');
    await app.waitFor('✔ put back 3 items', 15_000);
    // The list reloads after the message: wait for the new state rather than racing it.
    // Four items now: the three put back, and the new snapshot set aside.
    s = await app.waitFor(/undone\s+0\/4 held/, 15_000);
    expect(s).toContain('3 put back, 0 never moved, 1 new set aside');
    expect(s).toContain('✔ put back 3 items');
    expect(existsSync(path.join(L, fullName(289625000)))).toBe(true);
    expect(existsSync(path.join(L, 'snapshots', '289625100'))).toBe(true);
    // The new snapshot went aside first: an old one next to it would be loaded instead.
    expect((await readdir(L)).some((n) => n.startsWith(`snapshot-${X}-`))).toBe(false);

    await app.press('q');
    expect(app.exitCode()).toBe(0);
    app.unmount();
  });

  it('declining the confirm changes nothing and returns to the plan', async () => {
    const { root, L, env } = await restartLedger();
    const app = renderApp(realServices(root, L, env), { initialTarget: BigInt(X) });
    await app.waitFor('✔ Reachable');
    await app.press('a');
    await app.waitFor('Create a snapshot');
    await app.press('n');
    const s = await app.waitFor('Nothing was changed.');
    expect(s).toContain('plan for slot 289624982');
    expect(existsSync(path.join(L, fullName(289625000)))).toBe(true);
    expect(existsSync(path.join(L, 'snapplan-quarantine'))).toBe(false);
    app.unmount();
  });

  it('shows an unreachable X with its findings and refuses to apply it', async () => {
    const { root, L, env } = await restartLedger();
    const app = renderApp(realServices(root, L, env), { initialTarget: 289625500n });
    const s = await app.waitFor('✘ Not reachable');
    expect(s).toContain('✘ missing 289625411–289625500');
    await app.press('a');
    expect(await app.waitFor('is not reachable: nothing to apply')).toContain('Slot 289625500');
    app.unmount();
  });

  it('reports a ledger-tool failure after the moves, keeps the quarantine, and exits 1', async () => {
    const { root, L, env } = await restartLedger({ capitalizationChange: 5 });
    const app = renderApp(realServices(root, L, env), { initialTarget: BigInt(X) });
    await app.waitFor('✔ Reachable');
    await app.press('a');
    await app.waitFor('Create a snapshot');
    await app.press('y');
    const s = await app.waitFor('apply failed', 15_000);
    expect(s).toContain('agave-ledger-tool create-snapshot exited with code 1');
    expect(s).toContain('--enable-capitalization-change');
    expect(existsSync(path.join(L, fullName(289625000)))).toBe(false);
    await app.press('q');
    expect(app.exitCode()).toBe(1);
    app.unmount();
  });
});
