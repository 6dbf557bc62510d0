import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashFor } from '../support/ledger-tree.js';
import { runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { expectFetchSchema } from './fetch-schema.js';
import { makeArchive, sha256, startSnapshotServer } from './snapshot-server.js';

const full = (slot: number, seed = '') => `snapshot-${slot}-${hashFor(`full-${slot}${seed}`)}.tar.zst`;
const inc = (base: number, slot: number, seed = '') => `incremental-snapshot-${base}-${slot}-${hashFor(`inc-${base}-${slot}${seed}`)}.tar.zst`;
// No speed test: these tests count the archive requests each server sees.
const QUICK = ['--probe-timeout', '2', '--speed-test-count', '0', '--blocks', '900..1300'];

async function layout() {
  const root = await tempDir();
  const L = path.join(root, 'ledger');
  const fullDir = path.join(root, 'full');
  const incDir = path.join(root, 'inc');
  for (const d of [L, fullDir, incDir]) await mkdir(d);
  const folders = ['--ledger', L, '--full-snapshot-archive-path', fullDir, '--incremental-snapshot-archive-path', incDir];
  return { root, L, fullDir, incDir, folders };
}

describe('snapplan fetch: downloads', () => {
  it('downloads the full then the incremental into the validator\'s folders and prints the plan, now reachable', async () => {
    const { root, fullDir, incDir, folders } = await layout();
    const F = await makeArchive(root, full(1000));
    const I = await makeArchive(root, inc(1000, 1100));
    const server = await startSnapshotServer({ full: { name: full(1000), bytes: F }, incremental: { name: inc(1000, 1100), bytes: I } });
    const run = await runMain(['fetch', ...folders, '--slot', '1200', '--rpc', server.url, '--json', ...QUICK], { cwd: root });
    expect(run.exitCode, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expectFetchSchema(doc);
    expect(sha256(await readFile(path.join(fullDir, full(1000))))).toBe(sha256(F));
    expect(sha256(await readFile(path.join(incDir, inc(1000, 1100))))).toBe(sha256(I));
    expect(doc.downloads.map((d: { name: string; outcome: string }) => `${d.outcome} ${d.name}`)).toEqual([`done ${full(1000)}`, `done ${inc(1000, 1100)}`]);
    // Full first, then incremental.
    const gets = server.requests.filter((r) => r.method === 'GET').map((r) => r.path);
    expect(gets).toEqual([`/${full(1000)}`, `/${inc(1000, 1100)}`]);
    expect(doc.plan).toMatchObject({ command: 'plan', targetSlot: 1200, reachable: true, baseSlot: 1100 });
    // Nothing is left behind: no .partial, no owner notes.
    expect((await readdir(fullDir)).sort()).toEqual([full(1000)]);
    expect((await readdir(incDir)).sort()).toEqual([inc(1000, 1100)]);
    expect(run.stderr).toContain(`✔ ${full(1000)}:`);
  });

  it('prints the plan after the fetch as text, with the candidate table first', async () => {
    const { root, folders } = await layout();
    const F = await makeArchive(root, full(1000));
    const server = await startSnapshotServer({ full: { name: full(1000), bytes: F } });
    const run = await runMain(['fetch', ...folders, '--slot', '1200', '--rpc', server.url, ...QUICK], { cwd: root });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`✔  1  ${server.url.replace(/[.]/g, '\\.')}  reaches 1000 \\(full 1000, [0-9.]+ KiB\\)  v2\\.1\\.13  [0-9]+ ms  ← chosen`));
    expect(run.stdout).toContain('Downloads:');
    expect(run.stdout).toMatch(/Reachable/);
  });

  it('skips the download when the local archives reach as far, and never overwrites them', async () => {
    const { root, fullDir, incDir, folders } = await layout();
    const F = await makeArchive(root, full(1000));
    const I = await makeArchive(root, inc(1000, 1100));
    // Real archives (the plan checks their headers), with other bytes than the server's.
    const localFull = await makeArchive(root, `local-${full(1000)}`);
    const localInc = await makeArchive(root, `local-${inc(1000, 1100)}`);
    await writeFile(path.join(fullDir, full(1000)), localFull);
    await writeFile(path.join(incDir, inc(1000, 1100)), localInc);
    const before = await stat(path.join(incDir, inc(1000, 1100)));
    const server = await startSnapshotServer({ full: { name: full(1000), bytes: F }, incremental: { name: inc(1000, 1100), bytes: I } });
    const run = await runMain(['fetch', ...folders, '--slot', '1200', '--rpc', server.url, '--json', ...QUICK], { cwd: root });
    expect(run.exitCode, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expectFetchSchema(doc);
    expect(doc.skipped).toBe('the local archives already reach 1100; the best source reaches 1100');
    expect(doc.downloads).toEqual([]);
    expect(server.requests.filter((r) => r.method === 'GET')).toEqual([]);
    expect(sha256(await readFile(path.join(incDir, inc(1000, 1100))))).toBe(sha256(localInc));
    expect((await stat(path.join(incDir, inc(1000, 1100)))).mtimeMs).toBe(before.mtimeMs);
  });

  it('downloads only the incremental when the same full is already on disk', async () => {
    const { root, fullDir, incDir, folders } = await layout();
    const F = await makeArchive(root, full(1000));
    const I = await makeArchive(root, inc(1000, 1100));
    await writeFile(path.join(fullDir, full(1000)), F);
    const server = await startSnapshotServer({ full: { name: full(1000), bytes: F }, incremental: { name: inc(1000, 1100), bytes: I } });
    const run = await runMain(['fetch', ...folders, '--slot', '1200', '--rpc', server.url, '--json', ...QUICK], { cwd: root });
    expect(run.exitCode, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.choice).toMatchObject({ full: full(1000), fullOnDisk: path.join(fullDir, full(1000)), incremental: inc(1000, 1100) });
    expect(server.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual([`/${inc(1000, 1100)}`]);
    expect(sha256(await readFile(path.join(incDir, inc(1000, 1100))))).toBe(sha256(I));
  });

  it('removes a corrupt download, blacklists its source, takes the next one, and skips the listed source next time', async () => {
    const { root, L, fullDir, folders } = await layout();
    const F = await makeArchive(root, full(1000));
    const good = await startSnapshotServer({ full: { name: full(1000), bytes: F }, version: '2.1.12' });
    // Ranked first (higher reach), but its full archive is cut short while it announces that length.
    const F2 = await makeArchive(root, full(1050, 'b'));
    const truncated = await startSnapshotServer({ full: { name: full(1050, 'b'), bytes: F2 }, truncateTo: Math.floor(F2.length * 0.6) });
    const run = await runMain(['fetch', ...folders, '--slot', '1200', '--rpc', truncated.url, '--rpc', good.url, '--json', ...QUICK], { cwd: root });
    expect(run.exitCode, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expectFetchSchema(doc);
    expect(doc.downloads).toMatchObject([
      { source: truncated.url, name: full(1050, 'b'), outcome: 'corrupt', message: 'it ends before its zstd stream does (Read error (39) : premature end)' },
      { source: good.url, name: full(1000), outcome: 'done' },
    ]);
    expect((await readdir(fullDir)).sort()).toEqual([full(1000)]);
    const blacklist = JSON.parse(await readFile(path.join(L, 'snapplan-fetch-blacklist.json'), 'utf8'));
    expect(blacklist.entries).toEqual([{ source: truncated.url, identity: truncated.identity, archive: full(1050, 'b'), reason: 'it ends before its zstd stream does (Read error (39) : premature end)', at: '2026-11-21T12:00:00.000Z' }]);

    // Next run: the listed source is rejected with the reason, before any download.
    const again = await runMain(['fetch', ...folders, '--slot', '1200', '--rpc', truncated.url, '--dry-run', ...QUICK], { cwd: root });
    expect(again.stdout).toContain('- on the blacklist since 2026-11-21T12:00:00.000Z: it ends before its zstd stream does');
  });

  const dropCases = [
    { name: 'resumes after a dropped connection with an HTTP Range request', ranges: true, statuses: [200, 206], note: '(HTTP Range honoured)' },
    { name: 'starts the file again when the server ignores Range (as Agave\'s RPC does): never appends a whole reply', ranges: false, statuses: [200, 200], note: 'does not honour HTTP Range' },
  ];
  for (const c of dropCases) {
    it(c.name, async () => {
      const { root, fullDir, folders } = await layout();
      const F = await makeArchive(root, full(1000), { files: 8 });
      const server = await startSnapshotServer({ full: { name: full(1000), bytes: F }, ranges: c.ranges, behaviour: 'drop' });
      const run = await runMain(['fetch', ...folders, '--slot', '1200', '--rpc', server.url, '--json', ...QUICK], { cwd: root });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(sha256(await readFile(path.join(fullDir, full(1000))))).toBe(sha256(F));
      const gets = server.requests.filter((r) => r.method === 'GET');
      expect(gets.map((r) => r.status)).toEqual(c.statuses);
      expect(gets[1]?.range).toMatch(/^bytes=[1-9][0-9]*-$/);
      expect(run.stderr).toContain(c.note);
      expect(JSON.parse(run.stdout).downloads[0]).toMatchObject({ outcome: 'done', bytes: F.length });
    });
  }

  it('abandons a source that stalls for a whole speed window and takes the next', async () => {
    const { root, fullDir, folders } = await layout();
    const F = await makeArchive(root, full(1000));
    // Ranked first: it reaches further.
    const staller = await startSnapshotServer({ full: { name: full(1050), bytes: F }, behaviour: 'stall' });
    const good = await startSnapshotServer({ full: { name: full(1000), bytes: F } });
    const run = await runMain(['fetch', ...folders, '--slot', '1200', '--rpc', staller.url, '--rpc', good.url, '--speed-window', '0.3', '--json', ...QUICK], { cwd: root });
    expect(run.exitCode, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.downloads).toMatchObject([
      { source: staller.url, outcome: 'slow' },
      { source: good.url, outcome: 'done' },
    ]);
    expect(sha256(await readFile(path.join(fullDir, full(1000))))).toBe(sha256(F));
  });

  it('fetches the restart snapshot at exactly R and says the validator will load it', async () => {
    const { root, fullDir, incDir, folders } = await layout();
    const F = await makeArchive(root, full(1000));
    const I = await makeArchive(root, inc(1000, 1201));
    const wrong = await startSnapshotServer({ full: { name: full(1000), bytes: F }, incremental: { name: inc(1000, 1150), bytes: I } });
    const right = await startSnapshotServer({ full: { name: full(1000), bytes: F }, incremental: { name: inc(1000, 1201), bytes: I } });
    const run = await runMain(['fetch', ...folders, '--restart-slot', '1201', '--rpc', wrong.url, '--rpc', right.url, '--json', ...QUICK], { cwd: root });
    expect(run.exitCode, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expectFetchSchema(doc);
    expect(doc.candidates[0].rejections).toEqual(['it serves a full archive at 1000 and an incremental at 1150, none at the restart slot 1201']);
    expect(doc.startup).toEqual({ full: path.join(fullDir, full(1000)), incremental: path.join(incDir, inc(1000, 1201)), slot: 1201 });
    expect(doc.plan).toBeNull();
  });

  it('takes the restart slot from --announcement, and refuses a flag that differs from the file', async () => {
    const { root, incDir, folders } = await layout();
    const F = await makeArchive(root, full(1000));
    const I = await makeArchive(root, inc(1000, 1201));
    const server = await startSnapshotServer({ full: { name: full(1000), bytes: F }, incremental: { name: inc(1000, 1201), bytes: I } });
    const announcement = ['cluster: testnet', 'snapshot-slot: 1200', 'restart-slot: 1201', 'hard-forks: [1201]', `expected-bank-hash: ${hashFor('bank')}`, 'expected-shred-version: 27350'];
    await writeFile(path.join(root, 'ann.yaml'), announcement.join('\n') + '\n');
    const run = await runMain(['fetch', ...folders, '--announcement', 'ann.yaml', '--rpc', server.url, ...QUICK], { cwd: root });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('fetch  the restart slot 1201 (restart-slot in ann.yaml)');
    expect(run.stdout).toContain(`✔ The validator will load ${path.join(root, 'full', full(1000))} + ${path.join(incDir, inc(1000, 1201))}: the restart slot 1201.`);
    expect(sha256(await readFile(path.join(incDir, inc(1000, 1201))))).toBe(sha256(I));

    const conflict = await runMain(['fetch', ...folders, '--announcement', 'ann.yaml', '--restart-slot', '1202', '--rpc', server.url, ...QUICK], { cwd: root });
    expect(conflict.exitCode).toBe(2);
    expect(conflict.stderr).toContain('--restart-slot 1202 differs from restart-slot in ann.yaml (1201)');
  });

  it('says when a newer local archive would be loaded instead of the restart snapshot, and exits 3', async () => {
    const { root, fullDir, folders } = await layout();
    const F = await makeArchive(root, full(1201));
    await writeFile(path.join(fullDir, full(1300)), 'a newer full archive');
    const server = await startSnapshotServer({ full: { name: full(1201), bytes: F } });
    const run = await runMain(['fetch', ...folders, '--restart-slot', '1201', '--rpc', server.url, ...QUICK], { cwd: root });
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stdout).toContain(`✘ The validator would load ${path.join(fullDir, full(1300))} at slot 1300, not the restart slot 1201`);
  });

  it('never prints the credentials of an RPC URL', async () => {
    const { root, folders } = await layout();
    const F = await makeArchive(root, full(1300));
    const server = await startSnapshotServer({ full: { name: full(1300), bytes: F } });
    const secretUrl = server.url.replace('http://', 'http://operator:hunter2@') + '/?api-key=s3cr3tKEY';
    for (const json of [[], ['--json']]) {
      const run = await runMain(['fetch', ...folders, '--slot', '1200', '--rpc', secretUrl, '--dry-run', ...json, ...QUICK], { cwd: root });
      expect(run.exitCode).toBe(3);
      expect(run.stdout + run.stderr).not.toMatch(/hunter2|s3cr3tKEY|operator/);
      expect(run.stdout).toContain(`${server.url}?api-key=***`);
    }
    // The user part travels as Basic credentials, to that host only.
    expect(server.requests.find((r) => r.method === 'POST')?.authorization).toBe(`Basic ${Buffer.from('operator:hunter2').toString('base64')}`);
  });

  it('exits 1 when every fitting source fails, and removes the corrupt file', async () => {
    const { root, fullDir, folders } = await layout();
    const F = await makeArchive(root, full(1000));
    const truncated = await startSnapshotServer({ full: { name: full(1000), bytes: F }, truncateTo: Math.floor(F.length / 3) });
    const run = await runMain(['fetch', ...folders, '--slot', '1200', '--rpc', truncated.url, ...QUICK], { cwd: root });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('Every fitting source failed');
    expect(await readdir(fullDir)).toEqual([]);
  });

  it('refuses before downloading anything when the archive does not fit on the file system (exit 2)', async () => {
    const { root, fullDir, folders } = await layout();
    const F = await makeArchive(root, full(1000));
    const server = await startSnapshotServer({ full: { name: full(1000), bytes: F }, headSize: 2 ** 52 });
    const run = await runMain(['fetch', ...folders, '--slot', '1200', '--rpc', server.url, ...QUICK], { cwd: root });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`Not enough free space in ${fullDir} for the download: ${2 ** 52} bytes needed, [0-9]+ free\\.`));
    expect(server.requests.filter((r) => r.method === 'GET')).toEqual([]);
    expect(await readdir(fullDir)).toEqual([]);
  });

  it('starts a partial again when another source wrote it, never mixing two sources\' bytes', async () => {
    const { root, fullDir, folders } = await layout();
    const F = await makeArchive(root, full(1000));
    await writeFile(path.join(fullDir, `${full(1000)}.partial`), 'bytes from another node');
    await writeFile(path.join(fullDir, `${full(1000)}.partial.json`), JSON.stringify({ source: 'http://10.9.9.9:8899', size: F.length, etag: null, lastModified: null }));
    const server = await startSnapshotServer({ full: { name: full(1000), bytes: F }, ranges: true });
    const run = await runMain(['fetch', ...folders, '--slot', '1200', '--rpc', server.url, ...QUICK], { cwd: root });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('the partial file was written from another source or for another size; starting it again');
    expect(server.requests.filter((r) => r.method === 'GET').map((r) => r.range)).toEqual([null]);
    expect(sha256(await readFile(path.join(fullDir, full(1000))))).toBe(sha256(F));
  });

  it('on a machine without a blockstore yet: the archive is put in place, and the plan\'s error is shown beside it', async () => {
    const { root, fullDir, folders } = await layout();
    const F = await makeArchive(root, full(1000));
    const server = await startSnapshotServer({ full: { name: full(1000), bytes: F } });
    const noBlocks = QUICK.filter((a) => a !== '--blocks' && a !== '900..1300');
    const run = await runMain(['fetch', ...folders, '--slot', '1200', '--rpc', server.url, '--json', ...noBlocks], { cwd: root });
    expect(run.exitCode).toBe(2);
    const doc = JSON.parse(run.stdout);
    expectFetchSchema(doc);
    expect(doc.downloads).toMatchObject([{ outcome: 'done' }]);
    expect(doc.planError).toMatchObject({ message: expect.stringContaining('rocksdb'), exitCode: 2 });
    expect(sha256(await readFile(path.join(fullDir, full(1000))))).toBe(sha256(F));
    const text = await runMain(['fetch', ...folders, '--slot', '1200', '--rpc', server.url, ...noBlocks], { cwd: root });
    expect(text.stdout).toContain('✘ The archives are in place, but the plan after the fetch could not be made:');
  });
});
