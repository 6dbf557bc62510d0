import { ExternalError, UserError } from '../core/errors.js';
import { capture, describeExit, tailLines } from '../core/process.js';

/**
 * `lvcreate --snapshot --name <name> --size <size> <vg/lv>` as an argument array. The same call
 * with `--test` first is the preflight: LVM checks the names and the free space in the volume
 * group without changing metadata, so a refusal comes before the node is stopped.
 */

const TIMEOUT_MS = 120_000;
/** lvm(8): VG and LV names are letters, digits and `+_.-`, not starting with `-`. */
const LVM_NAME = /^[A-Za-z0-9+_.][A-Za-z0-9+_.-]*$/;
/** lvcreate -L: a number with an optional unit (bBsSkKmMgGtTpPeE). */
const LVM_SIZE = /^[0-9]+(\.[0-9]+)?[bBsSkKmMgGtTpPeE]?$/;

export function checkLvmArgs(origin: string, name: string, size: string): void {
  const [vg, lv, ...more] = origin.split('/');
  if (vg === undefined || lv === undefined || more.length > 0 || !LVM_NAME.test(vg) || !LVM_NAME.test(lv)) {
    throw new UserError(`${JSON.stringify(origin)} is not VG/LV.`, { hint: 'Name the origin volume as volume group/logical volume, e.g. --origin vg0/stacks.' });
  }
  if (!LVM_NAME.test(name)) throw new UserError(`${JSON.stringify(name)} is not an LVM volume name.`, { hint: 'Letters, digits and + _ . - only.' });
  if (!LVM_SIZE.test(size)) throw new UserError(`--size ${JSON.stringify(size)} is not an LVM size.`, { hint: 'For example --size 20G: the space for blocks changed while the snapshot exists.' });
}

function snapshotArgs(origin: string, name: string, size: string, test: boolean): string[] {
  return [...(test ? ['--test'] : []), '--snapshot', '--name', name, '--size', size, origin];
}

export async function lvmPreflight(origin: string, name: string, size: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<void> {
  const args = snapshotArgs(origin, name, size, true);
  const result = await capture('lvcreate', args, { timeoutMs: TIMEOUT_MS, env, signal });
  if (result.exitCode !== 0) {
    throw new UserError(`lvcreate --test refuses the snapshot: ${tailLines(result.stderr + result.stdout, 2).replace(/\n\s*/g, '; ') || describeExit(result, TIMEOUT_MS)}.`, {
      hint: 'Check --origin (lvs -o vg_name,lv_name), --name and the free space in the volume group (vgs).',
    });
  }
}

export async function lvmSnapshot(origin: string, name: string, size: string, options: { env: NodeJS.ProcessEnv; signal?: AbortSignal | undefined }): Promise<{ name: string; device: string }> {
  const args = snapshotArgs(origin, name, size, false);
  const result = await capture('lvcreate', args, { timeoutMs: TIMEOUT_MS, env: options.env, signal: options.signal });
  const vg = origin.split('/')[0] as string;
  // lvcreate prints `  Logical volume "<name>" created.` on success (exit 0); 5 on failure.
  if (result.exitCode !== 0 || !result.stdout.includes(`Logical volume "${name}" created`)) {
    throw new ExternalError(`lvcreate --snapshot ${origin} ${result.exitCode === 0 ? 'did not confirm the new volume' : describeExit(result, TIMEOUT_MS)}.`, {
      command: 'lvcreate',
      args,
      exitCode: result.exitCode,
      outputTail: tailLines(result.stderr + result.stdout, 5),
    });
  }
  return { name: `${vg}/${name}`, device: `/dev/${vg}/${name}` };
}
