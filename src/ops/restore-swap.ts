import { mkdir, readdir, readFile, rename, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { ensureDirectory, fsyncDirectory, lstatOrNull, wrapFsError } from './fs-util.js';
import { utcStamp } from '../core/time.js';

/**
 * Putting an extracted tree in place by rename only (staging is beside the target, on the same
 * file system), so every step is atomic and reversible. What was there goes to
 * `<dir>.snapplan-old-<UTC>`, described by `<dir>.snapplan-old-<UTC>.json`, which is what
 * `restore --rollback` reads.
 */

/** One thing to move into place: a path under staging, and where it goes. */
export interface Placement {
  readonly from: string;
  readonly to: string;
}

export interface SwapRecord {
  readonly version: 1;
  readonly createdAt: string;
  readonly dataDir: string;
  /** `folder`: the data folder itself was replaced; `members`: entries inside it were. */
  readonly layout: 'folder' | 'members';
  readonly oldDir: string;
  readonly archive: string;
  readonly placed: readonly { readonly to: string; readonly hadOld: boolean }[];
}

export const OLD_INFIX = '.snapplan-old-';


export function oldDirFor(dataDir: string, now: Date): string {
  return `${dataDir}${OLD_INFIX}${utcStamp(now)}`;
}

export async function swapIn(staging: string, placements: readonly Placement[], options: { dataDir: string; layout: 'folder' | 'members'; now: Date; archive: string }): Promise<SwapRecord> {
  const { dataDir, layout } = options;
  const oldDir = oldDirFor(dataDir, options.now);
  if ((await lstatOrNull(oldDir)) !== null) throw new UserError(`${oldDir} already exists.`, { hint: 'Wait a second and run again, or move it away.' });
  const done: { to: string; hadOld: boolean; aside: string | null; from: string }[] = [];
  try {
    if (layout === 'members') await mkdir(oldDir);
    for (const placement of placements) {
      const from = path.join(staging, placement.from);
      const aside = layout === 'folder' ? oldDir : path.join(oldDir, path.relative(dataDir, placement.to));
      const hadOld = (await lstatOrNull(placement.to)) !== null;
      if (hadOld) {
        await ensureDirectory(path.dirname(aside));
        await rename(placement.to, aside).catch((error: unknown) => {
          throw wrapFsError(error, 'move aside', placement.to);
        });
      }
      done.push({ to: placement.to, hadOld, aside: hadOld ? aside : null, from });
      await ensureDirectory(path.dirname(placement.to));
      await rename(from, placement.to).catch((error: unknown) => {
        throw wrapFsError(error, 'move into place', placement.to);
      });
    }
  } catch (error) {
    // Put back what was moved, newest first; the restore reports the first error.
    for (const step of done.reverse()) {
      if ((await lstatOrNull(step.to)) !== null && (await lstatOrNull(step.from)) === null) await rename(step.to, step.from).catch(() => undefined);
      if (step.aside !== null) await rename(step.aside, step.to).catch(() => undefined);
    }
    if (layout === 'members') await rmdirTree(oldDir);
    throw error;
  }
  const record: SwapRecord = { version: 1, createdAt: options.now.toISOString(), dataDir, layout, oldDir, archive: options.archive, placed: done.map((d) => ({ to: d.to, hadOld: d.hadOld })) };
  await writeFile(`${oldDir}.json`, JSON.stringify(record, null, 2) + '\n');
  await fsyncDirectory(path.dirname(dataDir));
  return record;
}

/** The newest restore record of `dataDir` not yet rolled back, or the one named. */
export async function findSwapRecord(dataDir: string, oldDir?: string): Promise<SwapRecord> {
  let file: string;
  if (oldDir !== undefined) file = `${oldDir.replace(/\/+$/, '')}.json`;
  else {
    const parent = path.dirname(dataDir);
    const prefix = `${path.basename(dataDir)}${OLD_INFIX}`;
    const names = (await readdir(parent)).filter((n) => n.startsWith(prefix) && n.endsWith('.json')).sort();
    const newest = names.at(-1);
    if (newest === undefined) throw new UserError(`No earlier restore of ${dataDir} to roll back (no ${prefix}*.json beside it).`);
    file = path.join(parent, newest);
  }
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new UserError(`Cannot read the restore record ${file}: ${(error as Error).message}`);
  });
  const record = JSON.parse(text) as SwapRecord;
  if (record.version !== 1 || record.dataDir !== dataDir) throw new UserError(`${file} is not a restore record of ${dataDir}.`);
  return record;
}

/**
 * Puts the old folder (or entries) back. What the restore had put in place is not deleted:
 * it goes to `<dir>.snapplan-rolledback-<UTC>`.
 */
export async function rollbackSwap(record: SwapRecord, now: Date): Promise<{ movedAside: string }> {
  const aside = `${record.dataDir}.snapplan-rolledback-${utcStamp(now)}`;
  if (record.layout === 'members') await mkdir(aside, { recursive: true });
  for (const item of [...record.placed].reverse()) {
    const target = record.layout === 'folder' ? aside : path.join(aside, path.relative(record.dataDir, item.to));
    if ((await lstatOrNull(item.to)) !== null) {
      await ensureDirectory(path.dirname(target));
      await rename(item.to, target).catch((error: unknown) => {
        throw wrapFsError(error, 'move aside', item.to);
      });
    }
    if (item.hadOld) {
      const old = record.layout === 'folder' ? record.oldDir : path.join(record.oldDir, path.relative(record.dataDir, item.to));
      await rename(old, item.to).catch((error: unknown) => {
        throw wrapFsError(error, 'put back', old);
      });
    }
  }
  if (record.layout === 'members') await rmdirTree(record.oldDir);
  await rename(`${record.oldDir}.json`, `${record.oldDir}.rolled-back.json`);
  await fsyncDirectory(path.dirname(record.dataDir));
  return { movedAside: aside };
}

/** Removes a tree of now-empty folders (what is left of the old-entries folder); keeps anything non-empty. */
async function rmdirTree(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const child = path.join(dir, name);
    if ((await lstatOrNull(child))?.isDirectory()) await rmdirTree(child);
  }
  await rmdir(dir).catch(() => undefined);
}
