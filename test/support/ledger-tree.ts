import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import bs58 from 'bs58';

/** A valid snapshot hash (base58 of 32 bytes), deterministic per seed. */
export function hashFor(seed: string): string {
  return bs58.encode(createHash('sha256').update(seed).digest());
}

export function fullName(slot: bigint | number, ext = 'tar.zst'): string {
  return `snapshot-${slot}-${hashFor(`full-${slot}`)}.${ext}`;
}

export function incrementalName(base: bigint | number, slot: bigint | number, ext = 'tar.zst'): string {
  return `incremental-snapshot-${base}-${slot}-${hashFor(`inc-${base}-${slot}`)}.${ext}`;
}

/** Writes a small file (parents created) and returns its absolute path. */
export async function touch(root: string, rel: string, body = `stand-in ${path.basename(rel)}\n`): Promise<string> {
  const file = path.join(root, rel);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, body);
  return file;
}

/** A bank snapshot folder `<parent>/<slot>/` as Agave writes it (complete unless told). */
export async function bankSnapshot(parent: string, slot: bigint | number, options: { omit?: string[] } = {}): Promise<string> {
  const dir = path.join(parent, String(slot));
  await mkdir(dir, { recursive: true });
  const files: Record<string, string> = { version: '1.2.0', [String(slot)]: 'bank', status_cache: 'cache' };
  for (const [name, body] of Object.entries(files)) {
    if (!options.omit?.includes(name)) await writeFile(path.join(dir, name), body);
  }
  return dir;
}
