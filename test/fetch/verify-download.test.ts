import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parseArchiveName, type ParsedArchiveName } from '../../src/agave/archive-name.js';
import { verifyDownload } from '../../src/agave/fetch/verify-download.js';
import { hashFor } from '../support/ledger-tree.js';
import { tempDir } from '../support/temp-dir.js';

const NAME = `snapshot-1000-${hashFor('full-1000')}.tar.zst`;

function parsed(name: string): ParsedArchiveName {
  const v = parseArchiveName(name);
  if (!v.ok) throw new Error(name);
  return v.archive;
}

/** A GNU tar of a few random files, and where its end-of-archive zero blocks start. */
async function realTar(dir: string): Promise<{ tar: Buffer; entriesEnd: number }> {
  await mkdir(path.join(dir, 'src/accounts'), { recursive: true });
  await writeFile(path.join(dir, 'src/version'), '1.2.0');
  await writeFile(path.join(dir, 'src/accounts/1.0'), randomBytes(3000));
  const file = path.join(dir, 'a.tar');
  await execa('tar', ['--format=gnu', '-cf', file, '-C', path.join(dir, 'src'), '.']);
  const tar = await readFile(file);
  let end = tar.length;
  while (end >= 512 && tar.subarray(end - 512, end).every((b) => b === 0)) end -= 512;
  return { tar, entriesEnd: end };
}

async function zst(dir: string, name: string, tar: Buffer): Promise<string> {
  const raw = path.join(dir, `${name}.raw`);
  await writeFile(raw, tar);
  const out = path.join(dir, name);
  await execa('zstd', ['-q', '-f', '-o', out, raw]);
  return out;
}

describe('verifyDownload: the checks before the rename', () => {
  it('passes a whole archive whose size and name are as announced', async () => {
    const dir = await tempDir();
    const { tar } = await realTar(dir);
    const file = await zst(dir, NAME, tar);
    const size = (await readFile(file)).length;
    expect(await verifyDownload(file, { name: NAME, archive: parsed(NAME), size })).toBeNull();
  });

  it('refuses a size other than announced, a name without the expected slot, a cut zstd stream, and a tar cut at an entry boundary', async () => {
    const dir = await tempDir();
    const { tar, entriesEnd } = await realTar(dir);
    const file = await zst(dir, NAME, tar);
    const bytes = await readFile(file);
    expect(await verifyDownload(file, { name: NAME, archive: parsed(NAME), size: bytes.length + 1 })).toBe(`it has ${bytes.length} bytes, the server announced ${bytes.length + 1}`);
    const other = `snapshot-1001-${hashFor('full-1000')}.tar.zst`;
    expect(await verifyDownload(file, { name: NAME, archive: parsed(other), size: null })).toMatch(/does not carry the expected slot 1001/);
    const cut = path.join(dir, 'cut.tar.zst');
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    expect(await verifyDownload(cut, { name: NAME, archive: parsed(NAME), size: null })).toMatch(/^it .*(truncated|ends|cut|decode)/i);
    // zstd decodes this one cleanly: only the tar walk sees that it stops early.
    const short = await zst(dir, 'short.tar.zst', tar.subarray(0, entriesEnd));
    expect(await verifyDownload(short, { name: NAME, archive: parsed(NAME), size: null })).toMatch(/without the end-of-archive block/);
  });
});
