import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { placeArchive } from '../../src/agave/fetch/place-archive.js';
import { FileOperationError } from '../../src/core/errors.js';
import { FetchProgress, progressText } from '../../src/output/fetch-progress.js';
import { tempDir } from '../support/temp-dir.js';

describe('placeArchive', () => {
  it('gives the partial its final name and removes the partial and its owner note', async () => {
    const dir = await tempDir();
    const final = path.join(dir, 'snapshot-1-x.tar.zst');
    await writeFile(`${final}.partial`, 'data');
    await writeFile(`${final}.partial.json`, '{}');
    await placeArchive(final);
    expect(await readFile(final, 'utf8')).toBe('data');
    await expect(readFile(`${final}.partial`)).rejects.toThrow(/ENOENT/);
    await expect(readFile(`${final}.partial.json`)).rejects.toThrow(/ENOENT/);
  });

  it('never replaces an existing archive: the partial stays, the error says so', async () => {
    const dir = await tempDir();
    const final = path.join(dir, 'snapshot-1-x.tar.zst');
    await writeFile(final, 'the one already there');
    await writeFile(`${final}.partial`, 'data');
    const error = await placeArchive(final).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileOperationError);
    expect((error as Error).message).toBe(`${final} appeared while it was downloaded; snapplan never overwrites an archive.`);
    expect(await readFile(final, 'utf8')).toBe('the one already there');
    expect(await readFile(`${final}.partial`, 'utf8')).toBe('data');
  });
});

describe('FetchProgress', () => {
  const progress = (bytes: number) => ({ type: 'progress' as const, name: 'a', progress: { bytes, total: 100 * 1024 * 1024, speed: 10e6, resumedFrom: 0 } });

  it('on a terminal redraws one line: bar, bytes, percent, speed, ETA', () => {
    let out = '';
    const p = new FetchProgress({ write: (t) => void (out += t) }, { live: true, chalk: new Chalk({ level: 0 }), now: () => 0 });
    p.on(progress(50 * 1024 * 1024));
    expect(out).toBe('\r\x1b[2K  [############------------] 50 MiB of 100 MiB (50%), 10.0 MB/s, ETA 6 s');
    p.stop();
    expect(out.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('without a terminal prints a plain line at most every 10 s', () => {
    let out = '';
    let now = 0;
    const p = new FetchProgress({ write: (t) => void (out += t) }, { live: false, chalk: new Chalk({ level: 0 }), now: () => now });
    p.on({ type: 'download-start', name: 'a', source: 'http://h', size: 100 * 1024 * 1024, dir: '/d' });
    p.on(progress(1));
    now = 9_999;
    p.on(progress(2));
    expect(out).toBe('download a (100 MiB) from http://h into /d\n');
    now = 10_000;
    p.on(progress(30 * 1024 * 1024));
    expect(out.split('\n')[1]).toBe('  30 MiB of 100 MiB (30%), 10.0 MB/s, ETA 8 s');
    expect(out).not.toContain('\r');
  });

  it('progressText without a known total', () => {
    expect(progressText(2048, null, 1.5e6)).toBe('2.0 KiB, 1.5 MB/s');
  });
});
