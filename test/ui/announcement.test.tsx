import { describe, expect, it } from 'vitest';
import type { Announcement } from '../../src/agave/announcement/announcement.js';
import { restartReport } from '../../src/agave/announcement/restart-checks.js';
import { decideRestart } from '../../src/agave/announcement/restart-rules.js';
import { PlanScreen } from '../../src/ui/components/PlanScreen.js';
import type { TuiServices } from '../../src/ui/tui-services.js';
import { L, overview, planFor } from './fixtures.js';
import { KEY, plain, renderApp, renderPlain } from './helpers.js';

const HASH = '5rCMtQsbjyT5Zd4x4Mt2KdSdnKfmT7gRCGWkRX63hCXf';
const GATE = '5syhxu91W32HXjswMSToKdj9o123MY7XRULdjfiXx54p';
const FROM = (key: string) => `${key} in ann.yaml`;

/** An announcement for the fixture ledger (blockstore 289624000–289625410): a gate deactivated, hard fork at X+1. */
const ANNOUNCEMENT: Announcement = {
  cluster: 'testnet',
  ledgerToolVersion: '3.1.7',
  snapshotSlot: 289624982n,
  restartSlot: 289624983n,
  hardForks: [289624983n],
  deactivateFeatureGates: [GATE],
  expectedBankHash: HASH,
  expectedShredVersion: 62405,
  validatorHardFork: false,
  sources: {
    cluster: FROM('cluster'), ledgerToolVersion: FROM('ledger-tool-version'), snapshotSlot: FROM('snapshot-slot'), restartSlot: FROM('restart-slot'),
    hardForks: FROM('hard-forks'), deactivateFeatureGates: FROM('deactivate-feature-gates'), expectedBankHash: FROM('expected-bank-hash'),
    expectedShredVersion: FROM('expected-shred-version'), validatorHardFork: FROM('validator-hard-fork'),
  },
};

function services() {
  const calls = { plan: [] as Array<{ target: bigint; announcement: Announcement | undefined }>, load: [] as string[] };
  const s: TuiServices = {
    ledger: L,
    overview: async () => overview,
    optimisticSlots: async () => null,
    plan: async (target, announcement) => {
      calls.plan.push({ target, announcement });
      return planFor(target);
    },
    loadAnnouncement: async (file) => {
      calls.load.push(file);
      if (file !== 'ann.yaml') throw new Error(`--announcement ${file} cannot be read: there is no such file.`);
      return ANNOUNCEMENT;
    },
    apply: () => Promise.reject(new Error('not in this test')),
    quarantines: async () => ({ quarantines: [], problems: [] }),
    undo: () => Promise.reject(new Error('not in this test')),
  };
  return { services: s, calls };
}

describe('the target screen with an announcement', () => {
  it('opens a file from a typed path, fills the values, shows a typed value that differs as a refusal, and plans with it', async () => {
    const { services: s, calls } = services();
    const app = renderApp(s);
    await app.waitFor('Snapshots');
    await app.press('x');
    await app.waitFor('› X (slot)');
    // ↑ from X: hard forks, restart slot, then the announcement path.
    await app.press(KEY.up, KEY.up, KEY.up);
    await app.waitFor('› announcement');
    await app.press('nope.yaml', KEY.enter);
    expect(await app.waitFor('there is no such file')).toContain('--announcement nope.yaml cannot be read');
    for (let i = 0; i < 'nope.yaml'.length; i++) await app.press(KEY.backspace);
    await app.press('ann.yaml', KEY.enter);
    const opened = await app.waitFor('Opened ann.yaml (testnet)');
    expect(opened).toMatch(/testnet · ledger-tool 3\.1\.7 · 1 gate\(s\) deactivated · validator\s+gets no --hard-fork/);
    expect(opened).toContain('restart slot   289624983');
    expect(opened).toContain('hard forks     289624983');
    expect(opened).toContain('› X (slot)       289624982▏');
    expect(opened).toContain(`bank hash      ${HASH}`);
    // Change R by hand: refused as on the command line, naming both values.
    await app.press(KEY.up, KEY.up, KEY.backspace, '4');
    // Wait for the frame with both keys applied: the one after the backspace alone differs too.
    const refused = await app.waitFor('--restart-slot 289624984 differs from');
    expect(refused).toMatch(/✘ --restart-slot 289624984 differs from restart-slot in ann\.yaml\s+\(289624983\)\./);
    await app.press(KEY.enter);
    // The notice line at the bottom repeats the refusal; nothing was planned.
    await app.waitFor(/\n--restart-slot 289624984 differs from restart-slot in ann\.yaml \(289624983\)\.$/);
    expect(calls.plan).toEqual([]);
    // Back to the announced value: Enter plans with the announcement.
    await app.press(KEY.backspace, '3', KEY.enter);
    await app.waitFor('✔ Reachable');
    expect(calls.plan).toHaveLength(1);
    expect(calls.plan[0]?.target).toBe(289624982n);
    expect(calls.plan[0]?.announcement).toMatchObject({ restartSlot: 289624983n, hardForks: [289624983n], deactivateFeatureGates: [GATE], ledgerToolVersion: '3.1.7' });
    app.unmount();
  });

  it('starts filled from --announcement, and --slot alone leaves X free', async () => {
    const { services: s, calls } = services();
    const app = renderApp(s, { initialTarget: 289624982n, initialAnnouncement: ANNOUNCEMENT });
    await app.waitFor('✔ Reachable');
    expect(calls.plan[0]?.announcement?.restartSlot).toBe(289624983n);
    app.unmount();
  });
});

describe('the plan screen shows the checks against the announcement', () => {
  it('lists each check, with a refusal for another ledger-tool release', () => {
    const outcome = planFor(289624982n);
    const decision = decideRestart({ snapshotSlot: 289624982n, announcement: ANNOUNCEMENT, enableCapitalizationChange: false, extraArgs: [] });
    const restart = restartReport({ announcement: ANNOUNCEMENT, decision, toolVersion: '3.1.6', allowLedgerToolVersion: false, incremental: false, extraArgs: [], plan: outcome.plan, betterBase: null });
    const { lastFrame, unmount } = renderPlain(<PlanScreen target={289624982n} plan={{ state: 'done', value: { ...outcome, restart } }} offset={0} width={130} height={60} />);
    const s = plain(lastFrame());
    unmount();
    expect(s).toContain('Checked against the announcement  testnet  hard forks 289624983');
    expect(s).toContain('✔ hard-forks           create-snapshot gets --hard-fork 289624983 (hard-forks in ann.yaml); the validator gets none');
    expect(s).toContain('✔ restart-slot         the snapshot will be at 289624983; restart-slot in ann.yaml is 289624983');
    expect(s).toContain('✘ ledger-tool-version  ledger-tool 3.1.6; announced 3.1.7');
    expect(s).toContain('⚠ known-failures       agave#7287');
    expect(s).toContain('… shred-version        compared with 62405 after create-snapshot');
  });
});
