import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Services } from '../backup/helpers.js';

export { FIXTURE_BIN, testNodeUnit } from '../backup/helpers.js';

/** Whether the stand-in unit's process runs now (read from the systemctl stand-in's state). */
export function unitRunning(node: Services, unit: string): boolean {
  const state = JSON.parse(readFileSync(node.stateFile, 'utf8')) as { units: Record<string, { pid: number | null }> };
  const pid = state.units[unit]?.pid;
  if (!pid) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** A JSON state file for the zfs / lvcreate stand-ins, named by the env var they read. */
export function fakeState(dir: string, name: string, state: unknown): string {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(state, null, 2));
  return file;
}

export function readState<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function stepNames(doc: { steps: { name: string; status: string }[] }): string[] {
  return doc.steps.map((s) => `${s.name}:${s.status}`);
}
