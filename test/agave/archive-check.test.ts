import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { compress as lz4Compress } from 'lz4js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkArchiveHeader, verifyArchive } from '../../src/agave/archive-check.js';
import { ExternalError, OperationCancelledError } from '../../src/core/errors.js';
import { archiveBytes, fullName } from '../support/ledger-tree.js';

// Real archives, made the way Agave's are read back: GNU tar piped through the real zstd and
// lz4 binaries (and lz4js for a frame written by another encoder).
let dir: string;
let tarFile: string;

function run(command: string, args: string[], input?: Buffer): Buffer {
  return execFileSync(command, args, { input, maxBuffer: 64 * 1024 * 1024 });
}

// One folder for the whole file (tempDir() is per test): the archives are made once.
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'snapplan-test-archive-'));
  const content = path.join(dir, 'content');
  await mkdir(path.join(content, 'snapshots', '100'), { recursive: true });
  await writeFile(path.join(content, 'version'), '1.2.0');
  await writeFile(path.join(content, 'snapshots', '100', '100'), randomBytes(2 * 1024 * 1024));
  await writeFile(path.join(content, 'snapshots', 'status_cache'), 'status cache');
  tarFile = path.join(dir, 'archive.tar');
  run('tar', ['--format=gnu', '-C', content, '-cf', tarFile, 'version', 'snapshots']);
  await writeFile(path.join(dir, 'good.tar.zst'), run('zstd', ['-q', '-c', tarFile]));
  await writeFile(path.join(dir, 'good.tar.lz4'), run('lz4', ['-q', '-c', tarFile]));
  await writeFile(path.join(dir, 'lz4js.tar.lz4'), Buffer.from(lz4Compress(await readFile(tarFile))));
  await writeFile(path.join(dir, 'good.tar.gz'), run('gzip', ['-c', tarFile]));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const at = (name: string) => path.join(dir, name);

async function copyWith(name: string, from: string, change: (bytes: Buffer) => Buffer): Promise<string> {
  await writeFile(at(name), change(await readFile(at(from))));
  return at(name);
}

describe('checkArchiveHeader', () => {
  it('accepts real tar.zst, tar.lz4 (lz4 binary and lz4js), tar.gz and tar files', () => {
    expect(checkArchiveHeader(at('good.tar.zst'), 'tar.zst')).toBeNull();
    expect(checkArchiveHeader(at('good.tar.lz4'), 'tar.lz4')).toBeNull();
    expect(checkArchiveHeader(at('lz4js.tar.lz4'), 'tar.lz4')).toBeNull();
    expect(checkArchiveHeader(at('good.tar.gz'), 'tar.gz')).toBeNull();
    expect(checkArchiveHeader(tarFile, 'tar')).toBeNull();
  });

  it.each([
    ['0 bytes', Buffer.alloc(0), 'tar.zst', 'empty'],
    ['0 bytes', Buffer.alloc(0), 'tar.lz4', 'empty'],
    ['2 bytes of zstd magic', Buffer.from([0x28, 0xb5]), 'tar.zst', 'truncated'],
    ['2 bytes', Buffer.from('hi'), 'tar.lz4', 'truncated'],
    ['garbage', Buffer.from('stand-in for a snapshot\n'), 'tar.zst', 'bad-magic'],
    ['garbage', Buffer.from('stand-in for a snapshot\n'), 'tar.lz4', 'bad-magic'],
    ['a zstd file named .tar.lz4', null, 'tar.lz4', 'bad-magic'],
    ['zstd magic only', Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), 'tar.zst', 'truncated'],
    ['a zstd frame needing dictionary 7', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x21, 0x07, 0x10, 0x01, 0x00, 0x00, 0x41]), 'tar.zst', 'bad-frame'],
    ['a zstd header with the reserved bit', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x08, 0x00, 0x01, 0x00, 0x00]), 'tar.zst', 'bad-frame'],
    ['the legacy lz4 format', Buffer.from([0x02, 0x21, 0x4c, 0x18, 0, 0, 0, 0]), 'tar.lz4', 'bad-magic'],
    ['garbage', Buffer.from('not gzip'), 'tar.gz', 'bad-magic'],
    ['garbage', Buffer.from('not bzip2'), 'tar.bz2', 'bad-magic'],
    ['garbage', Buffer.alloc(1024, 0x41), 'tar', 'bad-tar'],
  ] as const)('%s as %s → %s', async (label, body, format, code) => {
    const file = at(`case-${label.replaceAll(' ', '-')}.${format}`);
    await writeFile(file, body ?? (await readFile(at('good.tar.zst'))));
    expect(checkArchiveHeader(file, format)?.code).toBe(code);
  });

  it('passes over the skippable frames pzstd writes before each zstd frame', async () => {
    await writeFile(at('pzstd.tar.zst'), run('pzstd', ['-q', '-c', tarFile]));
    expect((await readFile(at('pzstd.tar.zst'))).readUInt32LE(0) & 0xfffffff0).toBe(0x184d2a50);
    expect(checkArchiveHeader(at('pzstd.tar.zst'), 'tar.zst')).toBeNull();
    expect(await verifyArchive(at('pzstd.tar.zst'), 'tar.zst')).toBeNull();
  });

  it('finds an lz4 header whose checksum byte was changed', async () => {
    const file = await copyWith('bad-hc.tar.lz4', 'good.tar.lz4', (b) => {
      const copy = Buffer.from(b);
      copy[6] = (copy[6]! + 1) & 0xff;
      return copy;
    });
    expect(checkArchiveHeader(file, 'tar.lz4')).toEqual({ code: 'bad-frame', message: expect.stringMatching(/checksum/) });
  });

  it('follows a valid symbolic link to a good archive elsewhere, as Agave opens it', async () => {
    await symlink(at('good.tar.zst'), at('link.tar.zst'));
    expect(checkArchiveHeader(at('link.tar.zst'), 'tar.zst')).toBeNull();
  });

  it('reports a directory, a broken link, a link loop and a FIFO without throwing or waiting', async () => {
    await mkdir(at('dir.tar.zst'));
    await symlink('/nonexistent/snapshot.tar.zst', at('dangling.tar.zst'));
    await symlink(at('loop.tar.zst'), at('loop.tar.zst'));
    run('mkfifo', [at('fifo.tar.zst')]);
    expect(checkArchiveHeader(at('dir.tar.zst'), 'tar.zst')?.code).toBe('not-a-file');
    expect(checkArchiveHeader(at('dangling.tar.zst'), 'tar.zst')).toEqual({ code: 'unreadable', message: expect.stringMatching(/broken symbolic link/) });
    expect(checkArchiveHeader(at('loop.tar.zst'), 'tar.zst')).toEqual({ code: 'unreadable', message: expect.stringMatching(/loop/) });
    expect(checkArchiveHeader(at('fifo.tar.zst'), 'tar.zst')?.code).toBe('not-a-file');
  });
});

describe('verifyArchive', () => {
  it.each([
    ['good.tar.zst', 'tar.zst'],
    ['good.tar.lz4', 'tar.lz4'],
    ['lz4js.tar.lz4', 'tar.lz4'],
    ['good.tar.gz', 'tar.gz'],
  ] as const)('decodes %s to its end-of-archive block: no problem', async (name, format) => {
    const seen: number[] = [];
    expect(await verifyArchive(at(name), format, { onProgress: (n) => seen.push(n) })).toBeNull();
    expect(seen.at(-1)).toBe((await stat(at(name))).size);
  });

  it('walks a plain tar', async () => {
    expect(await verifyArchive(tarFile, 'tar')).toBeNull();
  });

  it.each([
    ['tar.zst', 'good.tar.zst'],
    ['tar.lz4', 'good.tar.lz4'],
    ['tar.gz', 'good.tar.gz'],
  ] as const)('finds a %s cut short in the middle (the header alone passes)', async (format, from) => {
    const file = at(`cut.${format}`);
    await writeFile(file, await readFile(at(from)));
    await truncate(file, Math.floor((await stat(file)).size * 0.6));
    expect(checkArchiveHeader(file, format)).toBeNull();
    expect(await verifyArchive(file, format)).toEqual({ code: 'truncated', message: expect.any(String) });
  });

  it.each([
    ['tar.zst', 'good.tar.zst'],
    ['tar.lz4', 'good.tar.lz4'],
    ['tar.gz', 'good.tar.gz'],
  ] as const)('finds a %s damaged in the middle', async (format, from) => {
    const file = await copyWith(`damaged.${format}`, from, (b) => {
      const copy = Buffer.from(b);
      const middle = Math.floor(copy.length / 2);
      for (let i = middle; i < middle + 64; i++) copy[i] = copy[i]! ^ 0x5a;
      return copy;
    });
    expect(checkArchiveHeader(file, format)).toBeNull();
    expect((await verifyArchive(file, format))?.code).toBe('corrupt');
  });

  it('finds a zstd stream that decodes to something that is not a tar', async () => {
    await writeFile(at('not-tar.tar.zst'), run('zstd', ['-q', '-c'], Buffer.alloc(4096, 0x41)));
    expect(checkArchiveHeader(at('not-tar.tar.zst'), 'tar.zst')).toBeNull();
    expect(await verifyArchive(at('not-tar.tar.zst'), 'tar.zst')).toEqual({ code: 'bad-tar', message: expect.stringMatching(/checksum/) });
  });

  it('finds a tar without its end-of-archive block inside a valid zstd stream', async () => {
    // The first entry (version: one header and one data block), and nothing after it.
    const firstEntry = (await readFile(tarFile)).subarray(0, 1024);
    await writeFile(at('no-end.tar.zst'), run('zstd', ['-q', '-c'], firstEntry));
    expect(await verifyArchive(at('no-end.tar.zst'), 'tar.zst')).toEqual({ code: 'truncated', message: expect.stringMatching(/end-of-archive/) });
  });

  it('returns the header problem without starting a decoder', async () => {
    await writeFile(at('empty.tar.zst'), '');
    expect(await verifyArchive(at('empty.tar.zst'), 'tar.zst', { env: { PATH: '' } })).toEqual({ code: 'empty', message: 'is empty (0 bytes)' });
  });

  it('says clearly when zstd is not installed', async () => {
    const error = await verifyArchive(at('good.tar.zst'), 'tar.zst', { env: { PATH: '/nonexistent' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExternalError);
    expect((error as ExternalError).message).toMatch(/needs zstd .* not on PATH/);
    expect((error as ExternalError).hint).toMatch(/apt-get install zstd.*--verify-archives/);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(verifyArchive(at('good.tar.zst'), 'tar.zst', { signal: controller.signal })).rejects.toBeInstanceOf(Error);
    const running = new AbortController();
    const pending = verifyArchive(at('good.tar.zst'), 'tar.zst', { signal: running.signal, onProgress: () => running.abort() });
    await expect(pending).rejects.toBeInstanceOf(OperationCancelledError);
  });
});

describe('the stand-in archives of the test ledgers', () => {
  it.each(['tar.zst', 'tar.lz4', 'tar.gz', 'tar.bz2', 'tar'] as const)('are real %s archives: they pass the full check', async (format) => {
    const file = at(fullName(100, format));
    await writeFile(file, archiveBytes(fullName(100, format)));
    expect(await verifyArchive(file, format)).toBeNull();
  });

  it('decode with the zstd binary to the text they hold', () => {
    const tar = run('zstd', ['-d', '-c', '-q'], archiveBytes(fullName(100), 'hello\n'));
    expect(tar.toString('latin1', 0, 7)).toBe('version');
    expect(tar.toString('latin1', 512, 518)).toBe('hello\n');
  });
});
