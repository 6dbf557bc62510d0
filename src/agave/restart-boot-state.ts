import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { QuarantineSummary } from '../ops/quarantine-status.js';
import { readLedgerPointer } from './restart-patch/restart-patch-service.js';
import { LogFollower } from './watch/log-follower.js';
import { parseLogLine } from './watch/boot-log-lines.js';

/** Folders the restart boot writes when it purges blocks above R (`rocksdb_backup_<ver>_<start>_<end>`; older builds `backup_rocksdb_<n>`). */
const BACKUP_FOLDER = /^(rocksdb_backup_|backup_rocksdb_)/;

/**
 * Why undoing this quarantine would be partial, or null. Once the validator has booted with
 * --wait-for-supermajority after the apply, it may have purged the blocks above R from the
 * blockstore (copying them into a backup folder): putting the moved archives back does not
 * bring those blocks back. Evidence, newest apply only: a backup folder made after the
 * quarantine, or the validator's log (the one restart-flags recorded) showing the restart
 * boot's wait or purge after it.
 */
export async function partialUndoReason(quarantine: Pick<QuarantineSummary, 'ledger' | 'createdAt'>): Promise<string | null> {
  const since = Date.parse(quarantine.createdAt);
  if (Number.isNaN(since)) return null;
  let entries: string[] = [];
  try {
    entries = await readdir(quarantine.ledger);
  } catch {
    return null;
  }
  for (const name of entries.filter((n) => BACKUP_FOLDER.test(n)).sort()) {
    const s = await stat(path.join(quarantine.ledger, name)).catch(() => null);
    if (s?.isDirectory() && s.mtimeMs >= since) {
      return `the validator booted with the restart wait and purged blocks into ${name}; putting the archives back does not restore those blocks`;
    }
  }
  const pointer = await readLedgerPointer(quarantine.ledger);
  if (pointer?.log) {
    const seen = await restartBootInLog(pointer.log, new Date(since).toISOString());
    if (seen !== null) return `the validator's log shows the restart boot (${seen}); blocks above the restart slot may have been purged`;
  }
  return null;
}

/** The first wait or purge line of a restart boot logged after `sinceIso`, as "<what> at <time>". */
async function restartBootInLog(log: string, sinceIso: string): Promise<string | null> {
  const follower = new LogFollower(log);
  try {
    const { lines } = await follower.poll();
    for (const line of lines) {
      const { line: parsed, event } = parseLogLine(line);
      if (parsed.time === null || parsed.time < sinceIso) continue;
      if (event?.kind === 'wait') return `waiting at slot ${event.slot} at ${parsed.time}`;
      if (event?.kind === 'purge') return `purged slots ${event.first}–${event.last} at ${parsed.time}`;
    }
    return null;
  } catch {
    return null;
  } finally {
    await follower.close();
  }
}
