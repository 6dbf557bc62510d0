import { mkdir, readdir, rm } from 'node:fs/promises';
import { ArchiveRefusedError } from '../../core/errors.js';
import { unsafeEntry } from '../../ops/safe-extract.js';

/**
 * devicedb's snapshot tar is flat (node/snapshotter.go): bare LevelDB file names, regular files
 * only, with Name, Mode and Size in each header. Anything else (a folder, a link, a path with a
 * `/`) is not a devicedb piece and is refused before a single byte is written.
 */
function problemOf(name: string, type: string, linkpath: string | undefined): { reason: ArchiveRefusedError['reason']; message: string } | null {
  const general = unsafeEntry(name, type, linkpath);
  if (general) return general;
  if (type !== 'File' && type !== 'OldFile' && type !== 'ContiguousFile') return { reason: 'unsupported-entry', message: `${type} entry ${JSON.stringify(name)} in a flat devicedb tar` };
  if (name.includes('/') || name === '' || name === '.') return { reason: 'layout', message: `entry ${JSON.stringify(name)} is not a bare file name (a devicedb tar is flat)` };
  return null;
}

/** Reads the whole archive's headers; throws ArchiveRefusedError at the first unsafe entry. */
export async function checkFlatTar(file: string): Promise<{ entries: number }> {
  const tar = await import('tar');
  let entries = 0;
  let refused: ArchiveRefusedError | null = null;
  try {
    await tar.t({
      file,
      strict: true,
      onReadEntry: (entry) => {
        const problem = refused ? null : problemOf(entry.path, entry.type, entry.linkpath);
        if (problem) refused = new ArchiveRefusedError(`${file} refused: ${problem.message}.`, problem.reason, entry.path);
        entries += 1;
      },
    });
  } catch (error) {
    throw new ArchiveRefusedError(`${file} refused: not a readable tar (${(error as Error).message.split('\n')[0]}).`, 'truncated', undefined, { cause: error });
  }
  if (refused) throw refused;
  return { entries };
}

/** Extracts a checked flat tar into the new folder `staging`; removes it again on any failure. */
export async function extractFlatTar(file: string, staging: string): Promise<{ entries: number; names: string[] }> {
  await mkdir(staging, { recursive: false });
  const tar = await import('tar');
  let refused: ArchiveRefusedError | null = null;
  try {
    await tar.x({
      file,
      cwd: staging,
      strict: true,
      preservePaths: false,
      preserveOwner: false,
      filter: (entryPath, entry) => {
        const read = entry as { type?: string; linkpath?: string };
        const problem = refused ? null : problemOf(entryPath, read.type ?? 'File', read.linkpath);
        if (problem) refused = new ArchiveRefusedError(`${file} refused: ${problem.message}.`, problem.reason, entryPath);
        return refused === null;
      },
    });
    if (refused) throw refused;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (error instanceof ArchiveRefusedError) throw error;
    throw new ArchiveRefusedError(`${file} refused: extraction failed (${(error as Error).message.split('\n')[0]}).`, 'truncated', undefined, { cause: error });
  }
  const names = (await readdir(staging)).sort();
  return { entries: names.length, names };
}
