import { accessSync, constants, statfsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { treeSize, walkTree } from '../../ops/tree.js';
import type { Plan } from '../plan-model.js';
import type { ValidatorProcess } from '../validator-process.js';

export interface PreflightInput {
  readonly plan: Plan;
  readonly backupDir: string;
  /** The folder ledger-tool writes the new archive into. */
  readonly outputDir: string;
  readonly validators: readonly ValidatorProcess[];
  /** Injected for tests: free bytes and device of the file system holding `dir`. */
  readonly fileSystem?: FileSystemProbe | undefined;
}

export interface FileSystemProbe {
  freeBytes(dir: string): number;
  device(p: string): number;
  writable(dir: string): boolean;
  /** Bytes of a file or folder tree (what a copy would write). */
  size(p: string): Promise<number>;
}

export const realFileSystem: FileSystemProbe = {
  freeBytes: (dir) => {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  },
  device: (p) => statSync(p).dev,
  writable: (dir) => {
    try {
      accessSync(dir, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  },
  size: async (p) => treeSize(await walkTree(p)),
};

export interface PreflightReport {
  /** Bytes the new archive is expected to take (the base archives' size, plus a margin). */
  readonly snapshotBytes: number;
  /** Bytes copied into the backup folder (items on another file system, and base copies). */
  readonly copyBytes: number;
  readonly backupOnSameFileSystem: boolean;
}

/**
 * Everything `apply` checks before it touches anything. Each failure is one sentence (exit 2),
 * and nothing has changed when it is raised.
 */
export async function preflight(input: PreflightInput): Promise<PreflightReport> {
  const { plan } = input;
  const fs = input.fileSystem ?? realFileSystem;
  if (!plan.reachable || plan.base === null) {
    const cause = plan.findings.find((f) => f.severity === 'error');
    throw new UserError(`A snapshot at slot ${plan.targetSlot} cannot be created: ${cause?.message ?? 'the plan is not reachable.'}`, {
      hint: cause ? `${cause.remedy} (snapplan plan shows the whole picture.)` : 'Run snapplan plan for the details.',
    });
  }
  const running = input.validators[0];
  if (running) {
    throw new UserError(`A validator is running on this ledger (pid ${running.pid}, ${running.evidence}): nothing may be moved under it.`, {
      hint: 'Stop it first (agave-validator exit, or your service manager), then run apply again.',
    });
  }

  const backupProbe = nearestExisting(input.backupDir, fs);
  const mustWrite = new Set([input.outputDir, backupProbe, ...plan.quarantine.map((q) => path.dirname(q.path))]);
  for (const dir of mustWrite) {
    if (!fs.writable(dir)) {
      throw new UserError(`snapplan cannot write to ${dir}.`, { hint: 'Run it as the validator\'s user (or root), or fix the folder\'s permissions.' });
    }
  }

  // The new archive holds the same accounts as the base: size it like the base, plus 10 %.
  const baseBytes = (plan.base.full.size ?? 0) + (plan.base.incremental?.size ?? 0);
  const snapshotBytes = Math.ceil(baseBytes * 1.1);
  const backupDevice = fs.device(backupProbe);
  let copyBytes = 0;
  for (const q of plan.quarantine) if (fs.device(q.path) !== backupDevice) copyBytes += await fs.size(q.path);
  // Safety copies of the base archives: hard links on the same file system, copies otherwise.
  for (const a of [plan.base.full, plan.base.incremental]) if (a && fs.device(a.path) !== backupDevice) copyBytes += a.size ?? 0;

  const outputDevice = fs.device(input.outputDir);
  const need = new Map<number, number>([[outputDevice, snapshotBytes]]);
  need.set(backupDevice, (need.get(backupDevice) ?? 0) + copyBytes);
  for (const [device, bytes] of need) {
    const dir = device === outputDevice ? input.outputDir : backupProbe;
    const free = fs.freeBytes(dir);
    if (bytes > free) {
      throw new UserError(`Not enough free space on the file system of ${dir}: about ${mib(bytes)} needed, ${mib(free)} free.`, {
        hint: device === outputDevice ? 'Free space in the snapshot folder first.' : 'Choose a --backup-dir with more room, or one on the ledger\'s file system (moves are then renames).',
      });
    }
  }
  return { snapshotBytes, copyBytes, backupOnSameFileSystem: plan.quarantine.every((q) => fs.device(q.path) === backupDevice) };
}

/** The backup folder may not exist yet: its nearest existing parent decides writability and device. */
function nearestExisting(dir: string, fs: FileSystemProbe): string {
  let current = dir;
  for (;;) {
    try {
      fs.device(current);
      return current;
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
