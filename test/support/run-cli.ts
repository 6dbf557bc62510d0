import path from 'node:path';
import { execa } from 'execa';
import { main } from '../../src/cli/main.js';
import type { CliContext } from '../../src/cli/context.js';
import { backupArchive, expectRestorable } from './restorable.js';

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `main()` in this process with captured output (the fast layer of CLI tests). A successful
 * `backup` is restored at once (support/restorable.ts): every backup the suite makes must restore.
 */
export async function runMain(argv: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; now?: Date; isTTY?: boolean; signal?: AbortSignal }): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    cwd: options.cwd,
    env: { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, ...options.env },
    stdout: { write: (t: string) => void (stdout += t) },
    stderr: { write: (t: string) => void (stderr += t) },
    stdoutIsTTY: options.isTTY ?? false,
    now: () => options.now ?? new Date('2026-11-21T12:00:00Z'),
    signal: options.signal,
  };
  const exitCode = await main(argv, ctx);
  if (argv[0] === 'backup' && exitCode === 0) {
    const archive = backupArchive(stdout);
    if (archive !== null) await expectRestorable(path.resolve(options.cwd, archive));
  }
  return { exitCode, stdout, stderr };
}

export const BIN = path.resolve(import.meta.dirname, '../../bin/snapplan.js');

/** Runs the built bin/snapplan.js as a child process (needs `npm run build` first). */
export async function runBin(argv: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliRun> {
  const result = await execa(process.execPath, [BIN, ...argv], {
    cwd: options.cwd,
    env: { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, ...options.env },
    extendEnv: false,
    reject: false,
    timeout: options.timeoutMs ?? 20_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
