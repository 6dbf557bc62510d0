import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { TarStreamCheck } from '../../src/agave/fetch/tar-stream-check.js';
import { checkArchiveStream } from '../../src/agave/fetch/verify-download.js';
import { tempDir } from '../support/temp-dir.js';

async function realTar(): Promise<{ dir: string; tar: Buffer; file: string }> {
  const dir = await tempDir();
  await mkdir(path.join(dir, 'src/accounts'), { recursive: true });
  await writeFile(path.join(dir, 'src/version'), '1.2.0');
  await writeFile(path.join(dir, 'src/accounts/1.0'), randomBytes(3000));
  await writeFile(path.join(dir, 'src/accounts/2.0'), randomBytes(1024));
  const file = path.join(dir, 'a.tar');
  await execa('tar', ['--format=gnu', '-cf', file, '-C', path.join(dir, 'src'), '.']);
  return { dir, tar: await readFile(file), file };
}

function check(bytes: Uint8Array, pieces = 7): string | null {
  const t = new TarStreamCheck();
  // Odd piece sizes: headers and data split across chunks.
  const step = Math.max(1, Math.floor(bytes.length / pieces));
  for (let i = 0; i < bytes.length; i += step) t.push(bytes.subarray(i, i + step));
  return t.result();
}

/** Where the end-of-archive zero blocks start. */
function endOfEntries(tar: Buffer): number {
  let end = tar.length;
  while (end >= 512 && tar.subarray(end - 512, end).every((b) => b === 0)) end -= 512;
  return end;
}

describe('TarStreamCheck on tar files written by GNU tar', () => {
  it('accepts a whole archive, however it is chunked', async () => {
    const { tar } = await realTar();
    expect(check(tar, 1)).toBeNull();
    expect(check(tar, 33)).toBeNull();
  });

  it('refuses a stream cut at an entry boundary (GNU tar -t accepts it silently)', async () => {
    const { tar } = await realTar();
    expect(check(tar.subarray(0, endOfEntries(tar)))).toMatch(/without its end-of-archive marker/);
  });

  it('refuses a stream cut inside an entry, a damaged header, data after the end, and an empty stream', async () => {
    const { tar } = await realTar();
    expect(check(tar.subarray(0, 1500))).toMatch(/cut short at byte 1500/);
    const headerDamaged = Buffer.from(tar);
    headerDamaged[10] = 0x41; // a name byte of the first header: its checksum no longer matches
    expect(check(headerDamaged)).toMatch(/header at byte 0 is damaged/);
    const trailing = Buffer.concat([tar, Buffer.from('garbage'.padEnd(512, 'x'))]);
    expect(check(trailing)).toMatch(/after its end-of-archive marker/);
    expect(check(Buffer.alloc(0))).toMatch(/empty/);
  });

  it('checkArchiveStream decodes zstd, lz4 and gzip to the end and walks the tar inside', async () => {
    const { dir, file, tar } = await realTar();
    for (const [format, tool, args] of [['tar.zst', 'zstd', ['-q', '-o']], ['tar.lz4', 'lz4', ['-q']], ['tar.gz', 'gzip', []]] as const) {
      const out = `${file}.${format.slice(4)}`;
      if (tool === 'gzip') await writeFile(out, (await execa('gzip', ['-c', file], { encoding: 'buffer' })).stdout);
      else if (tool === 'zstd') await execa('zstd', [...args, out, file]);
      else await execa('lz4', [...args, file, out]);
      expect(await checkArchiveStream(out, format), format).toBeNull();
      const whole = await readFile(out);
      const cut = path.join(dir, `cut.${format}`);
      await writeFile(cut, whole.subarray(0, Math.floor(whole.length * 0.7)));
      expect(await checkArchiveStream(cut, format), format).toMatch(new RegExp(`${tool} cannot decode it`));
    }
    // A zstd stream that decodes fine but holds a tar cut at an entry boundary.
    const short = path.join(dir, 'short.tar');
    await writeFile(short, tar.subarray(0, endOfEntries(tar)));
    await execa('zstd', ['-q', '-o', `${short}.zst`, short]);
    expect(await checkArchiveStream(`${short}.zst`, 'tar.zst')).toMatch(/without its end-of-archive marker/);
  });
});
