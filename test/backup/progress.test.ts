import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

describe('progress of the long steps on a terminal', () => {
  it('backup draws the archive step in place with bytes and speed; restore draws the extraction as a bar', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'node');
    const out = path.join(dir, 'out');
    await mkdir(data);
    await mkdir(out);
    // Random bytes do not compress: several progress reports while zstd writes.
    await writeFile(path.join(data, 'blob'), randomBytes(9 * 1024 * 1024));
    const backup = await runMain(['backup', 'generic', '--data-dir', data, '--to', out, '--service-manager', 'none'], { cwd: dir, isTTY: true });
    expect(backup.exitCode, backup.stderr).toBe(0);
    expect(backup.stderr.replaceAll('\x1b[2K', '<clear>')).toMatch(/\r<clear>snapplan: archive {2}[0-9.]+ MiB/);
    // The live line is ended before the next event line.
    expect(backup.stderr).toMatch(/MiB[^\n]*\nsnapplan: archive: ok/);
    const archive = /^archive: +(\S+)$/m.exec(backup.stdout)?.[1] as string;
    const restore = await runMain(['restore', 'generic', '--data-dir', data, '--from', archive, '--service-manager', 'none'], { cwd: dir, isTTY: true });
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(restore.stderr.replaceAll('\x1b[2K', '<clear>')).toMatch(/\r<clear>snapplan: extract {2}\[[#-]{24}\] {2}[0-9.]+ [KM]iB \/ 9\.0 MiB/);
  });

  it('prints no progress line for a small job outside a terminal', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'node');
    await mkdir(data);
    await writeFile(path.join(data, 'f'), 'x');
    const backup = await runMain(['backup', 'generic', '--data-dir', data, '--to', dir, '--service-manager', 'none'], { cwd: dir });
    expect(backup.exitCode, backup.stderr).toBe(0);
    expect(backup.stderr).not.toContain('\r');
  });
});
