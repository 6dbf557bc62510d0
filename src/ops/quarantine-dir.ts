import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { isErrno } from '../core/fs-errors.js';
import type { Slot } from '../core/slot.js';
import { ensureDirectory, fsyncDirectory } from './fs-util.js';
import { JOURNAL_FILE, JournalWriter } from './journal.js';
import type { CloseOutcome } from './journal.js';
import { currentProcess } from './process-identity.js';
import { quarantineFolderName } from './quarantine-name.js';

export { QUARANTINE_FOLDER_PATTERN, quarantineFolderName } from './quarantine-name.js';

export interface CreateQuarantineOptions {
  /** Where quarantines go (default of the CLI: `<ledger>/snapplan-quarantine`). Created if missing. */
  readonly backupDir: string;
  readonly ledger: string;
  readonly targetSlot: Slot;
  readonly toolVersion: string;
  /** The command line, for the record (not executed). */
  readonly command?: string | undefined;
  readonly now?: Date | undefined;
}

export interface OpenQuarantine {
  readonly dir: string;
  readonly journalPath: string;
  readonly journal: JournalWriter;
}

/** Creates a fresh quarantine folder (never reuses one) and its journal with the header. */
export async function createQuarantine(options: CreateQuarantineOptions): Promise<OpenQuarantine> {
  if (!path.isAbsolute(options.backupDir) || !path.isAbsolute(options.ledger)) {
    throw new UserError('The backup folder and the ledger must be absolute paths.');
  }
  await ensureDirectory(options.backupDir);
  const now = options.now ?? new Date();
  let dir = '';
  for (let sequence = 1; ; sequence += 1) {
    dir = path.join(options.backupDir, quarantineFolderName(now, options.targetSlot, sequence));
    try {
      await mkdir(dir, { mode: 0o700 });
      break;
    } catch (error) {
      if (!isErrno(error, 'EEXIST') || sequence >= 1000) throw error;
    }
  }
  await fsyncDirectory(options.backupDir);
  const me = currentProcess();
  const journalPath = path.join(dir, JOURNAL_FILE);
  const journal = await JournalWriter.create(journalPath, {
    createdAt: now.toISOString(),
    tool: { name: 'snapplan', version: options.toolVersion },
    user: safeUsername(),
    uid: typeof process.getuid === 'function' ? process.getuid() : -1,
    host: me.hostname,
    pid: me.pid,
    pidStart: me.startTicks,
    bootId: me.bootId,
    ledger: options.ledger,
    targetSlot: options.targetSlot,
    command: options.command,
    quarantineDir: dir,
  });
  return { dir, journalPath, journal };
}

/** Writes `closed` (the forward run is over) and closes the journal file. */
export async function closeQuarantine(journal: JournalWriter, outcome: CloseOutcome, message?: string): Promise<void> {
  try {
    await journal.append({ type: 'closed', at: new Date().toISOString(), outcome, message });
  } finally {
    await journal.close();
  }
}

function safeUsername(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
