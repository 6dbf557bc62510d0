import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { hashFor } from '../support/ledger-tree.js';
import { BIN, runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { makeArchive, sha256, startSnapshotServer } from './snapshot-server.js';

const full = (slot: number) => `snapshot-${slot}-${hashFor(`full-${slot}`)}.tar.zst`;

/** Waits (bounded) until `check` holds: a state, not a duration. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe('snapplan fetch: Ctrl-C', () => {
  it('leaves a resumable .partial and exits 130; the next run resumes it with a Range request', async () => {
    const root = await tempDir();
    const L = path.join(root, 'ledger');
    await mkdir(L);
    const F = await makeArchive(root, full(1000), { files: 8 });
    // Sends the first half, then holds the connection open: the download is in progress.
    const server = await startSnapshotServer({ full: { name: full(1000), bytes: F }, ranges: true, behaviour: 'stall' });
    const args = ['fetch', '--ledger', L, '--slot', '1200', '--rpc', server.url, '--speed-test-count', '0', '--blocks', '900..1300'];
    const child = execa(process.execPath, [BIN, ...args], { cwd: root, reject: false, timeout: 20_000, env: { PATH: '/usr/bin:/bin' }, extendEnv: false });
    const partial = path.join(L, `${full(1000)}.partial`);
    const half = Math.floor(F.length / 2);
    await until(async () => (await stat(partial).catch(() => null))?.size === half, 'half the archive is in the partial file');
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain(`interrupted; ${half} bytes kept in ${partial}`);
    expect(result.stderr).toContain('Run the same snapplan fetch again to resume it.');
    expect((await stat(partial)).size).toBe(half);
    await expect(stat(path.join(L, full(1000)))).rejects.toThrow(/ENOENT/);
    server.options.behaviour = 'normal';
    const again = await runMain(args, { cwd: root });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(sha256(await readFile(path.join(L, full(1000))))).toBe(sha256(F));
    const last = server.requests.filter((r) => r.method === 'GET').at(-1);
    expect(last).toMatchObject({ range: `bytes=${half}-`, status: 206 });
    await expect(stat(partial)).rejects.toThrow(/ENOENT/);
  });

  it('a disk that refuses the write stops the fetch with the file and the cause, keeps the prefix, and tries no other source', async () => {
    const root = await tempDir();
    const L = path.join(root, 'ledger');
    await mkdir(L);
    const F = await makeArchive(root, full(1000), { files: 8 });
    expect(F.length).toBeGreaterThan(300_000);
    const server = await startSnapshotServer({ full: { name: full(1000), bytes: F } });
    const second = await startSnapshotServer({ full: { name: full(1000), bytes: F } });
    const args = ['fetch', '--ledger', L, '--slot', '1200', '--rpc', server.url, '--rpc', second.url, '--speed-test-count', '0', '--blocks', '900..1300'];
    // A file size limit of 200 kB (util-linux prlimit): Node ignores SIGXFSZ, so the write fails with EFBIG, as a full disk fails with ENOSPC.
    const result = await execa('prlimit', ['--fsize=200000', process.execPath, BIN, ...args], { cwd: root, reject: false, timeout: 20_000, env: { PATH: '/usr/bin:/bin' }, extendEnv: false });
    const partial = path.join(L, `${full(1000)}.partial`);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toContain(`Could not write the download to ${partial}`);
    expect(result.stderr).toMatch(/EFBIG|too large/i);
    expect(result.stderr).not.toContain('This is a bug');
    expect((await stat(partial)).size).toBe(200_000);
    await expect(stat(path.join(L, full(1000)))).rejects.toThrow(/ENOENT/);
    // One archive request in all: the disk failed, not the source.
    const gets = [...server.requests, ...second.requests].filter((r) => r.method === 'GET' && r.path === `/${full(1000)}`);
    expect(gets).toHaveLength(1);
  });
});
