import type { FileHandle } from 'node:fs/promises';
import { killPoint, killPointsArmed } from './kill-point.js';

/**
 * The file side of snapplan's two JSON-lines journals (the quarantine journal, journal.ts, and
 * the Kubernetes replica journal): how a journal is split into lines, what counts as a line torn
 * by a crash, how a line is written durably, and how a torn tail is cut off before the next
 * append. One implementation, so that both survive a crash the same way: a record appended after
 * a torn line must start on a line of its own, or the reader drops it with the torn text.
 */

export interface TornTail {
  /** Byte offset where the torn line starts (the journal's valid length). */
  readonly offset: number;
  readonly bytes: number;
  readonly text: string;
}

export interface JournalLine {
  readonly text: string;
  /** 1-based, for messages. */
  readonly number: number;
}

/**
 * Splits a journal into its lines. The last line is torn when it does not end in a newline or
 * is not JSON: a write cut short by a crash. Its action never started (every record is on disk
 * before its action begins), so it is returned apart, never as a line.
 */
export function splitJournal(buffer: Buffer): { lines: JournalLine[]; torn: TornTail | null } {
  const lines: JournalLine[] = [];
  let torn: TornTail | null = null;
  let start = 0;
  let number = 0;
  while (start < buffer.length) {
    const nl = buffer.indexOf(0x0a, start);
    const end = nl === -1 ? buffer.length : nl + 1;
    const text = buffer.subarray(start, end).toString('utf8');
    number += 1;
    if (end === buffer.length && !(text.endsWith('\n') && isJson(text))) {
      torn = { offset: start, bytes: buffer.length - start, text: text.slice(0, 200) };
    } else {
      lines.push({ text, number });
    }
    start = end;
  }
  return { lines, torn };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes whole lines with one write (repeated only for a short write) and fsyncs them: the
 * records are on disk before this returns. The handle must be in append mode. `tornKillPoint`:
 * with the crash tests' kill points armed, write half a line first and pass a kill point there.
 */
export async function writeDurably(handle: FileHandle, text: string, options: { tornKillPoint?: boolean } = {}): Promise<void> {
  const buffer = Buffer.from(text, 'utf8');
  let written = 0;
  if (options.tornKillPoint === true && killPointsArmed() && buffer.length > 1) {
    // Test only: write half a line, so that a kill here leaves the torn tail a crash can leave.
    written = (await handle.write(buffer, 0, buffer.length >> 1)).bytesWritten;
    killPoint('journal-half-written');
  }
  while (written < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, written, buffer.length - written);
    written += bytesWritten;
  }
  await handle.sync();
}

/** Cuts a torn last line off (durably), so that the next record starts on a line of its own. */
export async function cutTornTail(handle: FileHandle, torn: TornTail): Promise<void> {
  await handle.truncate(torn.offset);
  await handle.sync();
}
