import { readFileSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { capture, stream } from '../../src/core/process.js';
import { tempDir } from '../support/temp-dir.js';

/** Gone, or a zombie waiting for a parent that is gone too: either way it runs no more. */
function gone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return true;
  }
}

async function waitUntil(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`still waiting: ${what}`);
}

/**
 * A wrapper as operators write them: no `exec`, so the shell stays the parent and its child
 * (the grandchild of snapplan) inherits and holds stdout/stderr. `ignoreTerm` makes both shrug
 * off SIGTERM, so only the SIGKILL after the grace period ends them.
 */
async function wrapper(dir: string, ignoreTerm: boolean): Promise<{ script: string; pidFile: string }> {
  const script = path.join(dir, 'tool-wrapper.sh');
  const pidFile = path.join(dir, 'grandchild.pid');
  await writeFile(
    script,
    `#!/bin/sh\n${ignoreTerm ? "trap '' TERM\n" : ''}sleep 300 &\necho $! > ${JSON.stringify(pidFile)}\necho started\nwait\necho never\n`,
  );
  await chmod(script, 0o755);
  return { script, pidFile };
}

async function grandchild(pidFile: string): Promise<number> {
  await waitUntil('the wrapper wrote its child pid', async () => /^[0-9]+\n$/.test(await readFile(pidFile, 'utf8').catch(() => '')));
  return Number(await readFile(pidFile, 'utf8'));
}

describe('core/process: a time-out or Ctrl-C ends the whole process group', () => {
  it('capture: a wrapper whose grandchild holds the pipes is stopped at the time-out, grandchild included', async () => {
    const dir = await tempDir();
    const { script, pidFile } = await wrapper(dir, false);
    const result = await capture(script, [], { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(result.stdout).toBe('started\n');
    const pid = await grandchild(pidFile);
    await waitUntil(`grandchild ${pid} ends`, () => gone(pid));
  });

  it('stream: SIGTERM ignored by the group → SIGKILL after the grace period', async () => {
    const dir = await tempDir();
    const { script, pidFile } = await wrapper(dir, true);
    const lines: string[] = [];
    const result = await stream(script, [], { timeoutMs: 300, killGraceMs: 200, onLine: (_s, line) => lines.push(line) });
    expect(result).toMatchObject({ timedOut: true, cancelled: false, signal: 'SIGKILL' });
    expect(lines).toEqual(['started']);
    const pid = await grandchild(pidFile);
    await waitUntil(`grandchild ${pid} ends`, () => gone(pid));
  });

  it('stream: an abort (Ctrl-C) ends the group and is reported as cancelled, not as a time-out', async () => {
    const dir = await tempDir();
    const { script, pidFile } = await wrapper(dir, false);
    const controller = new AbortController();
    const result = await stream(script, [], {
      timeoutMs: 0,
      signal: controller.signal,
      onLine: (_s, line) => {
        if (line === 'started') controller.abort();
      },
    });
    expect(result).toMatchObject({ timedOut: false, cancelled: true, signal: 'SIGTERM' });
    const pid = await grandchild(pidFile);
    await waitUntil(`grandchild ${pid} ends`, () => gone(pid));
  });

  it('a program that finishes in time is not touched', async () => {
    const result = await capture('/bin/sh', ['-c', 'echo ok; exit 3'], { timeoutMs: 10_000 });
    expect(result).toMatchObject({ exitCode: 3, timedOut: false, stdout: 'ok\n', signal: undefined });
  });
});
