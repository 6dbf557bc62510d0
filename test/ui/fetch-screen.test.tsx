import { describe, expect, it } from 'vitest';
import type { FetchEvent, FetchOutcome } from '../../src/agave/fetch/fetch-service.js';
import { judgeSources, rankCandidates } from '../../src/agave/fetch/select-candidates.js';
import type { SourceInfo } from '../../src/agave/fetch/source-probe.js';
import { parseArchiveName } from '../../src/agave/archive-name.js';
import type { FetchServices } from '../../src/ui/fetch-services.js';
import type { TuiServices } from '../../src/ui/tui-services.js';
import { fullName, hashFor } from '../support/ledger-tree.js';
import { L, overview, planFor, quarantineSummary } from './fixtures.js';
import { KEY, renderApp } from './helpers.js';

const X = 289500000n;

function source(port: number, fullSlot: number): SourceInfo {
  const name = fullName(fullSlot);
  const parsed = parseArchiveName(name);
  if (!parsed.ok) throw new Error(name);
  return {
    url: `http://10.0.0.${port}:8899/`, display: `http://10.0.0.${port}:8899`, identity: hashFor(`id-${port}`), version: '2.1.13', latencyMs: 12, highest: null,
    full: { name, archive: parsed.archive, url: `http://10.0.0.${port}:8899/${name}`, size: 80 * 2 ** 30, ranges: false },
    incremental: null, problems: [],
  };
}

/** A dry-run outcome built by the real selection rules: one source fits, one is above X. */
function listed(): FetchOutcome {
  const candidates = judgeSources([source(1, 289400000), source(2, 289600000)], { kind: 'base', slot: X, source: 'the app' }, { knownValidators: null, nodeVersion: null, fullOnly: false, maxLatencyMs: null }, [], []);
  return {
    target: { kind: 'base', slot: X, source: 'the app' },
    folders: { ledger: L, snapshots: L, fullArchives: L, incrementalArchives: L },
    blacklistFile: `${L}/snapplan-fetch-blacklist.json`,
    candidates, ranked: rankCandidates(candidates), localBefore: null, skipped: null, attempts: [], fetchedFrom: null, discoveryProblem: null, plan: null, startup: null, planError: null,
  };
}

function services(fetch: FetchServices | undefined) {
  const plans: bigint[] = [];
  const s: TuiServices = {
    ledger: L,
    overview: async () => overview,
    optimisticSlots: async () => null,
    plan: async (target) => {
      plans.push(target);
      return planFor(target);
    },
    apply: async () => {
      throw new Error('not in this test');
    },
    quarantines: async () => ({ quarantines: [quarantineSummary()], problems: [] }),
    undo: async () => {
      throw new Error('not in this test');
    },
    fetch,
  };
  return { services: s, plans };
}

describe('the app offers to fetch a snapshot when the plan finds no base', () => {
  it('plan (no-base-snapshot) → f → the candidate table → Enter → progress → in place → the plan again', async () => {
    let emit: ((e: FetchEvent) => void) | null = null;
    let finish: ((o: FetchOutcome) => void) | null = null;
    const fetch: FetchServices = {
      sources: 2,
      candidates: async () => listed(),
      download: (_target, onEvent) => {
        emit = onEvent;
        return new Promise((resolve) => (finish = resolve));
      },
    };
    const { services: s, plans } = services(fetch);
    const app = renderApp(s, { initialTarget: X });
    await app.waitFor('f fetch a snapshot');

    await app.press('f');
    const table = await app.waitFor('← chosen');
    expect(table).toContain('fetch a base below slot 289500000');
    expect(table).toMatch(/✔ http:\/\/10\.0\.0\.1:8899 {2}reaches 289400000 {2}full 289400000 80 GiB {2}← chosen/);
    expect(table).toContain('✘ http://10.0.0.2:8899\n    its full archive is at 289600000, not below 289500000 (a snapshot cannot be…');

    await app.press(KEY.enter);
    await app.waitFor('Ctrl-C stop');
    const live = emit as unknown as (e: FetchEvent) => void;
    live({ type: 'download-start', name: fullName(289400000), source: 'http://10.0.0.1:8899', size: 100, dir: L });
    live({ type: 'progress', name: fullName(289400000), progress: { bytes: 40 * 2 ** 20, total: 100 * 2 ** 20, speed: 50e6, resumedFrom: 0 } });
    const progress = await app.waitFor('40%');
    expect(progress).toContain('40% 40 MiB of 100 MiB, 50.0 MB/s');
    live({ type: 'download-end', attempt: { source: 'http://10.0.0.1:8899', name: fullName(289400000), path: `${L}/${fullName(289400000)}`, kind: 'full', outcome: 'done', message: null, bytes: 100, resumedFrom: 0 } });
    const done = listed();
    (finish as unknown as (o: FetchOutcome) => void)({ ...done, fetchedFrom: done.ranked[0] ?? null });
    await app.waitFor('In place. Enter shows the plan again.');
    expect(app.screen()).toContain(`✔ ${fullName(289400000)}`);

    const before = plans.length;
    await app.press(KEY.enter);
    await app.waitFor('plan for slot 289500000');
    await app.waitFor('f fetch a snapshot');
    expect(plans.length).toBe(before + 1);
    app.unmount();
  });

  it('without --rpc, f says how to enable it', async () => {
    const { services: s } = services(undefined);
    const app = renderApp(s, { initialTarget: X });
    await app.waitFor('f fetch a snapshot');
    await app.press('f');
    await app.waitFor('start the app with --rpc URL');
    app.unmount();
  });

  it('Ctrl-C during the download stops it and leaves with 130', async () => {
    let aborted = false;
    const fetch: FetchServices = {
      sources: 1,
      candidates: async () => listed(),
      download: (_t, _e, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => ((aborted = true), reject(new Error('interrupted'))))),
    };
    const app = renderApp(services(fetch).services, { initialTarget: X });
    await app.waitFor('f fetch a snapshot');
    await app.press('f');
    await app.waitFor('← chosen');
    await app.press(KEY.enter);
    await app.waitFor('Ctrl-C stop');
    await app.press(KEY.ctrlC);
    expect(aborted).toBe(true);
    expect(app.exitCode()).toBe(130);
    app.unmount();
  });
});
