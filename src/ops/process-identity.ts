import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Who a process is, in a form that survives pid reuse: pid + start time (in clock ticks since
 * boot, field 22 of /proc/<pid>/stat) + boot id. A pid alone is not enough: after a crash and a
 * reboot, or a few hours of forks, another process may have the same pid.
 */
export interface ProcessIdentity {
  readonly pid: number;
  readonly hostname: string;
  /** Field 22 of /proc/<pid>/stat, or null where /proc is missing. */
  readonly startTicks: string | null;
  /** /proc/sys/kernel/random/boot_id, or null where /proc is missing. */
  readonly bootId: string | null;
}

export function currentProcess(): ProcessIdentity {
  return {
    pid: process.pid,
    hostname: os.hostname(),
    startTicks: processStartTicks(process.pid),
    bootId: currentBootId(),
  };
}

export function currentBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

export function processStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces and ')': split after
    // the last ')'. Field 3 is then the first token, field 22 the 20th.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

export type Liveness = 'alive' | 'dead' | 'unknown';

/**
 * Whether the process that wrote `who` still runs. `unknown` when it ran on another host (a
 * backup folder on shared storage): we cannot look into another machine's /proc.
 */
export function liveness(who: ProcessIdentity): Liveness {
  if (who.hostname !== os.hostname()) return 'unknown';
  const boot = currentBootId();
  if (who.bootId !== null && boot !== null && who.bootId !== boot) return 'dead';
  const start = processStartTicks(who.pid);
  if (start === null) {
    // No /proc entry: dead, unless this system has no /proc at all (then fall back to kill 0).
    if (processStartTicks(process.pid) !== null) return 'dead';
    try {
      process.kill(who.pid, 0);
      return 'alive';
    } catch (error) {
      return (error as { code?: string }).code === 'EPERM' ? 'alive' : 'dead';
    }
  }
  if (who.startTicks !== null && start !== who.startTicks) return 'dead';
  return 'alive';
}
