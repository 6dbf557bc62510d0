import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashFor } from '../support/ledger-tree.js';
import { runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { expectFetchSchema } from './fetch-schema.js';
import { makeArchive, startSnapshotServer } from './snapshot-server.js';

const X = 1200;
const full = (slot: number, seed = '') => `snapshot-${slot}-${hashFor(`full-${slot}${seed}`)}.tar.zst`;
const inc = (base: number, slot: number, seed = '') => `incremental-snapshot-${base}-${slot}-${hashFor(`inc-${base}-${slot}${seed}`)}.tar.zst`;
const QUICK = ['--probe-timeout', '1', '--speed-test-seconds', '0.5'];

async function ledger(): Promise<{ root: string; L: string }> {
  const root = await tempDir();
  const L = path.join(root, 'ledger');
  await mkdir(L);
  return { root, L };
}

describe('snapplan fetch: candidates, choice and the reason for each rejection', () => {
  it('--dry-run ranks the fitting sources by reach and speed and says why each other one does not fit', async () => {
    const { root, L } = await ledger();
    const F = await makeArchive(root, full(1000), { fileBytes: 96 * 1024 });
    const I = await makeArchive(root, inc(1000, 1100));
    const fast = await startSnapshotServer({ full: { name: full(1000), bytes: F }, incremental: { name: inc(1000, 1100), bytes: I } });
    const slow = await startSnapshotServer({ full: { name: full(1000), bytes: F }, incremental: { name: inc(1000, 1100), bytes: I }, throttle: 64 * 1024 });
    const above = await startSnapshotServer({ full: { name: full(1300), bytes: F } });
    const badName = await startSnapshotServer({ full: { name: full(1000), bytes: F }, fullRedirect: 'snapshot-1000-notahash.tar.zst' });
    const silent = await startSnapshotServer({ behaviour: 'silent' });
    const fullOnly = await startSnapshotServer({ full: { name: full(900), bytes: F } });
    const servers = [slow, above, badName, silent, fullOnly, fast];
    const run = await runMain(['fetch', '--ledger', L, '--slot', String(X), ...servers.flatMap((s) => ['--rpc', s.url]), '--dry-run', '--json', ...QUICK], { cwd: root });
    expect(run.stderr).not.toContain('unexpected');
    expect(run.exitCode).toBe(0);
    const doc = JSON.parse(run.stdout);
    expectFetchSchema(doc);
    const bySource = new Map(doc.candidates.map((c: { source: string }) => [c.source, c]));
    const get = (s: { url: string }) => bySource.get(s.url) as { fits: boolean; rank: number | null; reach: number | null; rejections: string[]; speedBytesPerSecond: number | null };
    expect(get(fast)).toMatchObject({ fits: true, rank: 1, reach: 1100 });
    expect(get(slow)).toMatchObject({ fits: true, rank: 2, reach: 1100 });
    expect(get(fast).speedBytesPerSecond as number).toBeGreaterThan(get(slow).speedBytesPerSecond as number);
    expect(get(fullOnly)).toMatchObject({ fits: true, rank: 3, reach: 900 });
    expect(get(above)).toMatchObject({ fits: false, rank: null });
    expect(get(above).rejections).toEqual([expect.stringContaining('its full archive is at 1300, not below 1200')]);
    expect(get(badName).rejections.join(' ')).toContain('redirects to "snapshot-1000-notahash.tar.zst", which is not an archive name Agave accepts');
    expect(get(silent).rejections).toEqual(['no answer within 1 s to: getVersion, getIdentity, getHighestSnapshotSlot, HEAD /snapshot.tar.bz2, HEAD /incremental-snapshot.tar.bz2']);
    expect(doc.choice).toEqual({ source: fast.url, full: full(1000), fullOnDisk: null, incremental: inc(1000, 1100), reach: 1100 });
    expect(doc.downloads).toEqual([]);
    // A dry run downloads nothing: the only archive GETs are the speed tests.
    expect(fast.requests.filter((r) => r.method === 'GET').length).toBeLessThanOrEqual(2);
  });

  it('explains per source when nothing fits, and exits 3', async () => {
    const { root, L } = await ledger();
    const F = await makeArchive(root, full(1300));
    const above = await startSnapshotServer({ full: { name: full(1300), bytes: F }, version: '2.0.1' });
    const run = await runMain(['fetch', '--ledger', L, '--slot', String(X), '--rpc', above.url, '--node-version', '>=2.1', '--dry-run', ...QUICK], { cwd: root });
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toContain(`✘     ${above.url}`);
    expect(run.stdout).toContain('- its version 2.0.1 does not satisfy --node-version >=2.1');
    expect(run.stdout).toContain('- its full archive is at 1300, not below 1200');
    expect(run.stdout).toContain('No source fits a base below slot 1200');
  });

  it('--discover adds the RPC addresses getClusterNodes lists; --known-validator keeps only the named identities', async () => {
    const { root, L } = await ledger();
    const F = await makeArchive(root, full(1000));
    const a = await startSnapshotServer({ full: { name: full(1000), bytes: F } });
    const b = await startSnapshotServer({ full: { name: full(1000), bytes: F } });
    const entry = await startSnapshotServer({
      full: { name: full(1300), bytes: F },
      clusterNodes: [
        { pubkey: 'A' + a.identity.slice(1), rpc: `127.0.0.1:${a.port}` },
        { pubkey: b.identity, rpc: `127.0.0.1:${b.port}` },
        { pubkey: hashFor('no-rpc'), rpc: null },
      ],
    });
    const run = await runMain(['fetch', '--ledger', L, '--slot', String(X), '--rpc', entry.url, '--discover', '--known-validator', b.identity, '--dry-run', '--json', ...QUICK], { cwd: root });
    expect(run.exitCode, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expectFetchSchema(doc);
    // Discovered nodes carry the identity gossip gives them (a's is not its getIdentity answer).
    expect(doc.candidates.map((c: { source: string; identity: string; fits: boolean }) => [c.source, c.identity, c.fits])).toEqual([
      [entry.url, entry.identity, false],
      [a.url, 'A' + a.identity.slice(1), false],
      [b.url, b.identity, true],
    ]);
    expect(doc.candidates[1].rejections).toEqual([`its identity A${a.identity.slice(1)} is not a --known-validator`]);
    expect(doc.choice.source).toBe(b.url);
  });

  it('--min-speed rejects a source whose speed test is below it, and --max-latency one that answers too slowly', async () => {
    const { root, L } = await ledger();
    const F = await makeArchive(root, full(1000), { files: 4, fileBytes: 128 * 1024 });
    const slow = await startSnapshotServer({ full: { name: full(1000), bytes: F }, throttle: 32 * 1024 });
    const run = await runMain(['fetch', '--ledger', L, '--slot', String(X), '--rpc', slow.url, '--min-speed', '5', '--dry-run', '--json', ...QUICK], { cwd: root });
    expect(run.exitCode).toBe(3);
    const [c] = JSON.parse(run.stdout).candidates;
    expect(c.rejections).toEqual([expect.stringMatching(/^measured 0\.[0-9] MB\/s, below --min-speed 5\.0 MB\/s$/)]);
    expect(c.speedBytesPerSecond).toBeLessThan(5e6);

    const far = await startSnapshotServer({ full: { name: full(1000), bytes: F }, rpcDelayMs: 300 });
    const farRun = await runMain(['fetch', '--ledger', L, '--slot', String(X), '--rpc', far.url, '--max-latency', '100', '--dry-run', '--json', ...QUICK], { cwd: root });
    expect(farRun.exitCode).toBe(3);
    expect(JSON.parse(farRun.stdout).candidates[0].rejections).toEqual([expect.stringMatching(/^latency [0-9]+ ms is above --max-latency 100$/)]);
  });

  it('refuses bad flags with one sentence naming the value, and a hint', async () => {
    const { root, L } = await ledger();
    const cases: Array<[string[], RegExp]> = [
      [['--rpc', 'http://h:1'], /fetch needs a target\.\nPass --slot X/],
      [['--slot', '5', '--restart-slot', '6', '--rpc', 'http://h:1'], /fetch takes one target, not --slot and --restart-slot\./],
      [['--slot', '5', '--rpc', 'ftp://u:pw@h/'], /--rpc ftp:\/\/h is not an http or https URL\./],
      [['--slot', '5', '--rpc', 'nonsense'], /--rpc "nonsense" is not a URL\./],
      [['--slot', '5', '--rpc', 'http://h:1', '--known-validator', 'abc'], /--known-validator "abc" is not a validator identity/],
      [['--slot', '5', '--rpc', 'http://h:1', '--node-version', 'banana'], /--node-version "banana" is not a semver range/],
      [['--slot', '5', '--rpc', 'http://h:1', '--min-speed', '0'], /--min-speed 0 is not a positive number of MB\/s/],
      [['--slot', '-5', '--rpc', 'http://h:1'], /--slot "-5" is not a valid slot/],
    ];
    for (const [args, message] of cases) {
      const run = await runMain(['fetch', '--ledger', L, ...args], { cwd: root });
      expect(run.exitCode, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/pw@|\bat \//);
    }
  });
});
