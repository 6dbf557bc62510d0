import { existsSync, readdirSync } from 'node:fs';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { fullName, incrementalName } from '../support/ledger-tree.js';
import { restartLedger, X } from '../support/restart-ledger.js';
import { BIN } from '../support/run-cli.js';

// The app in a real terminal: bin/snapplan.js (compiled dist/, so `npm run build` first) under
// tmux, driven with send-keys and read with capture-pane. SNAPPLAN_TUI_CAPTURES=<file> also
// writes each screen there at 80×24 (docs/tui-screens.md is made from it).
const CAPTURES = process.env['SNAPPLAN_TUI_CAPTURES'];
const [COLUMNS, ROWS] = CAPTURES ? [80, 24] : [100, 30];
const hasTmux = (await execa('tmux', ['-V'], { reject: false })).exitCode === 0;

/** A private tmux server for one test: run commands, read the pane, wait for text, send keys. */
function tmuxDriver(name: string, root: string, env: NodeJS.ProcessEnv) {
  const socket = `${name}-${process.pid}-${Date.now()}`;
  const tmux = (...args: string[]) => execa('tmux', ['-L', socket, '-f', '/dev/null', ...args], { cwd: root, env: { ...env, TERM: 'xterm-256color', NO_COLOR: '1' }, extendEnv: false, timeout: 10_000 });
  const screen = async () => String((await tmux('capture-pane', '-p', '-t', 'e2e')).stdout);
  const waitFor = async (text: string, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = await screen();
      if (last.includes(text)) return last;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${JSON.stringify(text)}; the screen was:\n${last}`);
  };
  const keys = (...k: string[]) => tmux('send-keys', '-t', 'e2e', ...k);
  return { socket, tmux, screen, waitFor, keys };
}

describe.skipIf(!hasTmux)('snapplan tui in a real terminal (tmux)', () => {
  it('chooses X, plans, applies and undoes on a fixture ledger; the files follow each step', async () => {
    const { root, L, bin, env } = await restartLedger({ createSeconds: 1.5 });
    // The stand-in answers latest-optimistic-slots from its config (a field only it knows).
    const configPath = path.join(bin, 'ledger-tool.json');
    const config = JSON.parse(await readFile(configPath, 'utf8'));
    await writeFile(configPath, JSON.stringify({ ...config, latestOptimisticSlots: [{ slot: 289624982, hash: null, timestampMs: null, voteOnly: false }, { slot: 289624981, hash: null, timestampMs: null, voteOnly: true }] }));

    // The watch screen after apply reads a stand-in `agave-validator monitor` (its output replayed from a file).
    await copyFile(path.resolve(import.meta.dirname, '../../fixtures/bin/agave-validator'), path.join(bin, 'agave-validator'));
    const monitorOut = path.join(root, 'monitor.txt');
    await writeFile(monitorOut, [
      `Validator startup: WaitingForSupermajority { slot: ${X}, gossip_stake_percent: 84 }...`,
      `00:01:00 | Processed Slot: 289624990 | Confirmed Slot: 289624989 | Finalized Slot: 289624984 | Full Snapshot Slot: ${X} | Incremental Snapshot Slot: - | Transactions: 10 | ◎1`,
      '',
    ].join('\n'));

    const { socket, tmux, screen, waitFor, keys } = tmuxDriver('snapplan-e2e', root, { ...env, FAKE_MONITOR_OUTPUT: monitorOut });
    const captures: string[] = [];
    const capture = (title: string, text: string) => captures.push(`## ${title}\n\n\`\`\`text\n${text.trimEnd()}\n\`\`\`\n`);
    const ledgerHas = (name: string) => existsSync(path.join(L, name));

    try {
      // Arguments, not a shell string: tmux runs them directly.
      await tmux('new-session', '-d', '-s', 'e2e', '-x', String(COLUMNS), '-y', String(ROWS), process.execPath, BIN, 'tui', '--ledger', L);
      await tmux('set-option', '-t', 'e2e', 'remain-on-exit', 'on');

      // Ledger view
      let s = await waitFor('Snapshots  3 full archives');
      expect(s).toContain('1 entry ignored as not snapshots');
      capture('Ledger view', s);
      await keys('i');
      capture('Ledger view, ignored entries shown (i)', await waitFor('Ignored'));
      await keys('i');

      // Target: the latest optimistic slots come from the stand-in ledger-tool
      await keys('Enter');
      s = await waitFor('Latest optimistic slots');
      await keys('1', '2', 'x');
      capture('Target: X validated as typed', await waitFor('is not a valid slot'));
      await keys('BSpace', 'BSpace', 'BSpace', 'Down', 'Down', 'Down');
      s = await waitFor('› 289624982');
      capture('Target: choosing a latest optimistic slot', s);
      await keys('Enter');
      s = await waitFor(`› X (slot)       ${X}`);
      expect(s).toContain('in the blockstore (289624000–289625410)');
      capture('Target: X chosen', s);

      // Plan: read-only
      await keys('Enter');
      s = await waitFor('✔ Reachable once 3 items are moved aside');
      capture('Plan', s);
      expect(ledgerHas(fullName(289625000))).toBe(true);
      expect(ledgerHas('snapplan-quarantine')).toBe(false);

      // Apply: confirm first, nothing changes until y
      await keys('a');
      s = await waitFor('Create a snapshot at slot 289624982?');
      capture('Apply: confirm', s);
      expect(ledgerHas(fullName(289625000))).toBe(true);
      expect(ledgerHas('snapplan-quarantine')).toBe(false);
      await keys('y');
      s = await waitFor('ledger-tool', 10_000);
      capture('Apply: live steps', await waitFor('replaying blocks to the target', 10_000));
      s = await waitFor('✔ Snapshot created at slot 289624982', 20_000);
      expect(s).toContain('--wait-for-supermajority 289624982');
      capture('Result', s);
      expect(ledgerHas(fullName(289625000))).toBe(false);
      expect(ledgerHas(incrementalName(289625000, 289625100))).toBe(false);
      expect(ledgerHas(path.join('snapshots', '289625100'))).toBe(false);
      expect(ledgerHas(fullName(289600000))).toBe(true); // the base stays
      expect((await readdir(L)).filter((n) => n.startsWith(`snapshot-${X}-`))).toHaveLength(1);
      const [quarantine] = await readdir(path.join(L, 'snapplan-quarantine'));
      expect(quarantine).toMatch(/^snapplan-\d{8}T\d{6}Z-slot-289624982$/);
      expect(existsSync(path.join(L, 'snapplan-quarantine', quarantine!, 'journal.jsonl'))).toBe(true);

      // Watch the restart boot (w), then back to the result (Esc)
      await keys('w');
      s = await waitFor('✔ resumed', 15_000);
      expect(s).toContain('restart boot at slot 289624982');
      capture('Watch: the restart boot after apply', s);
      await keys('Escape');
      await waitFor('✔ Snapshot created at slot 289624982');

      // Undo
      await keys('u');
      s = await waitFor('complete');
      expect(s).toContain('3/3 held');
      await keys('u');
      s = await waitFor('Give up this restart: move the new snapshot aside and put 3 items back?');
      capture('Undo / status', s);
      await keys('y');
      await waitFor('✔ put back 3 items', 15_000);
      s = await waitFor('undone');
      capture('Undo done', s);
      expect(ledgerHas(fullName(289625000))).toBe(true);
      expect(ledgerHas(incrementalName(289625000, 289625100))).toBe(true);
      expect(ledgerHas(path.join('snapshots', '289625100'))).toBe(true);
      // The app's undo gave up the restart: the new snapshot went aside too.
      expect(readdirSync(L).some((n) => n.startsWith(`snapshot-${X}-`))).toBe(false);

      await keys('?');
      capture('Help', await waitFor('Keys'));
      await keys('Escape');
      await waitFor('snapplan · undo / status');

      // Quit: the process ends (with 0)
      await keys('q');
      const deadline = Date.now() + 10_000;
      let pane = '';
      while (Date.now() < deadline) {
        pane = String((await tmux('display-message', '-p', '-t', 'e2e', '#{pane_dead} #{pane_dead_status}#{pane_dead_signal}')).stdout).trim();
        if (/^1 \d+$/.test(pane)) break;
        if (pane === '1' && Date.now() > deadline - 8000) break; // see below
        await new Promise((r) => setTimeout(r, 50));
      }
      // Dead, with status 0; tmux 3.3 sometimes leaves the status empty for a pane whose pty
      // closed first (the exit codes themselves are checked in app-keys.test.tsx).
      expect(pane, await screen()).toMatch(/^1( 0)?$/);
    } finally {
      await execa('tmux', ['-L', socket, 'kill-server'], { reject: false });
    }
    if (CAPTURES) await writeFile(CAPTURES, captures.join('\n'));
  });

  it('opens on an announcement (--announcement): the checks on the plan screen, a refusal shown, a typed value that differs refused', async () => {
    const { root, L, env } = await restartLedger();
    // The announcement names ledger-tool 3.1.7; the stand-in here is 2.1.13.
    await writeFile(path.join(root, 'ann.yaml'), [
      'cluster: testnet', 'ledger-tool-version: 3.1.7', `snapshot-slot: ${X}`, 'restart-slot: 289624983', 'hard-forks: [289624983]',
      'deactivate-feature-gates: [5syhxu91W32HXjswMSToKdj9o123MY7XRULdjfiXx54p]', 'expected-bank-hash: 9bDxQgg7BHwiQLz9wGujZSaKsoNnrHWgsfLiMzdahD5W', 'expected-shred-version: 27350', '',
    ].join('\n'));
    const { socket, tmux, waitFor, keys } = tmuxDriver('snapplan-e2e-ann', root, env);
    try {
      await tmux('new-session', '-d', '-s', 'e2e', '-x', '120', '-y', '50', process.execPath, BIN, 'tui', '--ledger', L, '--announcement', 'ann.yaml');
      await tmux('set-option', '-t', 'e2e', 'remain-on-exit', 'on');
      // X comes from the file: the app opens on the plan, refused for the ledger-tool release.
      let s = await waitFor('Checked against the announcement');
      expect(s).toContain('✘ Not reachable');
      expect(s).toMatch(/✘ ledger-tool-version +ledger-tool 2\.1\.13; announced 3\.1\.7/);
      expect(s).toMatch(/✔ restart-slot +the snapshot will be at 289624983/);
      await keys('a');
      await waitFor('is not reachable: nothing to apply');
      expect((await readdir(L)).includes('snapplan-quarantine')).toBe(false);
      // The target screen shows what the file says; a restart slot typed differently is refused.
      await keys('Escape');
      s = await waitFor('testnet · ledger-tool 3.1.7 · 1 gate(s) deactivated');
      expect(s).toContain('restart slot   289624983');
      await keys('Up', 'Up', 'BSpace', '4');
      s = await waitFor('--restart-slot 289624984 differs');
      expect(s).toContain('✘ --restart-slot 289624984 differs from restart-slot in ann.yaml (289624983).');
    } finally {
      await execa('tmux', ['-L', socket, 'kill-server'], { reject: false });
    }
  });
});
