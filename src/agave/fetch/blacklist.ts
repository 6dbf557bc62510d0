import { readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { isErrno } from '../../core/fs-errors.js';

/**
 * Sources that served a corrupt archive, kept in the ledger folder so that the next `fetch`
 * (and the next operator) does not try them again. Keyed by `scheme://host:port` (never a
 * credential) and, when known, the node's identity.
 */
export interface BlacklistEntry {
  readonly source: string;
  readonly identity: string | null;
  readonly archive: string;
  readonly reason: string;
  /** UTC time of the failed download, ISO 8601. */
  readonly at: string;
}

export const BLACKLIST_FILE = 'snapplan-fetch-blacklist.json';

export function blacklistPath(ledger: string): string {
  return path.join(ledger, BLACKLIST_FILE);
}

export function readBlacklist(ledger: string): BlacklistEntry[] {
  const file = blacklistPath(ledger);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw error;
  }
  try {
    const document = JSON.parse(text) as { schemaVersion?: unknown; entries?: unknown };
    if (document.schemaVersion !== 1 || !Array.isArray(document.entries)) throw new Error('unknown layout');
    return document.entries.filter(isEntry);
  } catch {
    throw new UserError(`The fetch blacklist ${file} is not a snapplan blacklist (schemaVersion 1).`, {
      hint: 'Move it aside or delete it; snapplan writes a new one when a download is corrupt.',
    });
  }
}

/** Adds an entry (write to a temporary file, fsync, rename: never a half-written list). */
export async function addToBlacklist(ledger: string, entry: BlacklistEntry): Promise<void> {
  const entries = [...readBlacklist(ledger), entry];
  const file = blacklistPath(ledger);
  const temporary = `${file}.tmp-${process.pid}`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(JSON.stringify({ schemaVersion: 1, entries }, null, 2) + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}

function isEntry(value: unknown): value is BlacklistEntry {
  const e = value as Partial<BlacklistEntry> | null;
  return typeof e?.source === 'string' && typeof e.archive === 'string' && typeof e.reason === 'string' && typeof e.at === 'string' && (e.identity === null || typeof e.identity === 'string');
}
