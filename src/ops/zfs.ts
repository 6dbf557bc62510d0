import { ExternalError, UserError } from '../core/errors.js';
import { capture, describeExit, tailLines } from '../core/process.js';

/**
 * `zfs snapshot <dataset>@<name>` and the `zfs list` calls around it, as argument arrays.
 * `zfs list -H -p` prints tab-separated fields without a header and exact numbers (bytes,
 * seconds since the epoch), which is the stable form for scripts.
 */

const TIMEOUT_MS = 60_000;
/** zfs(8): dataset components are alphanumerics plus `_-:.`, separated by `/`. */
const DATASET = /^[A-Za-z0-9][A-Za-z0-9_.:-]*(\/[A-Za-z0-9_.:-]+)*$/;
const SNAP_NAME = /^[A-Za-z0-9_.:-]+$/;

export interface ZfsSnapshotInfo {
  readonly name: string;
  readonly used: number | null;
  readonly referenced: number | null;
  /** ISO time from `creation` (seconds). */
  readonly createdAt: string | null;
}

export function checkZfsNames(dataset: string, name: string): void {
  if (!DATASET.test(dataset)) throw new UserError(`${JSON.stringify(dataset)} is not a ZFS dataset name (pool/path).`, { hint: 'For example --dataset tank/stacks.' });
  if (!SNAP_NAME.test(name)) throw new UserError(`${JSON.stringify(name)} is not a ZFS snapshot name.`, { hint: 'Letters, digits and _ - : . only.' });
}

/** The dataset that holds `folder` (`zfs list -H -o name <path>` resolves a path to its filesystem). */
export async function zfsDatasetOf(folder: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<string> {
  const result = await capture('zfs', ['list', '-H', '-o', 'name', folder], { timeoutMs: TIMEOUT_MS, env, signal });
  const name = result.stdout.trim().split('\n')[0] ?? '';
  if (result.exitCode !== 0 || name === '') {
    throw new UserError(`${folder} is not on a ZFS dataset (${tailLines(result.stderr, 1) || describeExit(result, TIMEOUT_MS)}).`, { hint: 'Name the dataset with --dataset pool/path.' });
  }
  return name;
}

/** Refuses (exit 2) a dataset that does not exist and a snapshot name already taken. */
export async function zfsPreflight(dataset: string, name: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<void> {
  const exists = await capture('zfs', ['list', '-H', '-o', 'name', dataset], { timeoutMs: TIMEOUT_MS, env, signal });
  if (exists.exitCode !== 0) {
    throw new UserError(`ZFS dataset ${dataset}: ${tailLines(exists.stderr, 1) || describeExit(exists, TIMEOUT_MS)}.`, { hint: 'List them with: zfs list -o name,mountpoint' });
  }
  const taken = await capture('zfs', ['list', '-H', '-t', 'snapshot', '-o', 'name', `${dataset}@${name}`], { timeoutMs: TIMEOUT_MS, env, signal });
  if (taken.exitCode === 0) throw new UserError(`The snapshot ${dataset}@${name} already exists.`, { hint: 'Choose another --name (the default is snapplan-<UTC time>).' });
}

export async function zfsSnapshot(dataset: string, name: string, options: { recursive: boolean; env: NodeJS.ProcessEnv; signal?: AbortSignal | undefined }): Promise<ZfsSnapshotInfo> {
  const full = `${dataset}@${name}`;
  const args = ['snapshot', ...(options.recursive ? ['-r'] : []), full];
  const result = await capture('zfs', args, { timeoutMs: TIMEOUT_MS, env: options.env, signal: options.signal });
  if (result.exitCode !== 0) {
    throw new ExternalError(`zfs snapshot ${full} ${describeExit(result, TIMEOUT_MS)}.`, { command: 'zfs', args, exitCode: result.exitCode, outputTail: tailLines(result.stderr + result.stdout, 5) });
  }
  // zfs snapshot prints nothing on success: read the snapshot back to prove it is there.
  const listArgs = ['list', '-H', '-p', '-t', 'snapshot', '-o', 'name,used,referenced,creation', full];
  const list = await capture('zfs', listArgs, { timeoutMs: TIMEOUT_MS, env: options.env, signal: options.signal });
  const fields = list.stdout.trim().split('\n')[0]?.split('\t') ?? [];
  if (list.exitCode !== 0 || fields[0] !== full) {
    throw new ExternalError(`zfs snapshot ${full} exited 0 but zfs list does not show it.`, { command: 'zfs', args: listArgs, exitCode: list.exitCode, outputTail: tailLines(list.stderr + list.stdout, 5) });
  }
  const num = (text: string | undefined) => (text !== undefined && /^[0-9]+$/.test(text) ? Number(text) : null);
  const creation = num(fields[3]);
  return { name: full, used: num(fields[1]), referenced: num(fields[2]), createdAt: creation === null ? null : new Date(creation * 1000).toISOString() };
}
