import path from 'node:path';
import type { ArchiveGroup } from '../ops/archive.js';
import type { Placement } from '../ops/restore-swap.js';
import { failed, ok, type Outcome } from './plugin.js';

/**
 * The whole data folder as one top-level directory, as the Stacks seed (`tar -C parent base`)
 * and Hiro's archives have it. A restore makes that directory the data folder, whatever its
 * name in the archive (Hiro's is `mainnet`).
 */
export function folderLayout(dataDir: string): { groups: ArchiveGroup[]; restore: 'folder' } {
  const base = path.basename(dataDir);
  return { groups: [{ root: path.dirname(dataDir), members: [base], matchPrefix: base }], restore: 'folder' };
}

export function folderPlacement(dataDir: string, topLevel: readonly string[]): Outcome<Placement[]> {
  const [only, ...more] = topLevel;
  if (only === undefined || more.length > 0) {
    return failed('layout', `The archive should hold one top-level folder; it holds ${topLevel.length === 0 ? 'nothing' : topLevel.slice(0, 5).join(', ')}.`);
  }
  return ok([{ from: only, to: dataDir }]);
}

/** `20261121T120000Z` → Date; null when absent or malformed. */
export function manifestDate(manifest: Readonly<Record<string, unknown>> | null): Date | null {
  const value = manifest?.['createdAt'];
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
