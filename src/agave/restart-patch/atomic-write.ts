import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDirectory, wrapFsError } from '../../ops/fs-util.js';
import { killPoint } from '../../ops/kill-point.js';

export interface Ownership {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

/** The temp file a write leaves behind when it is killed before the rename (a dot file beside the target). */
export function tempPathFor(file: string, pid = process.pid): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.snapplan-tmp-${pid}`);
}

/**
 * Replaces `file` so that a crash at any point leaves either the old or the new bytes, never a
 * mix: temp file beside it (same file system), mode and owner set, fsync, rename, fsync of the
 * folder. The temp is removed when anything fails before the rename.
 */
export async function writeFileAtomically(file: string, data: string | Buffer, owner: Ownership): Promise<void> {
  const temp = tempPathFor(file);
  let renamed = false;
  try {
    const handle = await open(temp, 'wx', owner.mode & 0o7777);
    try {
      await handle.writeFile(data);
      // open() applies the umask; chmod sets the exact bits, chown keeps the owner (root may; others
      // are refused earlier when the owner would change).
      await handle.chmod(owner.mode & 0o7777);
      if (process.getuid?.() === 0) await handle.chown(owner.uid, owner.gid);
      await handle.sync();
    } finally {
      await handle.close();
    }
    killPoint(`restart-flags: temp written ${temp}`);
    await rename(temp, file);
    renamed = true;
    killPoint(`restart-flags: renamed over ${file}`);
    await fsyncDirectory(path.dirname(file));
  } catch (error) {
    if (!renamed) await unlink(temp).catch(() => undefined);
    throw wrapFsError(error, 'write', file);
  }
}
