import { createHash } from 'node:crypto';
import path from 'node:path';

/**
 * The folder name a root gets inside a quarantine: its basename, made safe, plus a short hash of
 * its absolute path. Readable (`snapshots-3f2a1b4c`), stable (the same root always gets the same
 * key, so `quarantine` and `preserveCopies` agree), and distinct for two roots that share a
 * basename (`/mnt/a/snapshots` and `/mnt/b/snapshots`). The key is recorded in every journal
 * record, so undo never recomputes it.
 *
 * A key always ends in `-<hex>`, so it can never equal the quarantine's own entries
 * (`journal.jsonl`, `kept`, `.staging`).
 */
export function rootKey(root: string, hashLength = 8): string {
  const base = path.basename(root).replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '').slice(0, 40);
  const hash = createHash('sha256').update(root).digest('hex').slice(0, hashLength);
  return `${base === '' ? 'root' : base}-${hash}`;
}

/**
 * Keys for a set of roots, lengthening the hash for every root whose short key collides with
 * another root's (a 1-in-4-billion event, but "collision-free" is a promise).
 */
export function rootKeys(roots: Iterable<string>): Map<string, string> {
  const unique = [...new Set(roots)];
  const keys = new Map<string, string>();
  for (const root of unique) keys.set(root, rootKey(root));
  const byKey = new Map<string, number>();
  for (const key of keys.values()) byKey.set(key, (byKey.get(key) ?? 0) + 1);
  for (const [root, key] of keys) {
    if ((byKey.get(key) ?? 0) > 1) keys.set(root, rootKey(root, 64));
  }
  return keys;
}
