import { stat } from 'node:fs/promises';
import { verifyArchive } from '../archive-check.js';
import { parseArchiveName, type ParsedArchiveName } from '../archive-name.js';

export interface ExpectedArchive {
  readonly name: string;
  readonly archive: ParsedArchiveName;
  /** The size the server announced, when it did. */
  readonly size: number | null;
}

/**
 * The checks a downloaded `.partial` must pass before it is renamed into place: the size the
 * server announced, a name Agave accepts with the expected kind, slots and hash, and the whole
 * file (archive-check.ts verifyArchive: the compression decoded to its end, nothing extracted,
 * and a well-formed tar stream up to its end-of-archive block). Returns null when all pass,
 * else one phrase about the file.
 */
export async function verifyDownload(
  file: string,
  expected: ExpectedArchive,
  options: { signal?: AbortSignal | undefined; env?: NodeJS.ProcessEnv | undefined; onProgress?: ((bytesRead: number) => void) | undefined } = {},
): Promise<string | null> {
  const { size } = await stat(file);
  if (expected.size !== null && size !== expected.size) return `it has ${size} bytes, the server announced ${expected.size}`;
  const verdict = parseArchiveName(expected.name);
  if (!verdict.ok) return `its name ${expected.name} is not one Agave accepts`;
  const a = verdict.archive;
  if (a.kind !== expected.archive.kind || a.slot !== expected.archive.slot || a.baseSlot !== expected.archive.baseSlot || a.hash !== expected.archive.hash) {
    return `its name ${expected.name} does not carry the expected slot ${expected.archive.slot}`;
  }
  const problem = await verifyArchive(file, a.format, options);
  return problem === null ? null : `it ${problem.message}`;
}
