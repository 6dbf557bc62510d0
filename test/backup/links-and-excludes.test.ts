import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { treeHash } from './helpers.js';

async function linkedTree(data: string): Promise<void> {
  await mkdir(path.join(data, 'snapshots', '100'), { recursive: true });
  await writeFile(path.join(data, 'snapshots', '100', 'state'), 'state at 100\n');
  await writeFile(path.join(data, 'zz'), 'z\n');
  // A chain of file links and a chain of folder links, all inside the folder.
  await symlink('zz', path.join(data, 'aa'));
  await symlink('aa', path.join(data, 'bb'));
  await symlink('snapshots/100', path.join(data, 'latest'));
  await symlink('latest', path.join(data, 'latest2'));
  await symlink('../zz', path.join(data, 'snapshots', 'up'));
}

describe('links inside the data folder round-trip; links that lead out are refused at backup', () => {
  it('backs up and restores symlink chains and folder links to the same tree', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'node');
    const out = path.join(dir, 'out');
    await mkdir(out);
    await linkedTree(data);
    const before = await treeHash(data);
    const backup = await runMain(['backup', 'generic', '--data-dir', data, '--to', out, '--service-manager', 'none', '--json'], { cwd: dir });
    expect(backup.exitCode, backup.stderr).toBe(0);
    const archive = JSON.parse(backup.stdout).archive.location as string;
    await writeFile(path.join(data, 'zz'), 'changed\n');
    const restore = await runMain(['restore', 'generic', '--data-dir', data, '--from', archive, '--service-manager', 'none', '--json'], { cwd: dir });
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(await treeHash(data)).toBe(before);
    expect((await readdir(dir)).filter((n) => n.includes('staging'))).toEqual([]);
  });

  it.each([
    ['absolute', '/etc', /is absolute or empty/],
    ['climbing out', '../../outside', /leads out of the folder/],
  ])('refuses a link %s before writing an archive (exit 2)', async (_label, target, reason) => {
    const dir = await tempDir();
    const data = path.join(dir, 'node');
    const out = path.join(dir, 'out');
    await mkdir(out);
    await linkedTree(data);
    await symlink(target, path.join(data, 'escape'));
    const backup = await runMain(['backup', 'generic', '--data-dir', data, '--to', out, '--service-manager', 'none'], { cwd: dir });
    expect(backup.exitCode).toBe(2);
    expect(backup.stderr).toMatch(reason);
    expect(backup.stderr).toContain('a restore would refuse the archive');
    expect(await readdir(out)).toEqual([]);
  });
});

describe('exclude patterns in a backup', () => {
  it('leaves out a top-level LOCK with **/LOCK, a/b with a/**/b, and warns about a pattern that matched nothing', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'node');
    const out = path.join(dir, 'out');
    await mkdir(path.join(data, 'db'), { recursive: true });
    await mkdir(path.join(data, 'a', 'b'), { recursive: true });
    await mkdir(out);
    for (const file of ['LOCK', 'db/LOCK', 'db/data', 'a/b/x', 'keep']) await writeFile(path.join(data, file), file);
    const backup = await runMain(['backup', 'generic', '--data-dir', data, '--to', out, '--service-manager', 'none', '--exclude', '**/LOCK', '--exclude', 'a/**/b', '--exclude', 'no-such-name', '--json'], { cwd: dir });
    expect(backup.exitCode, backup.stderr).toBe(0);
    expect(backup.stderr).toContain('warning: --exclude no-such-name matched nothing');
    expect(backup.stderr).not.toContain('--exclude **/LOCK matched nothing');
    const manifest = JSON.parse(await readFile(`${JSON.parse(backup.stdout).archive.location}.manifest.json`, 'utf8')) as { files: { path: string }[] };
    expect(manifest.files.map((f) => f.path).sort()).toEqual(['node', 'node/a', 'node/db', 'node/db/data', 'node/keep']);
  });

  it('refuses a pattern that names no path inside the folder, before anything is stopped', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'node');
    await mkdir(data);
    const backup = await runMain(['backup', 'generic', '--data-dir', data, '--to', dir, '--service-manager', 'none', '--exclude', '../x'], { cwd: dir });
    expect(backup.exitCode).toBe(2);
    expect(backup.stderr).toContain('--exclude "../x" names no path inside the data folder');
  });

  it('backup --help points to the README section on the patterns, which exists', async () => {
    const dir = await tempDir();
    const help = await runMain(['backup', '--help'], { cwd: dir });
    expect(help.stdout).toContain('"Exclude patterns" in the README');
    expect(help.stdout).not.toContain('docs/backup.md');
    const readme = await readFile(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    expect(readme).toContain('\n### Exclude patterns\n');
  });
});
