import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: { root: string; version: string } | undefined;

/**
 * The installed snapplan package: its folder and version. Found by walking up from this
 * module's file to the package.json named "snapplan", because the same code runs from
 * dist/ (tsc), from dist/bundle/ (the bundle bin/ runs, where it may sit in a shared chunk)
 * and from src/ (tests), each at a different depth.
 */
export function snapplanPackage(): { root: string; version: string } {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = readManifest(path.join(dir, 'package.json'));
    if (manifest?.name === 'snapplan' && typeof manifest.version === 'string') {
      cached = { root: dir, version: manifest.version };
      return cached;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`snapplan's package.json was not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

function readManifest(file: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}
