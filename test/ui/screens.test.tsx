import { Text } from 'ink';
import { describe, expect, it } from 'vitest';
import { applyRunReducer, initialApplyRun, type ApplyRunState } from '../../src/ui/apply-run.js';
import { ApplyScreen } from '../../src/ui/components/ApplyScreen.js';
import { ConfirmScreen } from '../../src/ui/components/ConfirmScreen.js';
import { Frame } from '../../src/ui/components/Frame.js';
import { HelpScreen } from '../../src/ui/components/HelpScreen.js';
import { LedgerScreen } from '../../src/ui/components/LedgerScreen.js';
import { PlanScreen } from '../../src/ui/components/PlanScreen.js';
import { QuarantineScreen } from '../../src/ui/components/QuarantineScreen.js';
import { ResultScreen } from '../../src/ui/components/ResultScreen.js';
import { TargetScreen } from '../../src/ui/components/TargetScreen.js';
import type { Async } from '../../src/ui/model.js';
import { checkTarget, initialTargetForm } from '../../src/ui/target-form.js';
import { command, L, outcome, overview, planFor, quarantineSummary } from './fixtures.js';
import { plain, renderPlain } from './helpers.js';

const W = 80;
const H = 21;
const ESC = String.fromCharCode(27);
const frame = (node: Parameters<typeof renderPlain>[0]) => {
  const r = renderPlain(node);
  const text = r.lastFrame() ?? '';
  r.unmount();
  expect(text).not.toContain(ESC); // colour off: no escape codes at all
  expect(Math.max(...plain(text).split('\n').map((l) => l.length))).toBeLessThanOrEqual(W);
  return plain(text);
};

describe('LedgerScreen', () => {
  it('draws the folders, the slot line and every snapshot with its size', () => {
    expect(frame(<LedgerScreen overview={{ state: 'done', value: overview }} target={null} showIgnored={false} offset={0} width={W} height={H} />)).toMatchInlineSnapshot(`
      "Folders
        ledger      /srv/ledger
        archives    . (and remote/)
        blockstore  slots 289624000–289625410 (1303 slots, rooted to 289625380), read
                    from rocksdb/

      Snapshots  3 full archives, 2 incrementals, 1 bank snapshot, 250 GiB
        289550000 f───────────────────────────────────f────────────────ifi 289625410
                  f full  i incremental  b bank snapshot  X target  ═ blockstore
        incremental  289625100  410 MiB   incremental-snapshot-289625000-289625100-Gs…
        full         289625000  84 GiB    snapshot-289625000-5zwib9Moe3jXQXLpjWzjYMwP…
        incremental  289624900  1.2 GiB   incremental-snapshot-289600000-289624900-Fe…
        full         289600000  83 GiB    snapshot-289600000-558T6aXDh12TteyrdAx9GXDJ…
        full         289550000  81 GiB    remote/snapshot-289550000-B37u4ucs93tNFrjF2…
        bank         289625100  complete  snapshots/289625100

      1 entry ignored as not snapshots (i lists them)."
    `);
  });

  it('marks X on the slot line and lists the ignored entries on demand', () => {
    const s = frame(<LedgerScreen overview={{ state: 'done', value: overview }} target={289624982n} showIgnored={true} offset={0} width={W} height={40} />);
    expect(s).toMatch(/289550000 f─+.*X.* 289625410/);
    expect(s).toContain('tmp-snapshot-archive-289625300.tar.zst');
    expect(s).toContain('in-progress archive');
  });

  it('scrolls, with markers for the rows above and below', () => {
    const s = frame(<LedgerScreen overview={{ state: 'done', value: overview }} target={null} showIgnored={true} offset={3} width={W} height={8} />);
    expect(s.split('\n')).toHaveLength(8);
    expect(s).toMatch(/^↑ 4 more \(k, PgUp\)/);
    expect(s).toMatch(/↓ \d+ more \(j, PgDn\)$/);
  });

  it('shows loading, a failed read and an unreadable blockstore', () => {
    expect(frame(<LedgerScreen overview={{ state: 'loading' }} target={null} showIgnored={false} offset={0} width={W} height={H} />)).toContain('… reading the ledger folders');
    expect(frame(<LedgerScreen overview={{ state: 'failed', error: { message: 'No such folder: /srv/nope', hint: 'Check --ledger.' } }} target={null} showIgnored={false} offset={0} width={W} height={H} />)).toMatchInlineSnapshot(`
      "✘ The ledger could not be read
        No such folder: /srv/nope
        → Check --ledger."
    `);
    const broken = { ...overview, blockstore: null, blockstoreError: { message: 'The blockstore uses a RocksDB feature snapplan does not read.', hint: 'Use --bounds-from ledger-tool.' } };
    const s = frame(<LedgerScreen overview={{ state: 'done', value: broken }} target={null} showIgnored={false} offset={0} width={W} height={H} />);
    expect(s).toContain('blockstore  not read');
    expect(s).toContain('✘ The blockstore uses a RocksDB feature');
    expect(s).toContain('→ Use --bounds-from ledger-tool.');
  });
});

describe('TargetScreen', () => {
  const range = { first: 289624000n, last: 289625410n };
  const render = (form = initialTargetForm(), optimistic: Async<never[] | { slot: bigint; bankHash: string | null; timestamp: string | null; voteOnly: boolean | null }[] | null> = { state: 'done', value: null }) =>
    frame(<TargetScreen form={form} check={checkTarget(form, range)} optimistic={optimistic} width={W} height={H} />);

  it('validates X as typed, as --slot does', () => {
    expect(render({ ...initialTargetForm(), slot: '289624982' })).toMatchInlineSnapshot(`
      "Restart slot

        announcement   a YAML or JSON file: type its path, Enter opens it

        restart slot   optional: R, X or X+1 as announced

        hard forks     optional, comma-separated: as announced

      › X (slot)       289624982▏
                       in the blockstore (289624000–289625410)
        bank hash      optional, from the announcement

        shred version  optional, from the announcement


      ✔ Enter plans a snapshot at slot 289624982"
    `);
    expect(render({ ...initialTargetForm(), slot: '28962x' })).toContain('✘ X "28962x" is not a valid slot: it is not a whole number.');
    expect(render({ ...initialTargetForm(), slot: '18446744073709551616' })).toContain('is not a valid slot: it is larger');
    expect(render({ ...initialTargetForm(), slot: '289625500' })).toMatch(/above the blockstore's last slot 289625410: blocks will be\s+missing/);
  });

  it('checks the announcement\'s bank hash and shred version', () => {
    const bad = render({ ...initialTargetForm(), slot: '289624982', bankHash: 'abc', shredVersion: '70000', focus: 'bankHash' });
    expect(bad).toContain('✘ not a bank hash: base58 of 32 bytes');
    expect(bad).toContain('✘ not a shred version (1 to 65535)');
    expect(bad).not.toContain('Enter plans');
    const good = render({ ...initialTargetForm(), slot: '289624982', bankHash: '5rCMtQsbjyT5Zd4x4Mt2KdSdnKfmT7gRCGWkRX63hCXf', shredVersion: '62405', focus: 'shredVersion' });
    expect(good).toContain('› shred version  62405▏');
    expect(good).toContain('✔ Enter plans a snapshot at slot 289624982');
  });

  it('offers the latest optimistic slots when ledger-tool gives them, and nothing otherwise', () => {
    const list = [
      { slot: 289624982n, bankHash: '5rCMtQsbjyT5Zd4x4Mt2KdSdnKfmT7gRCGWkRX63hCXf', timestamp: '2024-03-07T12:00:00+00:00', voteOnly: false },
      { slot: 289624981n, bankHash: null, timestamp: null, voteOnly: true },
    ];
    const s = render({ ...initialTargetForm(), focus: 'list', pick: 1 }, { state: 'done', value: list });
    expect(s).toContain('Latest optimistic slots');
    expect(s).toMatch(/› 289624981 {2}hash unknown {2}vote only/);
    expect(render(initialTargetForm(), { state: 'loading' })).toContain('… asking ledger-tool');
    expect(render()).not.toContain('optimistic');
  });
});

describe('PlanScreen', () => {
  it('shows the verdict, base, blocks, moves with reasons and findings with remedies', () => {
    const s = frame(<PlanScreen target={289624982n} plan={{ state: 'done', value: planFor(289624982n) }} offset={0} width={W} height={60} />);
    expect(s).toMatchInlineSnapshot(`
      "✔ Reachable once 3 items are moved aside: replay from full 289600000 +
        incremental 289624900 to 289624982.

        base  full         289600000  83 GiB   snapshot-289600000-558T6aXDh12TteyrdAx…
        base  incremental  289624900  1.2 GiB  incremental-snapshot-289600000-2896249…
        blocks needed 289624901–289624982, in the blockstore 289624000–289625410
        ✔ every block in (S, X] is there
        289600000 F──────────────────────────────────────────────────═IX^^ 289625410
                  F full base  I incremental base  X target  ^ moved aside  ═ blocks

      Move aside  3 items into /srv/ledger/snapplan-quarantine/snapplan-20261121T1200…
        full        289625000  snapshot-289625000-5zwib9Moe3jXQXLpjWzjYMwPsmoKfXex5rM…
          newer than the target: ledger-tool would load it and start after slot
          289624982
        incremental 289625100  incremental-snapshot-289625000-289625100-GsLtLroMJ8G1L…
          incremental on a full snapshot at 289625000, after the target
        bank        289625100  snapshots/289625100
          bank snapshot at or after the target: the restarted validator would boot
          from it instead of the new snapshot

      Findings
        ⚠ newer-snapshots  2 snapshot archives are newer than 289624982 (highest:
          289625100); agave-ledger-tool always loads the newest, so it would start
          after 289624982 and fail (cause 3 in the Agave snapshot guide).
          → Move them to a backup folder first (the mv commands below); they can be
            put back after the restart.
        ⚠ bank-snapshot-at-or-after-target  1 bank snapshot folder at or after
          289624982 (in /srv/ledger/snapshots); a validator started with the default
          --use-snapshot-archives-at-startup when-newest would boot from it instead of
          the new snapshot.
          → Move them aside (below), and start the restarted validator once with
            --use-snapshot-archives-at-startup always.

      Then  (a applies it all, journaled; snapplan plan prints the 4 mkdir/mv lines)
        agave-ledger-tool --ledger /srv/ledger --snapshots /srv/ledger
        --incremental-snapshot-archive-path /srv/ledger create-snapshot 289624982
        /srv/ledger --hard-fork 289624982"
    `);
  });

  it('shows an unreachable target and its cause', () => {
    const s = frame(<PlanScreen target={289500000n} plan={{ state: 'done', value: planFor(289500000n) }} offset={0} width={W} height={40} />);
    expect(s).toContain('✘ Not reachable');
    expect(s).toContain('no base snapshot below 289500000');
    expect(s).toContain('✘ no-base-snapshot');
  });

  it('shows planning and a failed plan', () => {
    expect(frame(<PlanScreen target={1n} plan={{ state: 'loading' }} offset={0} width={W} height={H} />)).toContain('… planning a snapshot at slot 1');
    expect(frame(<PlanScreen target={1n} plan={{ state: 'failed', error: { message: 'agave-ledger-tool bounds timed out.', outputTail: 'opening blockstore', hint: 'Raise --ledger-tool-timeout.' } }} offset={0} width={W} height={H} />)).toMatchInlineSnapshot(`
      "✘ No plan for slot 1
        agave-ledger-tool bounds timed out.
        | opening blockstore
        → Raise --ledger-tool-timeout."
    `);
  });
});

describe('ConfirmScreen', () => {
  it('says what moves where and which command runs, before anything changes', () => {
    const plan = planFor(289624982n).plan;
    expect(frame(<ConfirmScreen plan={plan} command={command} request={{ target: 289624982n, expectedShredVersion: 62405 }} offset={0} width={W} height={H} />)).toMatchInlineSnapshot(`
      "Create a snapshot at slot 289624982?
      Preflight passed. Nothing has changed yet.

      1. Move 3 items aside (journaled; undo puts them back) into
         /srv/ledger/snapplan-quarantine/snapplan-20261121T120000Z-slot-289624982
         full        snapshot-289625000-5zwib9Moe3jXQXLpjWzjYMwPsmoKfXex5rMs3J3uJwBE.…
         incremental incremental-snapshot-289625000-289625100-GsLtLroMJ8G1LK8yDsrPFo9…
         bank        snapshots/289625100
      2. Keep safety copies of the base archive(s) in the quarantine.
      3. Run:
         /usr/local/bin/agave-ledger-tool --ledger /srv/ledger --snapshots
         /srv/ledger --incremental-snapshot-archive-path /srv/ledger create-snapshot
         289624982 /srv/ledger --hard-fork 289624982
      4. Check the new archive against shred version 62405."
    `);
  });
});

describe('ApplyScreen', () => {
  const plan = planFor(289624982n).plan;
  const fold = (events: Parameters<typeof applyRunReducer>[1][]) => events.reduce<ApplyRunState>(applyRunReducer, initialApplyRun);
  const item = (index: number) => plan.quarantine[index]!;
  const progress = (index: number, phase: 'move' | 'copy' | 'done', bytesDone: number) => ({
    type: 'event' as const,
    now: 1000,
    event: { type: 'move' as const, progress: { phase, index, total: 3, item: { source: item(index).path, root: item(index).root, relativePath: item(index).relativePath, label: `${item(index).kind} ${item(index).slot}` }, bytesDone, bytesTotal: 300 } },
  });

  it('shows the steps before the confirm', () => {
    const s = frame(<ApplyScreen run={fold([{ type: 'event', now: 0, event: { type: 'planned', plan } }])} now={0} width={W} height={H} />);
    expect(s).toContain('✔ plan        base 289624900 → 289624982, 3 items to move aside');
    expect(s).toContain('› preflight');
    expect(s).toContain('· ledger-tool create-snapshot');
  });

  it('shows each move, the progress bar, then ledger-tool with its phase, elapsed time and log tail', () => {
    const run = fold([
      { type: 'event', now: 0, event: { type: 'planned', plan } },
      { type: 'event', now: 0, event: { type: 'preflight-passed', snapshotBytes: 90 * 2 ** 30, copyBytes: 0 } },
      { type: 'confirm', plan, command },
      { type: 'confirmed' },
      { type: 'event', now: 0, event: { type: 'quarantine-created', dir: plan.quarantineDir, items: 3 } },
      progress(0, 'move', 100),
      progress(1, 'copy', 100),
    ]);
    const moving = frame(<ApplyScreen run={run} now={0} width={W} height={H} />);
    expect(moving).toContain('› quarantine  1/3 moved  [█████░░░░░░░░░░░]  33% 100 B / 300 B');
    expect(moving).toMatch(/✔ full 289625000 +rename/);
    expect(moving).toMatch(/› incremental 289625100 +copy/);
    expect(moving).toMatch(/· bank 289625100/);

    const running = fold([
      ...[run].map(() => ({ type: 'reset' as const })),
      { type: 'event', now: 0, event: { type: 'planned', plan } },
      { type: 'event', now: 0, event: { type: 'preflight-passed', snapshotBytes: 90 * 2 ** 30, copyBytes: 0 } },
      { type: 'confirmed' },
      { type: 'event', now: 0, event: { type: 'quarantine-created', dir: plan.quarantineDir, items: 3 } },
      progress(0, 'move', 100),
      progress(1, 'move', 200),
      progress(2, 'move', 300),
      { type: 'event', now: 0, event: { type: 'kept', copies: [] } },
      { type: 'event', now: 10_000, event: { type: 'ledger-tool-started', command, logFile: `${plan.quarantineDir}/ledger-tool.log` } },
      { type: 'event', now: 11_000, event: { type: 'ledger-tool-phase', phase: 'replaying', elapsedMs: 1000 } },
      ...Array.from({ length: 30 }, (_, i) => ({ type: 'event' as const, now: 12_000, event: { type: 'ledger-tool-line' as const, stream: 'stderr' as const, line: `[log] replayed slot ${289624901 + i}` } })),
    ]);
    expect(frame(<ApplyScreen run={running} now={10_000 + 75_000} width={W} height={H} />)).toMatchInlineSnapshot(`
      "✔ plan        base 289624900 → 289624982, 3 items to move aside
      ✔ preflight   no validator on the ledger, folders writable, room for ~90 GiB
      ✔ confirmed
      ✔ quarantine  3/3 moved  [████████████████] 100% 300 B / 300 B
                    /srv/ledger/snapplan-…e/snapplan-20261121T120000Z-slot-289624982
          ✔ full 289625000           rename  snapshot-2896…oKfXex5rMs3J3uJwBE.tar.zst
          ✔ incremental 289625100    rename  incremental-s…HmB4B5xG9zWgrVQmFU.tar.zst
          ✔ bank 289625100           rename  289625100
      ✔ safety copies of the base: 0
      › ledger-tool replaying blocks to the target  1:15
                    $ agave-ledger-tool --ledger /srv/ledger --snapshots /srv/ledger …
                    log /srv/ledger/snappla…1T120000Z-slot-289624982/ledger-tool.log
        ─ log ─
        [log] replayed slot 289624923
        [log] replayed slot 289624924
        [log] replayed slot 289624925
        [log] replayed slot 289624926
        [log] replayed slot 289624927
        [log] replayed slot 289624928
        [log] replayed slot 289624929
        [log] replayed slot 289624930"
    `);
  });
});

describe('ResultScreen', () => {
  it('gives slot, bank hash, shred version and the restart flags ready to copy', () => {
    expect(frame(<ResultScreen outcome={outcome()} refusal={null} offset={0} width={W} height={30} />)).toMatchInlineSnapshot(`
      "✔ Snapshot created at slot 289624982
        slot           289624982
        bank hash      5YXAYmVpirWH76TtsbmYeBcHVMnNtYNg1RdLnYGBV36b
                       ✔ matches the announcement
        shred version  62405
        archive        /srv/ledger/snapshot-289624982-2Ab75zjEoJ1tbcojFwHQZ6TbnjUSmJnq
                       hLjsWPfcjkjg.tar.zst

      Restart flags  add to agave-validator (ready to copy)
        --wait-for-supermajority 289624982 \\
        --expected-bank-hash 5YXAYmVpirWH76TtsbmYeBcHVMnNtYNg1RdLnYGBV36b \\
        --expected-shred-version 62405 \\
        --hard-fork 289624982 \\
        --no-snapshot-fetch

      No bank snapshot at or after 289624982 remains: the validator boots from the
      new archive. --use-snapshot-archives-at-startup always makes sure of it.

      Moved items:
      /srv/ledger/snapplan-quarantine/snapplan-20261121T120000Z-slot-289624982
      They stay there until the validator has restarted from the new snapshot. u lists
      the quarantines; undo there gives up this restart and moves the new snapshot
      aside too.
      ledger-tool log:
      /srv/ledger/snapplan-quarantine/snapplan-20261121T120000Z-slot-289624982/ledger-
      tool.log"
    `);
  });

  it('shows a failure after the moves with the tool\'s last lines and the way back', () => {
    const failed = outcome({ created: null, restartFlags: [], advice: [], error: { message: 'agave-ledger-tool create-snapshot exited with code 1.', hint: 'Pass --enable-capitalization-change if the announcement says so.', outputTail: 'Capitalization change: 5 lamports' } });
    const s = frame(<ResultScreen outcome={failed} refusal={null} offset={0} width={W} height={30} />);
    expect(s).toContain('✘ agave-ledger-tool create-snapshot exited with code 1.');
    expect(s).toContain('| Capitalization change: 5 lamports');
    expect(s).toContain('u lists the quarantines; undo puts the items back.');
    expect(s).not.toContain('Restart flags');
  });

  it('shows a mismatch with the announcement and a refusal before any change', () => {
    const mismatch = outcome({ checks: { bankHash: 'mismatch', shredVersion: 'match' }, error: { message: 'The snapshot was created, but its bank hash differs: do not restart with it.', hint: 'Check the slot.', outputTail: undefined } });
    const s = frame(<ResultScreen outcome={mismatch} refusal={null} offset={0} width={W} height={30} />);
    expect(s).toContain('⚠ Snapshot created at slot 289624982');
    expect(s).toContain('✘ differs from the announcement');
    expect(s).not.toContain('Restart flags');
    const refused = frame(<ResultScreen outcome={null} refusal={{ message: 'agave-validator (pid 77) is running on this ledger.', hint: 'Stop it first.' }} offset={0} width={W} height={H} />);
    expect(refused).toContain('✘ agave-validator (pid 77) is running on this ledger.');
    expect(refused).toContain('Nothing was changed.');
  });
});

describe('QuarantineScreen', () => {
  const base = { backupDir: `${L}/snapplan-quarantine`, selected: 0, confirming: false, undo: { state: 'idle' } as const, progress: null, offset: 0, width: W, height: H };
  const older = quarantineSummary({ dir: `${L}/snapplan-quarantine/snapplan-20261101T080000Z-slot-289000000`, state: 'undone', targetSlot: 289000000n, items: { total: 2, quarantined: 0, unfinished: 0, undone: 2, notMoved: 0, conflicts: 0, createdAside: 0 }, bytes: { quarantined: 0, kept: 0 } });

  it('lists the quarantines newest first with their state', () => {
    expect(frame(<QuarantineScreen {...base} list={{ state: 'done', value: { quarantines: [quarantineSummary(), older], problems: [] } }} />)).toMatchInlineSnapshot(`
      "Quarantines  in /srv/ledger/snapplan-quarantine
      › snapplan-20261121T120000Z-slot-289624982     complete      3/3 held  84 GiB
        snapplan-20261101T080000Z-slot-289000000     undone        0/2 held  0 B

      snapplan-20261121T120000Z-slot-289624982
        created 2026-11-21T12:00:00.000Z for slot 289624982 on /srv/ledger
        3 items: 3 held, 0 put back, 0 never moved

      u / Enter puts its items back"
    `);
  });

  it('asks before putting back, shows progress, and the result', () => {
    const list = { state: 'done' as const, value: { quarantines: [quarantineSummary()], problems: [] } };
    expect(frame(<QuarantineScreen {...base} list={list} confirming={true} />)).toContain('Put 3 items back where they were?  y yes  n no');
    expect(frame(<QuarantineScreen {...base} list={list} undo={{ state: 'loading' }} progress="[2/3] restored: /srv/ledger/x" />)).toContain('› putting the items back… [2/3] restored');
    const done = { state: 'done' as const, value: { quarantine: quarantineSummary({ state: 'undone' }), result: { journalPath: '', items: [], restored: 3, conflicts: [], missing: [], kept: [], repairedTornLine: false, mismatches: [], leftAside: [], damaged: [], unexplained: [] }, recreated: [] } };
    expect(frame(<QuarantineScreen {...base} list={list} undo={done} />)).toContain('✔ put back 3 items');
    expect(frame(<QuarantineScreen {...base} list={list} undo={{ state: 'failed', error: { message: 'Another snapplan holds the lock.' } }} />)).toContain('✘ Another snapplan holds the lock.');
  });

  it('says when there is nothing yet, and an unfinished apply', () => {
    expect(frame(<QuarantineScreen {...base} list={{ state: 'done', value: { quarantines: [], problems: [] } }} />)).toContain('none yet');
    expect(frame(<QuarantineScreen {...base} list={{ state: 'done', value: { quarantines: [quarantineSummary({ state: 'in-progress' })], problems: [] } }} />)).toContain('⚠ its apply is still running (pid 4242 on validator-1)');
    expect(frame(<QuarantineScreen {...base} list={{ state: 'loading' }} />)).toContain('… reading the journals');
  });
});

describe('HelpScreen and Frame', () => {
  it('lists every key', () => {
    const s = frame(<HelpScreen width={W} height={H} />);
    for (const key of ['j k', 'Enter', 'Esc', 'Tab', 'q', '?', 'Ctrl-C']) expect(s).toContain(key);
  });

  it('frames a screen with its title, the ledger, and its keys or a notice', () => {
    const keys = [['a', 'apply'], ['q', 'quit']] as const;
    expect(frame(<Frame title="plan" ledger={L} width={W} height={4} keys={keys}><Text>body</Text></Frame>)).toMatchInlineSnapshot(`
      "snapplan · plan   /srv/ledger
      body

      a apply  q quit"
    `);
    expect(frame(<Frame title="plan" ledger={L} width={W} height={4} keys={keys} notice="Still planning…"><Text>body</Text></Frame>)).toContain('Still planning…');
  });
});
