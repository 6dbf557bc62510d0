import { open, stat, type FileHandle } from 'node:fs/promises';
import { isErrno } from '../../core/fs-errors.js';

export type FollowNote = 'waiting' | 'appeared' | 'rotated' | 'truncated';

export interface FollowResult {
  /** Complete lines read in this poll. */
  readonly lines: string[];
  /** True for the lines that were already in the file when following began. */
  readonly initial: boolean;
  readonly notes: FollowNote[];
}

/**
 * `tail -F` by polling: follows a path across rotation (a new file under the name: the old one is
 * read to its end first), truncation (copytruncate: read again from the start) and a file that
 * does not exist yet. Polling, not fs.watch: it behaves the same on every file system, and a
 * validator log grows by a few lines a second.
 */
export class LogFollower {
  private handle: FileHandle | null = null;
  private ino = -1;
  private position = 0;
  private partial: Buffer = Buffer.alloc(0);
  private started = false;
  private waitingNoted = false;

  constructor(readonly file: string) {}

  async poll(): Promise<FollowResult> {
    const notes: FollowNote[] = [];
    const lines: string[] = [];
    const first = !this.started;
    this.started = true;
    let initial = false;
    if (this.handle === null) {
      if (!(await this.openPath())) {
        if (!this.waitingNoted) notes.push('waiting');
        this.waitingNoted = true;
        return { lines, initial: false, notes };
      }
      if (first) initial = true;
      else notes.push('appeared');
    } else {
      const current = await statOrNull(this.file);
      if (current !== null && current.ino !== this.ino) {
        // Rotated: finish the old file, then start the new one from its beginning.
        lines.push(...(await this.readToEnd(true)));
        await this.handle.close();
        this.handle = null;
        if (await this.openPath()) notes.push('rotated');
      } else if (current !== null && current.size < this.position) {
        this.position = 0;
        this.partial = Buffer.alloc(0);
        notes.push('truncated');
      }
    }
    if (this.handle !== null) lines.push(...(await this.readToEnd(false)));
    return { lines, initial, notes };
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
  }

  private async openPath(): Promise<boolean> {
    try {
      this.handle = await open(this.file, 'r');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return false;
      throw error;
    }
    this.ino = (await this.handle.stat()).ino;
    this.position = 0;
    this.partial = Buffer.alloc(0);
    return true;
  }

  /** Reads from the position to the end; `flush` also returns an unterminated last line (the file is finished). */
  private async readToEnd(flush: boolean): Promise<string[]> {
    const handle = this.handle as FileHandle;
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(1 << 16);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.position);
      if (bytesRead === 0) break;
      chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
      this.position += bytesRead;
    }
    // Split on the last newline byte, so a character cut between two reads stays whole.
    const bytes = Buffer.concat([this.partial, ...chunks]);
    const cut = flush ? bytes.length : bytes.lastIndexOf(10) + 1;
    this.partial = Buffer.from(bytes.subarray(cut));
    const text = bytes.subarray(0, cut).toString('utf8');
    if (text === '') return [];
    const parts = text.split('\n');
    if (parts.at(-1) === '') parts.pop();
    return parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }
}

async function statOrNull(file: string) {
  try {
    return await stat(file);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw error;
  }
}
