import { lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { extractZstdTar } from '../../src/ops/safe-extract.js';

/**
 * Every backup the suite makes through runMain() is restored here, with the restore's own
 * extraction, and the tree it gives is compared with the manifest's list of what was archived
 * (path, kind, size of each entry). A backup that cannot be restored fails the test that made it.
 */
export async function expectRestorable(archive: string): Promise<void> {
  const manifest = JSON.parse(await readFile(`${archive}.manifest.json`, 'utf8')) as { files: { path: string; kind: string; size: number }[] };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'snapplan-restorable-'));
  try {
    const staging = path.join(dir, 'staging');
    await extractZstdTar(archive, staging);
    const found: string[] = [];
    const walk = async (rel: string): Promise<void> => {
      for (const name of await readdir(path.join(staging, rel))) {
        const child = rel === '' ? name : `${rel}/${name}`;
        const stats = await lstat(path.join(staging, child));
        const kind = stats.isSymbolicLink() ? 'symlink' : stats.isDirectory() ? 'directory' : 'file';
        found.push(`${kind} ${child} ${kind === 'file' ? stats.size : 0}`);
        if (kind === 'directory') await walk(child);
      }
    };
    await walk('');
    const listed = manifest.files.map((f) => `${f.kind} ${f.path} ${f.size}`);
    // Folders a member path runs through (Loom's `.loom/`) are made by the extraction too.
    const implied = new Set(manifest.files.flatMap((f) => f.path.split('/').slice(0, -1).map((_, i, parts) => `directory ${parts.slice(0, i + 1).join('/')} 0`)));
    expect(found.filter((e) => !implied.has(e) || listed.includes(e)).sort(), `restore of ${archive}`).toEqual(listed.sort());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The local archive a successful `backup` run reports (JSON or text), or null. */
export function backupArchive(stdout: string): string | null {
  const trimmed = stdout.trim();
  if (trimmed.startsWith('{')) {
    const doc = JSON.parse(trimmed) as { dryRun?: boolean; archive?: { location?: string } | null };
    const location = doc.archive?.location;
    return doc.dryRun || !location || location.startsWith('s3://') ? null : location;
  }
  const location = /^archive: +(\S+)$/m.exec(stdout)?.[1];
  return location === undefined || location.startsWith('s3://') ? null : location;
}
