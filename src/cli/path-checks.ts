import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { JOURNAL_FILE } from '../ops/journal.js';

/**
 * Checks of the folders and files a command is pointed at, before it reads them: a typo must
 * be refused (exit 2), not read as "nothing there" (`status --ledger /tmp/typo` said "none")
 * or reported as a raw ENOTDIR.
 */

type Kind = 'file' | 'directory' | 'missing' | 'other';

async function kindOf(file: string): Promise<Kind> {
  try {
    const s = await stat(file);
    return s.isDirectory() ? 'directory' : s.isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}

/** An existing folder, or a UserError naming the flag and what was found instead. */
export async function requireDirectory(cwd: string, value: string, flag: string, what: string): Promise<string> {
  const resolved = path.resolve(cwd, value);
  const kind = await kindOf(resolved);
  if (kind === 'directory') return resolved;
  const found = kind === 'missing' ? 'does not exist' : 'is not a folder';
  throw new UserError(`${flag} ${value} ${found}${resolved !== value ? ` (${resolved})` : ''}.`, { hint: `Give ${what}.` });
}

/**
 * `undo --journal`: a quarantine's journal.jsonl, or the quarantine folder holding one. Returns
 * the path as given, resolved; the service finds the journal in it the same way.
 */
export async function requireQuarantineJournal(cwd: string, value: string): Promise<string> {
  const resolved = path.resolve(cwd, value);
  const hint = 'Name a quarantine\'s journal.jsonl or its folder (snapplan-<time>-slot-<X>); snapplan status --ledger L lists them.';
  const kind = await kindOf(resolved);
  if (kind === 'missing') throw new UserError(`--journal ${value} does not exist.`, { hint });
  if (kind === 'directory') {
    if ((await kindOf(path.join(resolved, JOURNAL_FILE))) !== 'file') throw new UserError(`--journal ${value} is a folder without a ${JOURNAL_FILE}: not a quarantine.`, { hint });
    return resolved;
  }
  if (kind !== 'file' || path.basename(resolved) !== JOURNAL_FILE) throw new UserError(`--journal ${value} is not a quarantine journal (${JOURNAL_FILE}).`, { hint });
  return resolved;
}
