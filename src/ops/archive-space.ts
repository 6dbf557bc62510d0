import { readFile, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { isErrno } from '../core/fs-errors.js';

/** Free bytes an unprivileged writer can use in `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const fs = await statfs(dir);
  return fs.bavail * fs.bsize;
}

/**
 * An upper bound, without walking them, on the bytes stored under `paths`: the used bytes of
 * every file system they live on, plus every file system mounted inside them (from
 * /proc/self/mountinfo), each counted once. null when it cannot be known (no mountinfo).
 *
 * Used to let an archive start before its files are counted: if the destination has room
 * even for this, it has room for the archive. The bound is of blocks in use, not of file
 * sizes, so a sparse file or a compressing file system (ZFS, btrfs) can hold more apparent
 * bytes than it; the archive step therefore still checks the exact total as soon as its walk
 * ends, long before the archive is complete.
 */
export async function usedBytesBound(paths: readonly string[]): Promise<number | null> {
  let mountinfo: string;
  try {
    mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  } catch {
    return null;
  }
  const roots = paths.map((p) => path.resolve(p));
  const inside = (mountPoint: string) => roots.some((root) => mountPoint.startsWith(`${root}/`));
  const candidates = [...roots, ...parseMountPoints(mountinfo).filter(inside)];
  const seen = new Set<number>();
  let total = 0;
  for (const candidate of candidates) {
    let device: number;
    try {
      device = (await stat(candidate)).dev;
    } catch (error) {
      if (isErrno(error, 'ENOENT') || isErrno(error, 'EACCES')) continue;
      throw error;
    }
    if (seen.has(device)) continue;
    seen.add(device);
    const fs = await statfs(candidate);
    total += (fs.blocks - fs.bfree) * fs.bsize;
  }
  return total;
}

/** Field 5 of each mountinfo line, with the kernel's octal escapes (\040 for a space) undone. */
export function parseMountPoints(mountinfo: string): string[] {
  const points: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const field = line.split(' ')[4];
    if (field === undefined || field === '') continue;
    points.push(field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))));
  }
  return points;
}
