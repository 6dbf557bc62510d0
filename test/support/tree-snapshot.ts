import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * A fingerprint of a folder tree: every entry's path, type, size, mode, mtime and content
 * hash. Two equal fingerprints mean nothing was created, removed, changed or touched.
 * `ignoreFolderMtimes`: for `apply`, which takes its lock file in the ledger folder before it
 * plans (and removes it when it refuses), so the folder's mtime moves while nothing in it changes.
 */
export async function fingerprintTree(root: string, options: { ignoreFolderMtimes?: boolean } = {}): Promise<string[]> {
  const lines: string[] = [];
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      const info = await lstat(full);
      const rel = path.relative(root, full);
      const mtime = entry.isDirectory() && options.ignoreFolderMtimes ? '' : ` mtime=${info.mtimeMs}`;
      const base = `${rel} mode=${info.mode.toString(8)}${mtime}`;
      if (entry.isDirectory()) {
        lines.push(`${base} dir`);
        await walk(full);
      } else if (entry.isSymbolicLink()) {
        lines.push(`${base} -> ${await readlink(full)}`);
      } else {
        lines.push(`${base} size=${info.size} sha256=${createHash('sha256').update(await readFile(full)).digest('hex')}`);
      }
    }
  }
  await walk(root);
  return lines;
}
