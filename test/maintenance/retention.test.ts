import { mkdir, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';
import { describe, expect, it, onTestFinished } from 'vitest';
import { makeS3Client } from '../../src/ops/s3.js';
import { listKeys } from '../../src/ops/s3.js';
import { runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const host = os.hostname();
const day = (d: number) => new Date(`2026-11-${String(d).padStart(2, '0')}T12:00:00Z`);

/** Real archive sets, written by `snapplan backup generic` of a small folder at the given days. */
async function backups(dir: string, to: string, folder: string, days: number[], env: Record<string, string> = {}): Promise<string[]> {
  const data = path.join(dir, folder);
  await mkdir(data, { recursive: true });
  await writeFile(path.join(data, 'state.json'), JSON.stringify({ folder }));
  const names: string[] = [];
  for (const d of days) {
    const result = await runMain(['backup', 'generic', '--data-dir', data, '--to', to, '--service-manager', 'none', '--work-dir', dir, '--json'], { cwd: dir, now: day(d), env });
    expect(result.exitCode, result.stderr).toBe(0);
    names.push(JSON.parse(result.stdout).archive.name as string);
  }
  return names;
}

const setFiles = (name: string) => [name, `${name}.manifest.json`, `${name}.sha256`];

describe('retention in a local folder', () => {
  it('previews, refuses without a terminal or --yes, and with --yes deletes exactly the older sets', async () => {
    const dir = await tempDir();
    const out = path.join(dir, 'out');
    await mkdir(out);
    const a = await backups(dir, out, 'node-a', [1, 3, 2, 4]);
    const b = await backups(dir, out, 'node-b', [1]);
    // An archive without its checksum (an upload in progress) and a stranger's file.
    await writeFile(path.join(out, `node-a-20261030T000000Z-${host}.tar.zst`), 'partial');
    await writeFile(path.join(out, 'notes.txt'), 'keep me');
    const before = (await readdir(out)).sort();

    const preview = await runMain(['retention', out, '--keep', '2'], { cwd: dir });
    expect(preview.exitCode).toBe(2);
    expect(preview.stderr).toContain('--yes');
    expect(preview.stdout).toContain(`DELETE ${a[0]}`);
    expect(preview.stdout).toContain(`keep   ${a[3]}`);
    expect(preview.stdout).toContain('left alone: node-a-20261030T000000Z');
    expect((await readdir(out)).sort()).toEqual(before);

    const dry = await runMain(['retention', out, '--keep', '2', '--dry-run', '--json'], { cwd: dir });
    expect(dry.exitCode).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(plan).toMatchObject({ schemaVersion: 1, command: 'retention', decision: 'dry-run', keep: 2, deleted: [] });
    const nodeA = plan.nodes.find((n: { node: string }) => n.node.includes('node-a'));
    // Newest first by the manifest's createdAt (days 4, 3 kept; 2, 1 deleted).
    expect(nodeA.keep.map((s: { name: string }) => s.name)).toEqual([a[3], a[1]]);
    expect(nodeA.delete.map((s: { name: string }) => s.name)).toEqual([a[2], a[0]]);
    expect(nodeA.keep[0].from).toBe('manifest');
    expect((await readdir(out)).sort()).toEqual(before);

    const done = await runMain(['retention', out, '--keep', '2', '--yes', '--json'], { cwd: dir });
    expect(done.exitCode, done.stderr).toBe(0);
    const doc = JSON.parse(done.stdout);
    expect(doc.decision).toBe('deleted');
    const gone = [...setFiles(a[0] as string), ...setFiles(a[2] as string)];
    expect([...doc.deleted].sort()).toEqual([...gone].sort());
    expect((await readdir(out)).sort()).toEqual(before.filter((n) => !gone.includes(n)));
    expect(await readdir(out)).toEqual(expect.arrayContaining([...setFiles(b[0] as string), 'notes.txt']));

    const again = await runMain(['retention', out, '--keep', '2'], { cwd: dir });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('nothing to delete');
  });

  it('refuses --keep 0 and a missing folder with exit 2', async () => {
    const dir = await tempDir();
    expect((await runMain(['retention', dir, '--keep', '0'], { cwd: dir })).exitCode).toBe(2);
    const missing = await runMain(['retention', path.join(dir, 'nope'), '--keep', '1'], { cwd: dir });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('Cannot list');
  });
});

describe('retention under an S3 prefix against s3rver', () => {
  it('keeps the newest per node, leaves an upload in progress alone, and deletes with --yes', async () => {
    const dir = await tempDir();
    const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: path.join(dir, 's3'), configureBuckets: [{ name: 'snaps' }] });
    const { port } = (await server.run()) as { port: number };
    onTestFinished(() => server.close());
    const env = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}` };
    const names = await backups(dir, 's3://snaps/nodes', 'chain', [5, 7, 6], env);
    // Another node's folder one level down is not this prefix's business.
    await backups(dir, 's3://snaps/nodes/deeper', 'chain', [1], env);
    const client = await makeS3Client({ env });
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    // An upload in progress: archive and manifest, no checksum yet.
    const inProgress = `chain-20261108T120000Z-${host}.tar.zst`;
    await client.send(new PutObjectCommand({ Bucket: 'snaps', Key: `nodes/${inProgress}`, Body: 'x' }));
    const keys = async () => (await listKeys(client, { bucket: 'snaps', prefix: 'nodes' })).map((k) => k.key).sort();
    const before = await keys();

    const preview = await runMain(['retention', 's3://snaps/nodes', '--keep', '1', '--json'], { cwd: dir, env });
    expect(preview.exitCode).toBe(2);
    expect(JSON.parse(preview.stdout)).toMatchObject({ decision: 'refused', ok: false, deleted: [], leftAlone: [{ name: inProgress }] });
    expect(await keys()).toEqual(before);

    const done = await runMain(['retention', 's3://snaps/nodes', '--keep', '1', '--yes', '--json'], { cwd: dir, env });
    expect(done.exitCode, done.stderr).toBe(0);
    const gone = [...setFiles(names[0] as string), ...setFiles(names[2] as string)].map((n) => `nodes/${n}`);
    expect(await keys()).toEqual(before.filter((k) => !gone.includes(k)));
    expect(await keys()).toEqual(expect.arrayContaining(setFiles(names[1] as string).map((n) => `nodes/${n}`)));
    expect(done.stdout + done.stderr).not.toContain('S3RVER');
  });
});
