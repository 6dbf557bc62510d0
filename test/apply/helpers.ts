import { readFileSync } from 'node:fs';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fingerprintTree } from '../support/tree-snapshot.js';

/** The ledger's entries with their bytes, minus snapplan's own folder and lock, dir mtimes left out. */
export async function ledgerFiles(L: string): Promise<string[]> {
  return (await fingerprintTree(L))
    .filter((line) => !line.startsWith('snapplan-quarantine') && !line.startsWith('.snapplan.lock'))
    .map((line) => (line.endsWith(' dir') ? line.replace(/ mtime=\S+/, '') : line));
}

/** Names in the ledger folder of archives at slot X (the one create-snapshot makes). */
export async function newArchives(L: string, X: string): Promise<string[]> {
  return (await readdir(L)).filter((n) => n.startsWith(`snapshot-${X}-`));
}

/** The only quarantine folder of a ledger. */
export async function onlyQuarantine(L: string): Promise<string> {
  const names = (await readdir(path.join(L, 'snapplan-quarantine'))).filter((n) => n.startsWith('snapplan-'));
  if (names.length !== 1) throw new Error(`expected one quarantine, found ${names.join(', ')}`);
  return path.join(L, 'snapplan-quarantine', names[0]!);
}

/**
 * A ledger-tool wrapper as operators write them: a shell script that runs the real (stand-in)
 * tool without `exec`, so the tool is snapplan's grandchild and holds the pipes. It records
 * the tool's pid; `versionHangs` makes `--version` hang instead.
 */
export async function toolWrapper(bin: string, options: { versionHangs?: boolean; versionFails?: boolean } = {}): Promise<{ script: string; pidFile: string }> {
  const script = path.join(bin, 'ledger-tool-wrapper.sh');
  const pidFile = path.join(bin, 'tool.pid');
  const real = path.join(bin, 'agave-ledger-tool');
  const version = options.versionHangs
    ? 'if [ "$1" = "--version" ]; then sleep 600; fi\n'
    : options.versionFails
      ? 'if [ "$1" = "--version" ]; then echo "error: cannot load libssl.so.3" >&2; exit 1; fi\n'
      : '';
  await writeFile(script, `#!/bin/sh\n${version}${JSON.stringify(real)} "$@" &\necho $! > ${JSON.stringify(pidFile)}\nwait $!\n`);
  await chmod(script, 0o755);
  return { script, pidFile };
}

/** No such process, or a zombie: it runs no more. */
export function processGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return true;
  }
}

/** Polls a state (never a duration): up to ~10 s, then fails naming what it waited for. */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`still waiting: ${what}`);
}

export async function readPid(pidFile: string): Promise<number> {
  return Number((await readFile(pidFile, 'utf8')).trim());
}
