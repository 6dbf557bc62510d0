import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';

export interface FolderHolder {
  readonly pid: number;
  readonly commandLine: string;
  /** The first path inside the folder it holds open (or its working directory). */
  readonly path: string;
}

/**
 * Processes that hold a file inside one of `folders` open, or run with their working directory
 * there, found via /proc (Linux). A copy of a folder a live process is writing to is corrupt
 * (the Stacks guide's warning), so an archive is refused while this list is not empty.
 * Processes snapplan may not inspect (another user's, without root) are invisible here; the
 * service stop is what guarantees those are gone.
 */
export function findHolders(folders: readonly string[], procRoot = '/proc'): FolderHolder[] {
  const roots = folders.map((folder) => realOrSelf(folder));
  const inside = (p: string) => roots.some((root) => p === root || p.startsWith(root.endsWith('/') ? root : `${root}/`));
  let entries: string[];
  try {
    entries = readdirSync(procRoot);
  } catch {
    return [];
  }
  const found: FolderHolder[] = [];
  for (const entry of entries) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const dir = path.join(procRoot, entry);
    let held: string | null = null;
    const cwd = safeReadlink(path.join(dir, 'cwd'));
    if (cwd !== null && inside(cwd)) held = cwd;
    if (held === null) {
      let fds: string[] = [];
      try {
        fds = readdirSync(path.join(dir, 'fd'));
      } catch {
        continue; // gone meanwhile, or not ours to inspect
      }
      for (const fd of fds) {
        const target = safeReadlink(path.join(dir, 'fd', fd));
        if (target !== null && target.startsWith('/') && inside(target.replace(/ \(deleted\)$/, ''))) {
          held = target;
          break;
        }
      }
    }
    if (held !== null) found.push({ pid, commandLine: commandLine(path.join(dir, 'cmdline')), path: held });
  }
  return found;
}

function commandLine(file: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/\0$/, '').split('\0').join(' ');
  } catch {
    return '?';
  }
}

function safeReadlink(file: string): string | null {
  try {
    return readlinkSync(file);
  } catch {
    return null;
  }
}

function realOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}
