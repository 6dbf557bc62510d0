import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { lstat, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileOperationError } from '../../src/core/errors.js';
import { copyFileVerified } from '../../src/ops/copy.js';
import { ReadBack } from '../../src/ops/read-back-verifier.js';
import { tempDir } from '../support/temp-dir.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('copyFileVerified', () => {
  it.each([
    ['a small file (hashed twice)', 300_000],
    ['a large file (compared byte for byte on another thread)', 4 * 4 * 1024 * 1024 * 2 + 12_345],
  ])('copies %s with its sha256, mode and times', async (_name, size) => {
    const dir = await tempDir();
    const source = path.join(dir, 'source.bin');
    const target = path.join(dir, 'target.bin');
    const data = randomBytes(size);
    await writeFile(source, data, { mode: 0o640 });
    const expected = await lstat(source);
    const result = await copyFileVerified(source, target, expected);
    expect(result).toEqual({ sha256: sha256(data), size });
    expect((await readFile(target)).equals(data)).toBe(true);
    const copied = await stat(target);
    expect(copied.mode & 0o777).toBe(0o640);
    expect(Math.abs(copied.mtimeMs - expected.mtimeMs)).toBeLessThan(1); // utimes keeps milliseconds
  });

  it('refuses a copy that does not have the source size after the fsync', async () => {
    const dir = await tempDir();
    const source = path.join(dir, 'source.bin');
    const target = path.join(dir, 'target.bin');
    const size = 20 * 1024 * 1024;
    await writeFile(source, randomBytes(size));
    let seen = 0;
    const attempt = copyFileVerified(source, target, await lstat(source), {
      // Something else appends to the copy once the last chunk is on its way.
      onBytes: (bytes) => {
        seen += bytes;
        if (seen === size) {
          const fd = openSync(target, 'r+');
          writeSync(fd, Buffer.from('tail'), 0, 4, size + 10);
          closeSync(fd);
        }
      },
    });
    await expect(attempt).rejects.toThrow(FileOperationError);
    await expect(attempt).rejects.toThrow(/does not read back the same \(20971534 bytes, expected 20971520\)/);
  });
});

describe('ReadBack', () => {
  it('accepts equal bytes, and refuses a differing or short destination', async () => {
    const dir = await tempDir();
    const memory = new SharedArrayBuffer(64);
    const view = Buffer.from(memory);
    view.fill(7);
    const file = path.join(dir, 'copy.bin');
    await writeFile(file, Buffer.concat([Buffer.alloc(32, 7), Buffer.alloc(16, 9)]));
    const readBack = new ReadBack(file, memory);
    await expect(readBack.check(0, 0, 32)).resolves.toBeUndefined();
    await expect(readBack.check(32, 32, 16)).rejects.toThrow(/differs from the source within bytes 32\.\.48/);
    readBack.abort();

    const short = path.join(dir, 'short.bin');
    await writeFile(short, Buffer.alloc(24, 7));
    const again = new ReadBack(short, memory);
    await expect(again.check(0, 16, 16)).rejects.toThrow(/shorter than what was written at offset 24/);
    again.abort();

    const sized = new ReadBack(file, memory);
    await expect(sized.check(0, 0, 16)).resolves.toBeUndefined();
    await expect(sized.finish(40)).resolves.toEqual({ size: 48 });
  });
});
