import { describe, expect, it } from 'vitest';
import { parseArchiveName } from '../../src/agave/archive-name.js';
import type { SnapshotArchive } from '../../src/agave/inventory.js';
import type { BlacklistEntry } from '../../src/agave/fetch/blacklist.js';
import type { FetchTarget } from '../../src/agave/fetch/fetch-target.js';
import { judgeSources, localReach, rankCandidates, withSpeed, type SelectionFilters } from '../../src/agave/fetch/select-candidates.js';
import type { RemoteArchive, SourceInfo } from '../../src/agave/fetch/source-probe.js';
import { hashFor } from '../support/ledger-tree.js';

const full = (slot: number, seed = '') => `snapshot-${slot}-${hashFor(`full-${slot}${seed}`)}.tar.zst`;
const inc = (base: number, slot: number) => `incremental-snapshot-${base}-${slot}-${hashFor(`inc-${base}-${slot}`)}.tar.zst`;

function remote(name: string): RemoteArchive {
  const v = parseArchiveName(name);
  if (!v.ok) throw new Error(name);
  return { name, archive: v.archive, url: `http://h/${name}`, size: 100, ranges: false };
}

function source(port: number, names: { full?: string; incremental?: string } = {}, extra: Partial<SourceInfo> = {}): SourceInfo {
  return {
    url: `http://127.0.0.1:${port}/`,
    display: `http://127.0.0.1:${port}`,
    identity: hashFor(`id-${port}`),
    version: '2.1.13',
    latencyMs: 10,
    highest: null,
    full: names.full ? remote(names.full) : null,
    incremental: names.incremental ? remote(names.incremental) : null,
    problems: [],
    ...extra,
  };
}

function localArchive(name: string): SnapshotArchive {
  const v = parseArchiveName(name);
  if (!v.ok) throw new Error(name);
  return { ...v.archive, path: `/l/${name}`, root: '/l', remote: false, size: 1 };
}

const NONE: SelectionFilters = { knownValidators: null, nodeVersion: null, fullOnly: false, maxLatencyMs: null };
const base = (slot: bigint): FetchTarget => ({ kind: 'base', slot, source: '--slot' });
const restart = (slot: bigint): FetchTarget => ({ kind: 'restart', slot, source: '--restart-slot' });

describe('judgeSources', () => {
  const cases: Array<{ name: string; source: SourceInfo; target: FetchTarget; filters?: Partial<SelectionFilters>; blacklist?: BlacklistEntry[]; local?: string[]; reach: bigint | null; rejections: RegExp[]; incremental?: boolean }> = [
    { name: 'full + incremental below X', source: source(1, { full: full(100), incremental: inc(100, 150) }), target: base(200n), reach: 150n, rejections: [], incremental: true },
    { name: 'incremental at or above X: the full alone', source: source(1, { full: full(100), incremental: inc(100, 200) }), target: base(200n), reach: 100n, rejections: [], incremental: false },
    { name: 'full at X is not a base (S < X)', source: source(1, { full: full(200) }), target: base(200n), reach: null, rejections: [/its full archive is at 200, not below 200/] },
    { name: '--full-only ignores incrementals', source: source(1, { full: full(100), incremental: inc(100, 150) }), target: base(200n), filters: { fullOnly: true }, reach: 100n, rejections: [], incremental: false },
    { name: 'restart: incremental at R', source: source(1, { full: full(100), incremental: inc(100, 201) }), target: restart(201n), reach: 201n, rejections: [], incremental: true },
    { name: 'restart: full at R, its incremental dropped', source: source(1, { full: full(201) }), target: restart(201n), reach: 201n, rejections: [] },
    { name: 'restart: nothing at R', source: source(1, { full: full(100), incremental: inc(100, 150) }), target: restart(201n), reach: null, rejections: [/none at the restart slot 201/] },
    { name: 'unknown validator', source: source(1, { full: full(100) }), target: base(200n), filters: { knownValidators: new Set([hashFor('other')]) }, reach: 100n, rejections: [/is not a --known-validator/] },
    { name: 'known validator', source: source(1, { full: full(100) }), target: base(200n), filters: { knownValidators: new Set([hashFor('id-1')]) }, reach: 100n, rejections: [] },
    { name: 'version outside the range', source: source(1, { full: full(100) }, { version: '2.0.5' }), target: base(200n), filters: { nodeVersion: '>=2.1' }, reach: 100n, rejections: [/version 2.0.5 does not satisfy --node-version >=2.1/] },
    { name: 'pre-release version inside the range', source: source(1, { full: full(100) }, { version: '4.1.0-rc.1' }), target: base(200n), filters: { nodeVersion: '>=4.0' }, reach: 100n, rejections: [] },
    { name: 'latency above the limit', source: source(1, { full: full(100) }, { latencyMs: 300 }), target: base(200n), filters: { maxLatencyMs: 100 }, reach: 100n, rejections: [/latency 300 ms is above --max-latency 100/] },
    { name: 'blacklisted source', source: source(1, { full: full(100) }), target: base(200n), blacklist: [{ source: 'http://127.0.0.1:1', identity: null, archive: 'x', reason: 'zstd cannot decode it', at: 't' }], reach: 100n, rejections: [/on the blacklist since t: zstd cannot decode it/] },
    { name: 'blacklisted identity on another address', source: source(1, { full: full(100) }), target: base(200n), blacklist: [{ source: 'http://10.0.0.1:8899', identity: hashFor('id-1'), archive: 'x', reason: 'bad', at: 't' }], reach: 100n, rejections: [/on the blacklist/] },
    { name: 'no full archive: the probe problems are the reasons', source: source(1, {}, { problems: ['no answer within 1 s to: getVersion'] }), target: base(200n), reach: null, rejections: [/^no answer within 1 s/] },
    { name: 'a local full at the same slot with another hash', source: source(1, { full: full(100), incremental: inc(100, 150) }), target: base(200n), local: [full(100, 'other')], reach: 150n, rejections: [/local full archive at slot 100 has another hash/] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const [candidate] = judgeSources([c.source], c.target, { ...NONE, ...c.filters }, c.blacklist ?? [], (c.local ?? []).map(localArchive));
      expect(candidate?.reach).toBe(c.reach);
      expect(candidate?.rejections).toHaveLength(c.rejections.length);
      c.rejections.forEach((r, i) => expect(candidate?.rejections[i]).toMatch(r));
      if (c.incremental !== undefined) expect(candidate?.incremental !== null).toBe(c.incremental);
    });
  }

  it('a local full with the same slot and hash is used instead of downloaded', () => {
    const [candidate] = judgeSources([source(1, { full: full(100), incremental: inc(100, 150) })], base(200n), NONE, [], [localArchive(full(100))]);
    expect(candidate?.fullLocal?.path).toBe(`/l/${full(100)}`);
    expect(candidate?.rejections).toEqual([]);
  });
});

describe('rankCandidates', () => {
  it('orders by reach, then a full already on disk, then speed, then latency; drops the rejected', () => {
    const sources = [
      source(1, { full: full(100) }),
      source(2, { full: full(100), incremental: inc(100, 150) }, { latencyMs: 50 }),
      source(3, { full: full(100), incremental: inc(100, 150) }, { latencyMs: 5 }),
      source(4, { full: full(300) }),
    ];
    const judged = judgeSources(sources, base(200n), NONE, [], []);
    expect(rankCandidates(judged).map((c) => c.source.display.slice(-1))).toEqual(['3', '2', '1']);
    const measured = judged.map((c, i) => withSpeed(c, [5e6, 1e6, 2e6, 9e6][i] as number, null));
    expect(rankCandidates(measured).map((c) => c.source.display.slice(-1))).toEqual(['3', '2', '1']);
    const faster = judged.map((c, i) => withSpeed(c, [5e6, 3e6, 2e6, 9e6][i] as number, null));
    expect(rankCandidates(faster).map((c) => c.source.display.slice(-1))).toEqual(['2', '3', '1']);
  });

  it('--min-speed rejects a measured source below it, with both figures', () => {
    const [c] = judgeSources([source(1, { full: full(100) })], base(200n), NONE, [], []);
    const slow = withSpeed(c as never, 2.5e6, 10e6);
    expect(slow.rejections).toEqual(['measured 2.5 MB/s, below --min-speed 10.0 MB/s']);
    expect(rankCandidates([slow])).toEqual([]);
  });
});

describe('localReach', () => {
  it('base: Agave\'s base rule below X; restart: an archive at exactly R with its full', () => {
    const local = [full(100), inc(100, 150), inc(100, 250), full(201)].map(localArchive);
    expect(localReach(local, base(200n))?.reach).toBe(150n);
    expect(localReach(local, restart(201n))?.full.slot).toBe(201n);
    expect(localReach(local, restart(250n))).toMatchObject({ reach: 250n, full: { slot: 100n }, incremental: { slot: 250n } });
    expect(localReach(local.filter((a) => a.kind === 'incremental'), restart(250n))).toBeNull();
  });
});
