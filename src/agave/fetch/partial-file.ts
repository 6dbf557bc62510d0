import { readFile, rm, writeFile } from 'node:fs/promises';
import { isErrno } from '../../core/fs-errors.js';

/**
 * A download in progress is `<name>.partial`, with `<name>.partial.json` beside it saying whose
 * bytes it holds. Two nodes serve different bytes under the same archive name (each compresses
 * its own accounts files), so a partial is resumed only from the source that wrote it, and only
 * while that source still announces the same size (and ETag, when it sends one).
 */
export interface PartialOwner {
  readonly source: string;
  readonly size: number | null;
  readonly etag: string | null;
  readonly lastModified: string | null;
}

export function partialPath(finalPath: string): string {
  return `${finalPath}.partial`;
}

export function ownerPath(finalPath: string): string {
  return `${partialPath(finalPath)}.json`;
}

export async function readOwner(finalPath: string): Promise<PartialOwner | null> {
  try {
    const value = JSON.parse(await readFile(ownerPath(finalPath), 'utf8')) as Partial<PartialOwner>;
    if (typeof value.source !== 'string') return null;
    return { source: value.source, size: typeof value.size === 'number' ? value.size : null, etag: value.etag ?? null, lastModified: value.lastModified ?? null };
  } catch (error) {
    if (isErrno(error, 'ENOENT') || error instanceof SyntaxError) return null;
    throw error;
  }
}

export async function writeOwner(finalPath: string, owner: PartialOwner): Promise<void> {
  await writeFile(ownerPath(finalPath), JSON.stringify(owner) + '\n');
}

/** Removes the partial and its owner note (a corrupt download, or after the final rename). */
export async function removePartial(finalPath: string, options: { keepData?: boolean } = {}): Promise<void> {
  if (!options.keepData) await rm(partialPath(finalPath), { force: true });
  await rm(ownerPath(finalPath), { force: true });
}
