import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { createArchive, type ArchiveRequest } from '../../src/ops/archive.js';
import { freeBytes, parseMountPoints, usedBytesBound } from '../../src/ops/archive-space.js';
import { tempDir } from '../support/temp-dir.js';

/** A data folder with nested folders, a link, a socket-free mix of sizes. */
async function dataTree(root: string): Promise<string> {
  const data = path.join(root, 'mainnet');
  for (const dir of ['chainstate/vm', 'chainstate/blocks', 'logs', 'b', 'a']) await mkdir(path.join(data, dir), { recursive: true });
  for (let i = 0; i < 300; i++) await writeFile(path.join(data, 'chainstate/blocks', `blk-${String(i).padStart(4, '0')}.dat`), `block ${i}\n`.repeat(i + 1));
  await writeFile(path.join(data, 'chainstate/vm/index.sqlite'), Buffer.alloc(200_000, 7));
  await writeFile(path.join(data, 'logs/node.log'), 'log line\n');
  await writeFile(path.join(data, 'a/z.txt'), 'z');
  await writeFile(path.join(data, 'b/y.txt'), 'y');
  await symlink('chainstate/vm/index.sqlite', path.join(data, 'current'));
  return data;
}

function request(data: string, outDir: string, extra: Partial<ArchiveRequest> = {}): ArchiveRequest {
  return {
    groups: [{ root: path.dirname(data), members: [path.basename(data)], matchPrefix: path.basename(data) }],
    outDir, name: 'node.tar.zst', exclude: ['*.log'], zstdLevel: 3, spaceFactor: 0.6, manifest: { chain: 'test' },
    ...extra,
  };
}

const members = (archive: string) => execFileSync('tar', ['--zstd', '-tf', archive], { encoding: 'utf8' }).split('\n').filter(Boolean).map((m) => m.replace(/\/$/, ''));

describe('createArchive', () => {
  it('streams the list into tar, or lists first: the same archive members, manifest and checksum rules', async () => {
    const root = await tempDir();
    const data = await dataTree(root);
    const streamedOut = path.join(root, 'streamed');
    const listedOut = path.join(root, 'listed');
    await mkdir(streamedOut);
    await mkdir(listedOut);
    const streamed = await createArchive(request(data, streamedOut));
    const listed = await createArchive(request(data, listedOut, { listFirst: true }));

    for (const result of [streamed, listed]) {
      const bytes = await readFile(result.path);
      expect(result.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(result.size).toBe(bytes.length);
      expect(await readFile(result.sha256Path, 'utf8')).toBe(`${result.sha256}  node.tar.zst\n`);
      const manifest = JSON.parse(await readFile(result.manifestPath, 'utf8')) as { files: { path: string; kind: string; size: number }[]; archive: { files: number; bytes: number } };
      // The manifest lists exactly what tar wrote, in tar's order (parents first, names sorted).
      expect(manifest.files.map((f) => f.path)).toEqual(members(result.path));
      expect(manifest.archive).toMatchObject({ files: result.files, bytes: result.bytes });
      expect(manifest.files.find((f) => f.path === 'mainnet/current')).toEqual({ path: 'mainnet/current', kind: 'symlink', size: 0 });
      expect(manifest.files.some((f) => f.path.endsWith('.log'))).toBe(false);
      expect(await readdir(path.dirname(result.path))).toEqual(['node.tar.zst', 'node.tar.zst.manifest.json', 'node.tar.zst.sha256']);
    }
    expect([streamed.streamedList, listed.streamedList]).toEqual([true, false]);
    expect(members(streamed.path)).toEqual(members(listed.path));
    expect(members(streamed.path).slice(0, 4)).toEqual(['mainnet', 'mainnet/a', 'mainnet/a/z.txt', 'mainnet/b']);
    expect(streamed.files).toBe(listed.files);
    expect(streamed.bytes).toBe(listed.bytes);
    expect(streamed.files).toBe(303);
  });

  it('refuses before writing when even the exact size does not fit', async () => {
    const root = await tempDir();
    const data = await dataTree(root);
    const out = path.join(root, 'out');
    await mkdir(out);
    // A factor no destination satisfies: the cheap bound fails, so the files are listed first.
    const attempt = createArchive(request(data, out, { spaceFactor: 1e12 }));
    await expect(attempt).rejects.toThrow(UserError);
    await expect(attempt).rejects.toThrow(/free; the archive of .* needs about/);
    expect(await readdir(out)).toEqual([]);
  });

  it('stops the streamed archive when the exact size, known once the walk ends, does not fit', async () => {
    const root = await tempDir();
    const data = await dataTree(root);
    const out = path.join(root, 'out');
    await mkdir(out);
    // A sparse file: many times the free space in apparent size, nearly nothing in blocks used,
    // so the cheap bound lets tar start and only the walk's exact total can refuse. The exact
    // need is three times the free space: other tests free space while this one runs, and a
    // need just above today's free space could then fit, and tar would read terabytes of holes.
    const free = await freeBytes(out);
    const apparent = Math.min(free * 30, 15 * 1024 ** 4); // ext4's file size limit is 16 TiB
    const spaceFactor = (3 * free) / apparent;
    await writeFile(path.join(data, 'chainstate/vm/sparse.db'), '');
    await truncate(path.join(data, 'chainstate/vm/sparse.db'), apparent);
    const bound = await usedBytesBound([data]);
    expect(bound).not.toBeNull();
    expect(free).toBeGreaterThanOrEqual(Math.ceil((bound as number) * spaceFactor));
    const attempt = createArchive(request(data, out, { spaceFactor }));
    await expect(attempt).rejects.toThrow(/needs about/);
    expect(await readdir(out)).toEqual([]);
  });

  it('refuses a fifo met while tar is already running, and leaves nothing behind', async () => {
    const root = await tempDir();
    const data = await dataTree(root);
    execFileSync('mkfifo', [path.join(data, 'chainstate/zz-pipe')]);
    const out = path.join(root, 'out');
    await mkdir(out);
    const attempt = createArchive(request(data, out));
    await expect(attempt).rejects.toThrow(/is a device or fifo/);
    expect(await readdir(out)).toEqual([]);
  });
});

describe('free-space bound', () => {
  it('reads mount points with their escapes undone', () => {
    const text = [
      '22 1 253:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
      '35 22 0:30 / /mnt/ledger\\040disk rw - xfs /dev/vdb rw',
      '',
    ].join('\n');
    expect(parseMountPoints(text)).toEqual(['/', '/mnt/ledger disk']);
  });

  it('is at least what the data itself takes', async () => {
    const root = await tempDir();
    const data = await dataTree(root);
    await writeFile(path.join(data, 'big.bin'), Buffer.alloc(4 * 1024 * 1024, 1));
    const bound = await usedBytesBound([data]);
    expect(bound).toBeGreaterThanOrEqual(4 * 1024 * 1024);
  });
});

describe('createArchive, cancelled', () => {
  it('stops tar, zstd and the walk when cancelled while the list is still being fed, leaving nothing', async () => {
    const root = await tempDir();
    const data = path.join(root, 'mainnet');
    // Enough entries, with long names, for the walk to take many turns of the event loop and
    // the list to fill tar's input pipe while the walk is still going.
    const long = 'x'.repeat(120);
    for (let d = 0; d < 40; d++) {
      await mkdir(path.join(data, `d${d}`), { recursive: true });
      await Promise.all(Array.from({ length: 500 }, (_, f) => writeFile(path.join(data, `d${d}`, `${long}-${f}`), `${d}/${f}\n`)));
    }
    const out = path.join(root, 'out');
    await mkdir(out);
    const controller = new AbortController();
    const attempt = createArchive(request(data, out, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 15);
    await expect(attempt).rejects.toThrow(/cancelled/i);
    expect(await readdir(out)).toEqual([]);
  });
});
