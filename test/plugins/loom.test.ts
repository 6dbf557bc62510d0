import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { FIXTURE_BIN, treeHash } from '../backup/helpers.js';
import { expectJobSchema } from '../support/job-schemas.js';

const ENV = { PATH: `${FIXTURE_BIN}:${path.dirname(process.execPath)}:/usr/bin:/bin` };

function nodeKey(): { json: string; id: string } {
  const key = randomBytes(64);
  return { json: JSON.stringify({ priv_key: { type: 'tendermint/PrivKeyEd25519', value: key.toString('base64') } }), id: createHash('sha256').update(key.subarray(32)).digest('hex').slice(0, 40) };
}

async function loomHome(dir: string, key: string): Promise<string> {
  const home = path.join(dir, 'ubuntu');
  await mkdir(path.join(home, 'chaindata', 'config'), { recursive: true });
  await mkdir(path.join(home, 'app.db'));
  await writeFile(path.join(home, 'app.db', '000001.ldb'), randomBytes(4096));
  await writeFile(path.join(home, 'chaindata', 'blockstore.db'), randomBytes(8192));
  await writeFile(path.join(home, 'chaindata', 'config', 'node_key.json'), key);
  await writeFile(path.join(home, 'chaindata', 'config', 'config.toml'), 'moniker = "a"\n');
  await writeFile(path.join(home, 'genesis.json'), '{}');
  await writeFile(path.join(home, 'loom.yml'), 'RedisAddr: 10.0.0.9\n');
  return home;
}

describe('Loom: data and config sets, restore order, node key check', () => {
  it('backs up both sets, restores data then config, runs loom nodekey after the key is back and reports peer mismatches', async () => {
    const dir = await tempDir();
    const me = nodeKey();
    const home = await loomHome(dir, me.json);
    const unit = path.join(dir, 'loom.service');
    await writeFile(unit, `[Service]\nExecStart=/usr/bin/loom run --peers tcp://${'a'.repeat(40)}@10.0.0.1:46656,tcp://${'b'.repeat(40)}@10.0.0.2:46656\n`);
    const out = path.join(dir, 'out');
    await mkdir(out);
    const common = ['--data-dir', home, '--to', out, '--service-manager', 'none', '--unit-file', unit, '--json'];
    const config = await runMain(['backup', 'loom', '--set', 'config', ...common], { cwd: dir, env: ENV, now: new Date('2026-11-21T11:00:00Z') });
    expect(config.exitCode, config.stderr).toBe(0);
    const data = await runMain(['backup', 'loom', '--set', 'data', ...common], { cwd: dir, env: ENV });
    expect(data.exitCode, data.stderr).toBe(0);
    const configDoc = JSON.parse(config.stdout);
    const dataDoc = JSON.parse(data.stdout);
    expectJobSchema('backup', configDoc);
    expectJobSchema('backup', dataDoc);
    expect(configDoc.archive.name).toMatch(/^2026-11-21--110000-.+\.tar\.zst$/);
    const manifest = JSON.parse(await readFile(path.join(out, `${configDoc.archive.name}.manifest.json`), 'utf8'));
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(['genesis.json', 'loom.yml', 'chaindata/config', 'chaindata/config/config.toml', 'chaindata/config/node_key.json', 'loom.service']);
    const original = await treeHash(home);

    // The installed unit now lists other IDs (a redeployed cluster), and the data is gone.
    await writeFile(unit, `[Service]\nExecStart=/usr/bin/loom run --peers tcp://${'c'.repeat(40)}@10.0.0.1:46656,tcp://${'d'.repeat(40)}@10.0.0.2:46656\n`);
    await writeFile(path.join(home, 'chaindata', 'blockstore.db'), 'damaged');
    await writeFile(path.join(home, 'chaindata', 'config', 'node_key.json'), nodeKey().json);

    // Config given first: snapplan restores data first anyway.
    const restore = await runMain(['restore', 'loom', '--data-dir', home, '--from', path.join(out, configDoc.archive.name), '--from', path.join(out, dataDoc.archive.name), '--service-manager', 'none', '--unit-file', unit, '--json'], { cwd: dir, env: ENV });
    expect(restore.exitCode, restore.stderr).toBe(0);
    const doc = JSON.parse(restore.stdout);
    expectJobSchema('restore', doc);
    expect(doc.steps.filter((s: { name: string }) => s.name.startsWith('swap')).map((s: { name: string }) => s.name)).toEqual([`swap ${dataDoc.archive.name}`, `swap ${configDoc.archive.name}`]);
    expect(await treeHash(home)).toBe(original);
    expect(doc.findings.find((f: { code: string }) => f.code === 'node-id').message).toContain(me.id);
    const mismatch = doc.findings.find((f: { code: string }) => f.code === 'peer-ids-differ');
    expect(mismatch.remedy).toContain(`tcp://${'a'.repeat(40)}@10.0.0.1:46656,tcp://${'b'.repeat(40)}@10.0.0.2:46656`);
    // The backup's unit is kept beside the old data; the installed one is untouched.
    expect(existsSync(path.join(doc.oldDirs[1], 'from-backup', 'loom.service'))).toBe(true);
    expect(await readFile(unit, 'utf8')).toContain('c'.repeat(40));
  });

  it('refuses a data backup older than the config backup, before anything changes', async () => {
    const dir = await tempDir();
    const home = await loomHome(dir, nodeKey().json);
    const out = path.join(dir, 'out');
    await mkdir(out);
    const common = ['--data-dir', home, '--to', out, '--service-manager', 'none', '--json'];
    const data = JSON.parse((await runMain(['backup', 'loom', '--set', 'data', ...common], { cwd: dir, env: ENV, now: new Date('2026-11-20T00:00:00Z') })).stdout);
    const config = JSON.parse((await runMain(['backup', 'loom', '--set', 'config', ...common], { cwd: dir, env: ENV, now: new Date('2026-11-21T00:00:00Z') })).stdout);
    const before = await treeHash(dir);
    const result = await runMain(['restore', 'loom', '--data-dir', home, '--from', path.join(out, data.archive.name), '--from', path.join(out, config.archive.name), '--service-manager', 'none'], { cwd: dir, env: ENV });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('older than the config backup');
    expect(await treeHash(dir)).toBe(before);
    expect((await readdir(dir)).sort()).toEqual(['out', 'ubuntu']);
  });

  it('never runs loom nodekey when node_key.json is missing, and does not start the node', async () => {
    const dir = await tempDir();
    const home = await loomHome(dir, nodeKey().json);
    const out = path.join(dir, 'out');
    await mkdir(out);
    // A data backup taken without chaindata/config.
    const data = JSON.parse((await runMain(['backup', 'loom', '--set', 'data', '--data-dir', home, '--to', out, '--service-manager', 'none', '--exclude', 'chaindata/config', '--json'], { cwd: dir, env: ENV })).stdout);
    const result = await runMain(['restore', 'loom', '--data-dir', home, '--from', path.join(out, data.archive.name), '--service-manager', 'none', '--json'], { cwd: dir, env: ENV });
    expect(result.exitCode).toBe(1);
    expectJobSchema('restore', JSON.parse(result.stdout));
    expect(JSON.parse(result.stdout).findings[0]).toMatchObject({ code: 'node-key-missing', severity: 'error' });
    expect(existsSync(path.join(home, 'chaindata', 'config', 'node_key.json'))).toBe(false);
  });
});
