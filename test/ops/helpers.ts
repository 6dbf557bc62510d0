import { createHash, randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Real temp folders, removed by `cleanupTemp()` (call it in afterEach). */
const made: string[] = [];

export async function tempDir(prefix = 'snapplan-ops-', base = os.tmpdir()): Promise<string> {
  const dir = await mkdtemp(path.join(base, prefix));
  made.push(dir);
  return dir;
}

export async function cleanupTemp(): Promise<void> {
  while (made.length > 0) await rm(made.pop()!, { recursive: true, force: true });
}

/** /dev/shm when it exists and is another filesystem than the temp folder (a real EXDEV). */
export function otherFilesystem(): string | null {
  try {
    const shm = statSync('/dev/shm');
    return shm.isDirectory() && shm.dev !== statSync(os.tmpdir()).dev ? '/dev/shm' : null;
  } catch {
    return null;
  }
}

export async function writeRandom(file: string, size: number): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  const data = randomBytes(size);
  await writeFile(file, data);
  return createHash('sha256').update(data).digest('hex');
}

export interface TreeFacts {
  readonly kind: 'file' | 'directory' | 'symlink';
  readonly content: string;
  readonly mode: number;
}

/** Every entry under `dir` with its sha256 (files) or target (symlinks), for before/after checks. */
export async function describeTree(dir: string): Promise<Map<string, TreeFacts>> {
  const facts = new Map<string, TreeFacts>();
  const visit = async (rel: string): Promise<void> => {
    const full = path.join(dir, rel);
    const s = await lstat(full);
    if (s.isSymbolicLink()) {
      facts.set(rel, { kind: 'symlink', content: await readlink(full), mode: 0 });
    } else if (s.isFile()) {
      facts.set(rel, { kind: 'file', content: createHash('sha256').update(await readFile(full)).digest('hex'), mode: s.mode & 0o7777 });
    } else if (s.isDirectory()) {
      if (rel !== '') facts.set(rel, { kind: 'directory', content: '', mode: s.mode & 0o7777 });
      for (const name of await readdir(full)) await visit(rel === '' ? name : path.join(rel, name));
    }
  };
  await visit('');
  return facts;
}

/** Files (not folders) below `dir`, relative; empty when `dir` is missing. */
export async function listFiles(dir: string): Promise<string[]> {
  try {
    return [...(await describeTree(dir)).entries()].filter(([, f]) => f.kind !== 'directory').map(([rel]) => rel).sort();
  } catch {
    return [];
  }
}
