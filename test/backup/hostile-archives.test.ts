import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { treeHash } from './helpers.js';
import { expectJobSchema } from '../support/job-schemas.js';

/** One ustar entry, written by hand so that any name, type and link target can be made. */
function entry(name: string, type: '0' | '1' | '2' | '5' | '6', body = '', linkname = ''): Buffer {
  const header = Buffer.alloc(512);
  const put = (text: string, offset: number, length: number) => header.write(text.slice(0, length), offset, 'utf8');
  const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, '0') + '\0';
  put(name, 0, 100);
  put(octal(type === '5' ? 0o755 : 0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(Buffer.byteLength(body), 12), 124, 12);
  put(octal(1_700_000_000, 12), 136, 12);
  header.fill(' ', 148, 156);
  put(type, 156, 1);
  put(linkname, 157, 100);
  put('ustar\u000000', 257, 8);
  let sum = 0;
  for (const byte of header) sum += byte;
  put(octal(sum, 7) + ' ', 148, 8);
  const data = Buffer.alloc(Math.ceil(Buffer.byteLength(body) / 512) * 512);
  data.write(body);
  return Buffer.concat([header, data]);
}

async function makeArchive(dir: string, name: string, entries: Buffer[], options: { cut?: number; sha?: string; tarBytes?: number } = {}): Promise<string> {
  const tar = Buffer.concat([...entries, Buffer.alloc(1024)]).subarray(0, options.tarBytes);
  let zst = execFileSync('zstd', ['-q', '-c'], { input: tar });
  if (options.cut !== undefined) zst = zst.subarray(0, options.cut);
  const file = path.join(dir, name);
  await writeFile(file, zst);
  await writeFile(`${file}.sha256`, `${options.sha ?? createHash('sha256').update(zst).digest('hex')}  ${name}\n`);
  return file;
}

describe('hostile archives are refused before the node is touched, with nothing written outside staging', () => {
  const cases: Array<[string, Buffer[], string]> = [
    ['path traversal', [entry('node/', '5'), entry('node/../../escaped', '0', 'pwned')], 'leaves the folder'],
    ['absolute path', [entry('node/', '5'), entry('/tmp/snapplan-hostile-absolute', '0', 'pwned')], 'leaves the folder'],
    ['symlink leaving the folder, then a write through it', [entry('node/', '5'), entry('node/out', '2', '', '../../outside'), entry('node/out/escaped', '0', 'pwned')], 'link'],
    ['absolute symlink', [entry('node/', '5'), entry('node/etc', '2', '', '/etc')], 'link'],
    ['hard link to a file outside', [entry('node/', '5'), entry('node/passwd', '1', '', '../outside/secret')], 'link'],
    ['fifo', [entry('node/', '5'), entry('node/pipe', '6')], 'FIFO'],
  ];
  it.each(cases)('%s', async (_label, entries, message) => {
    const dir = await tempDir();
    const data = path.join(dir, 'target', 'node');
    await mkdir(path.join(data, 'sub'), { recursive: true });
    await writeFile(path.join(data, 'sub', 'keep'), 'original');
    await mkdir(path.join(dir, 'outside'));
    await writeFile(path.join(dir, 'outside', 'secret'), 'secret');
    const before = await treeHash(dir);
    const archive = await makeArchive(path.join(dir, 'outside'), 'evil.tar.zst', entries);
    const after = await treeHash(dir);
    const result = await runMain(['restore', 'generic', '--data-dir', data, '--from', archive, '--service-manager', 'none', '--json'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain(message);
    expectJobSchema('restore', JSON.parse(result.stdout));
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, service: { before: null } });
    // Nothing anywhere changed: the target, its parent (no staging left), the outside folder.
    expect(await treeHash(dir)).toBe(after);
    expect(before).not.toBe(after); // (the archive itself was added in between)
    expect(existsSync('/tmp/snapplan-hostile-absolute')).toBe(false);
    expect(await readdir(path.dirname(data))).toEqual(['node']);
  });

  it('a stream cut short (with a matching checksum) is refused', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'node');
    await mkdir(data);
    const big = 'x'.repeat(300_000) + Math.random();
    const full = execFileSync('zstd', ['-q', '-c'], { input: Buffer.concat([entry('node/', '5'), entry('node/big', '0', big), Buffer.alloc(1024)]) });
    const archive = await makeArchive(dir, 'cut.tar.zst', [entry('node/', '5'), entry('node/big', '0', big)], { cut: Math.floor(full.length / 2) });
    const result = await runMain(['restore', 'generic', '--data-dir', data, '--from', archive, '--service-manager', 'none'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('damaged or cut short');
    expect((await readdir(dir)).sort()).toEqual(['cut.tar.zst', 'cut.tar.zst.sha256', 'node']);
    expect(await readdir(data)).toEqual([]);
  });

  it('a wrong checksum is refused before extraction; no checksum at all is refused too', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'node');
    await mkdir(data);
    const archive = await makeArchive(dir, 'a.tar.zst', [entry('node/', '5'), entry('node/f', '0', 'new')], { sha: '0'.repeat(64) });
    const wrong = await runMain(['restore', 'generic', '--data-dir', data, '--from', archive, '--service-manager', 'none'], { cwd: dir });
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain(`expected ${'0'.repeat(64)}`);
    const none = await runMain(['restore', 'generic', '--data-dir', data, '--from', archive, '--service-manager', 'none', '--sha256', 'nothex'], { cwd: dir });
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('No sha256');
    expect(await readdir(data)).toEqual([]);
    // The same archive with its right checksum restores.
    const right = createHash('sha256').update(await readFile(archive)).digest('hex');
    const ok = await runMain(['restore', 'generic', '--data-dir', data, '--from', archive, '--service-manager', 'none', '--sha256', right], { cwd: dir });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(await readFile(path.join(data, 'f'), 'utf8')).toBe('new');
  });

  // A whole, valid zstd stream whose tar inside stops early: node-tar used to emit 'error'
  // twice (the second with no listener), which ended the process with staging and lock left.
  it.each([
    ['inside a file', 512 * 3 + 100],
    ['inside the second header', 512 * 2 + 512 * 4 + 200],
    ['between two entries, without the end-of-archive marker', 512 * 2 + 512 * 4],
  ])('a valid zstd stream holding a tar cut %s: exit 2, staging and lock removed', async (_label, tarBytes) => {
    const dir = await tempDir();
    const data = path.join(dir, 'node');
    await mkdir(path.join(data, 'sub'), { recursive: true });
    await writeFile(path.join(data, 'sub', 'keep'), 'original');
    const before = await treeHash(data);
    const entries = [entry('node/', '5'), entry('node/a', '0', 'a'.repeat(2000)), entry('node/b', '0', 'b'.repeat(2000))];
    const archive = await makeArchive(dir, 'cut.tar.zst', entries, { tarBytes });
    const result = await runMain(['restore', 'generic', '--data-dir', data, '--from', archive, '--service-manager', 'none', '--json'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain('damaged or cut short');
    expectJobSchema('restore', JSON.parse(result.stdout));
    expect((await readdir(dir)).sort()).toEqual(['cut.tar.zst', 'cut.tar.zst.sha256', 'node']);
    expect(await treeHash(data)).toBe(before);
  });

  it('an empty .sha256 is reported as empty, and the line for this archive is the one used', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'node');
    await mkdir(data);
    const archive = await makeArchive(dir, 'a.tar.zst', [entry('node/', '5'), entry('node/f', '0', 'new')]);
    const right = createHash('sha256').update(await readFile(archive)).digest('hex');
    await writeFile(`${archive}.sha256`, '');
    const empty = await runMain(['restore', 'generic', '--data-dir', data, '--from', archive, '--service-manager', 'none'], { cwd: dir });
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toContain('a.tar.zst.sha256 is empty');
    // A checksum file for several archives (sha256sum *.tar.zst): the first line is another's.
    await writeFile(`${archive}.sha256`, `${'0'.repeat(64)}  other.tar.zst\n${right}  a.tar.zst\n`);
    const listed = await runMain(['restore', 'generic', '--data-dir', data, '--from', archive, '--service-manager', 'none'], { cwd: dir });
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(await readFile(path.join(data, 'f'), 'utf8')).toBe('new');
  });
});
