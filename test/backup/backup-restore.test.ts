import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashFile } from '../../src/ops/copy.js';
import { runMain } from '../support/run-cli.js';
import { expectJobSchema } from '../support/job-schemas.js';
import { tempDir } from '../support/temp-dir.js';
import { FIXTURE_BIN, getJson, run, startTestNode, testNodeUnit, treeHash, until, untilTreeChanges } from './helpers.js';

describe('backup and restore with a live test node behind the systemctl stand-in', () => {
  it('stops, archives, restarts; restore gives back the exact tree; rollback puts the newer one back', async () => {
    // Given a running node on <dir>/stacks/mainnet
    const dir = await tempDir();
    const data = path.join(dir, 'stacks', 'mainnet');
    const out = path.join(dir, 'out');
    await mkdir(out);
    const node = await testNodeUnit(dir, data);
    await node.systemctl('start', 'stacks-node');
    const rpc = `http://127.0.0.1:${await node.port()}`;
    // a few blocks in, so the backup has a height to name
    await until(async () => Number((await getJson(`${rpc}/v2/info`)).stacks_tip_height) >= 2, 'the node has made 2 blocks');

    // When it is backed up and left stopped
    const backup = await runMain(['backup', 'stacks', '--data-dir', data, '--to', out, '--rpc', rpc, '--no-restart', '--json'], { cwd: dir, env: node.env });
    expect(backup.stderr).toContain('stop: ok');
    expect(backup.exitCode).toBe(0);
    const doc = JSON.parse(backup.stdout);
    expectJobSchema('backup', doc);
    expect(doc).toMatchObject({ schemaVersion: 1, command: 'backup', ok: true, service: { before: 'running', after: 'stopped' }, node: { version: '3.1.0.0.8', network: 'mainnet' } });
    expect(doc.archive.name).toBe('mainnet-stacks-blockchain-3.1.0.0.8-20261121.tar.zst');
    const archived = await treeHash(data);

    // Then the archive, its checksum and manifest agree
    const archive = path.join(out, doc.archive.name);
    expect((await hashFile(archive)).sha256).toBe(doc.archive.sha256);
    expect(await readFile(`${archive}.sha256`, 'utf8')).toBe(`${doc.archive.sha256}  ${doc.archive.name}\n`);
    const manifest = JSON.parse(await readFile(`${archive}.manifest.json`, 'utf8'));
    expect(manifest).toMatchObject({ schemaVersion: 1, chain: 'stacks', set: 'data', nodeVersion: '3.1.0.0.8', archive: { sha256: doc.archive.sha256 } });
    expect(manifest.height).toBeGreaterThan(0);
    expect(manifest.files.map((f: { path: string }) => f.path)).toContain('mainnet/state.json');

    // When the node runs on and its folder changes, then the archive is restored (node left stopped)
    await node.systemctl('start', 'stacks-node');
    await untilTreeChanges(data, archived);
    const restore = await runMain(['restore', 'stacks', '--data-dir', data, '--from', archive, '--rpc', rpc, '--no-restart', '--json'], { cwd: dir, env: node.env });
    expect(restore.exitCode, restore.stderr).toBe(0);
    const rdoc = JSON.parse(restore.stdout);
    expectJobSchema('restore', rdoc);
    expect(rdoc.service).toMatchObject({ before: 'running', after: 'stopped' });
    expect(await treeHash(data)).toBe(archived);
    const oldDir = rdoc.oldDirs[0] as string;
    expect(path.basename(oldDir)).toBe('mainnet.snapplan-old-20261121T120000Z');
    const newer = await treeHash(oldDir);
    expect(newer).not.toBe(archived);
    expect((await readdir(path.dirname(data))).filter((n) => n.includes('staging'))).toEqual([]);

    // And --rollback puts the newer tree back and starts the node
    const rollback = await runMain(['restore', 'stacks', '--data-dir', data, '--rollback', '--rpc', rpc, '--json'], { cwd: dir, env: { ...node.env }, now: new Date('2026-11-21T12:05:00Z') });
    expect(rollback.exitCode, rollback.stderr).toBe(0);
    expectJobSchema('restore', JSON.parse(rollback.stdout));
    expect(JSON.parse(rollback.stdout).service.after).toBe('running');
    await node.systemctl('stop', 'stacks-node');
    const back = await treeHash(data);
    expect(back).not.toBe(archived);
  });

  it('restarts the node after the archive and confirms health; restore waits for new blocks', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'mainnet');
    const node = await testNodeUnit(dir, data);
    await node.systemctl('start', 'stacks-node');
    const rpc = `http://127.0.0.1:${await node.port()}`;
    const backup = await runMain(['backup', 'stacks', '--data-dir', data, '--to', dir, '--rpc', rpc, '--json'], { cwd: dir, env: node.env });
    expect(backup.exitCode, backup.stderr).toBe(0);
    const doc = JSON.parse(backup.stdout);
    expectJobSchema('backup', doc);
    expect(doc.service).toEqual({ manager: 'systemd', label: 'systemd stacks-node', before: 'running', after: 'running' });
    expect(doc.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual(['health-before:ok', 'version:ok', 'stop:ok', 'open-files:ok', 'archive:ok', 'restart:ok', 'health-after:ok', 'upload:skipped']);
    const height = ((await getJson(`${rpc}/v2/info`)) as { stacks_tip_height: number }).stacks_tip_height;
    expect(height).toBeGreaterThan(doc.node.height);

    const restore = await runMain(['restore', 'stacks', '--data-dir', data, '--from', path.join(dir, doc.archive.name), '--rpc', rpc, '--wait-blocks', '3', '--json'], { cwd: dir, env: node.env });
    expect(restore.exitCode, restore.stderr).toBe(0);
    const rdoc = JSON.parse(restore.stdout);
    expectJobSchema('restore', rdoc);
    expect(rdoc.service.after).toBe('running');
    expect(rdoc.steps.find((s: { name: string }) => s.name.startsWith('health'))).toMatchObject({ name: 'health (wait for 3 new block(s))', status: 'ok' });
    // The restored node went back to the archived height, then grew from there.
    expect(rdoc.node.height).toBeLessThan(height + 40);
  });

  it('stops and starts a Docker container around the archive (docker stop -t / start / inspect)', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'node-data');
    const out = path.join(dir, 'out');
    await mkdir(out);
    const node = await testNodeUnit(dir, data, 'node1');
    await run(path.join(FIXTURE_BIN, 'docker'), ['start', 'node1'], { env: node.env });
    await node.port(); // the container's node is up
    // No --rpc: the test node takes a new port at each start, so only the container state is checked.
    const backup = await runMain(
      ['backup', 'generic', '--data-dir', data, '--to', out, '--service-manager', 'docker', '--service', 'node1', '--stop-timeout', '20', '--json'],
      { cwd: dir, env: node.env },
    );
    expect(backup.exitCode, backup.stderr).toBe(0);
    const doc = JSON.parse(backup.stdout);
    expectJobSchema('backup', doc);
    expect(doc.service).toMatchObject({ before: 'running', after: 'running' });
    expect(doc.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual(expect.arrayContaining(['stop:ok', 'archive:ok', 'restart:ok']));
    expect((await run(path.join(FIXTURE_BIN, 'docker'), ['inspect', '--format', '{{.State.Status}}', 'node1'], { env: node.env })).stdout.trim()).toBe('running');
    // An unknown container is refused before anything is stopped or written.
    const unknown = await runMain(['backup', 'generic', '--data-dir', data, '--to', out, '--service-manager', 'docker', '--service', 'nope', '--json'], { cwd: dir, env: node.env });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/The state of docker nope cannot be read, so nothing was stopped/);
    expect(await readdir(out)).toHaveLength(3); // only the first backup's archive, checksum and manifest
  });

  it('refuses to archive a folder a live process holds open (exit 2, nothing written)', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'data');
    const out = path.join(dir, 'out');
    await mkdir(out);
    const child = await startTestNode(data, path.join(dir, 'port'));
    const result = await runMain(['backup', 'generic', '--data-dir', data, '--to', out, '--service-manager', 'none', '--json'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`pid ${child.pid}`);
    expectJobSchema('backup', JSON.parse(result.stdout));
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, type: 'command-failed', archive: null });
    expect(await readdir(out)).toEqual([]);
  });

  it('stops and restarts a plain process by pid file, and refuses a process it cannot restart', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'data');
    const pidfile = path.join(dir, 'node.pid');
    const portFile = path.join(dir, 'port');
    const child = await startTestNode(data, portFile, pidfile);
    const refused = await runMain(['backup', 'generic', '--data-dir', data, '--to', dir, '--service-manager', 'process', '--pidfile', pidfile], { cwd: dir });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('after --');
    const rpc = `http://127.0.0.1:${Number(await readFile(portFile, 'utf8'))}/v2/info`;
    const result = await runMain(['backup', 'generic', '--data-dir', data, '--to', dir, '--service-manager', 'process', '--pidfile', pidfile, '--rpc', rpc, '--json', '--', process.execPath, path.resolve('fixtures/bin/test-node.mjs'), '--data', data, '--port-file', portFile, '--pidfile', pidfile], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(child.exitCode).toBe(0); // flushed and exited on SIGTERM
    const newPid = Number(await readFile(pidfile, 'utf8'));
    expect(newPid).not.toBe(child.pid);
    expectJobSchema('backup', JSON.parse(result.stdout));
    expect(JSON.parse(result.stdout).service).toMatchObject({ before: 'running', after: 'running' });
    expect(existsSync(path.join(dir, JSON.parse(result.stdout).archive.name))).toBe(true);
    // Stop the restarted node and wait until it is gone: it flushes into data/ on SIGTERM,
    // which would race the temp folder's removal.
    process.kill(newPid, 'SIGTERM');
    for (let i = 0; i < 200 && isAlive(newPid); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(isAlive(newPid)).toBe(false);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
