import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { testNodeUnit, treeHash, untilTreeChanges } from './helpers.js';
import { expectJobSchema } from '../support/job-schemas.js';

/** A real S3-protocol server on 127.0.0.1 (port 0) with one bucket, closed after the test. */
async function s3Server(dir: string): Promise<{ endpoint: string; env: Record<string, string> }> {
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: 'snaps' }] });
  const { port } = (await server.run()) as { port: number };
  onTestFinished(() => server.close());
  const endpoint = `http://127.0.0.1:${port}`;
  return { endpoint, env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: endpoint } };
}

describe('S3 destinations against s3rver', () => {
  it('uploads archive, checksum and manifest after the restart, then restores from s3:// exactly', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'chain');
    const work = path.join(dir, 'work');
    await mkdir(work);
    const s3 = await s3Server(path.join(dir, 's3'));
    const node = await testNodeUnit(dir, data, 'node');
    await node.systemctl('start', 'node');
    const rpc = `http://127.0.0.1:${await node.port()}/status`;
    const env = { ...node.env, ...s3.env };
    const backup = await runMain(['backup', 'generic', '--data-dir', data, '--service', 'node', '--rpc', rpc, '--to', 's3://snaps/nodes/a', '--work-dir', work, '--no-restart', '--json'], { cwd: dir, env });
    expect(backup.exitCode, backup.stderr).toBe(0);
    const doc = JSON.parse(backup.stdout);
    expectJobSchema('backup', doc);
    expect(doc.archive.location).toBe(`s3://snaps/nodes/a/${doc.archive.name}`);
    expect(doc.steps.at(-1)).toMatchObject({ name: 'upload', status: 'ok' });
    expect(await readdir(work)).toEqual([]); // the local copy is removed after the upload
    expect(backup.stdout + backup.stderr).not.toContain('S3RVER'); // never print credentials
    const archived = await treeHash(data);

    await node.systemctl('start', 'node');
    await untilTreeChanges(data, archived);
    const restore = await runMain(['restore', 'generic', '--data-dir', data, '--service', 'node', '--rpc', rpc, '--from', doc.archive.location, '--no-restart', '--json'], { cwd: dir, env });
    expect(restore.exitCode, restore.stderr).toBe(0);
    expectJobSchema('restore', JSON.parse(restore.stdout));
    expect(JSON.parse(restore.stdout).archives[0]).toMatchObject({ sha256: doc.archive.sha256, size: doc.archive.size });
    expect(await treeHash(data)).toBe(archived);
    expect((await readdir(dir)).filter((n) => n.startsWith('.snapplan-download'))).toEqual([]);
  });

  it('a failing upload still restarts the node and exits 1, keeping the local archive', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'chain');
    const work = path.join(dir, 'work');
    await mkdir(work);
    const s3 = await s3Server(path.join(dir, 's3'));
    const node = await testNodeUnit(dir, data, 'node');
    await node.systemctl('start', 'node');
    const rpc = `http://127.0.0.1:${await node.port()}/status`;
    const result = await runMain(['backup', 'generic', '--data-dir', data, '--service', 'node', '--rpc', rpc, '--to', 's3://no-such-bucket/x', '--work-dir', work, '--json'], { cwd: dir, env: { ...node.env, ...s3.env } });
    expect(result.exitCode).toBe(1);
    const doc = JSON.parse(result.stdout);
    expectJobSchema('backup', doc);
    expect(doc.service).toMatchObject({ before: 'running', after: 'running' });
    expect(doc.steps.find((s: { name: string }) => s.name === 'restart')).toMatchObject({ status: 'ok' });
    expect(doc.steps.find((s: { name: string }) => s.name === 'upload')).toMatchObject({ status: 'failed' });
    expect(result.stderr).toContain('NoSuchBucket');
    expect((await readdir(work)).some((n) => n.endsWith('.tar.zst'))).toBe(true);
    expect((await node.systemctl('is-active', 'node')).trim()).toBe('active');
  });
});
