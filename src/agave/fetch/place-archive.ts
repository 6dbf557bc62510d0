import { link, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import { FileOperationError } from '../../core/errors.js';
import { isErrno } from '../../core/fs-errors.js';
import { partialPath, removePartial } from './partial-file.js';

/**
 * Puts a checked `.partial` in place under its final name without ever replacing a file:
 * link(2) fails with EEXIST where rename(2) would overwrite, so the new name appears
 * atomically or not at all. Then the partial name goes, and the folder is fsync'd so the new
 * name survives a crash.
 */
export async function placeArchive(finalPath: string): Promise<void> {
  const partial = partialPath(finalPath);
  try {
    await link(partial, finalPath);
  } catch (error) {
    if (isErrno(error, 'EEXIST')) {
      throw new FileOperationError(`${finalPath} appeared while it was downloaded; snapplan never overwrites an archive.`, { operation: 'link', path: finalPath, code: 'EEXIST' }, {
        hint: `Compare the two files; the download is kept as ${partial}.`,
      });
    }
    throw new FileOperationError(`Could not put ${path.basename(finalPath)} in place: ${(error as Error).message}.`, { operation: 'link', path: finalPath, code: (error as NodeJS.ErrnoException).code });
  }
  await unlink(partial);
  await removePartial(finalPath, { keepData: true });
  const dir = await open(path.dirname(finalPath), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
