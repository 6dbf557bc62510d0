import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { onTestFinished } from 'vitest';

export const FIXTURE_BIN = path.resolve(import.meta.dirname, '../../fixtures/bin');
export const TEST_NODE = path.join(FIXTURE_BIN, 'test-node.mjs');
export const run = promisify(execFile);

/** One hash over a tree's names, kinds, sizes, modes, contents and link targets (not times). */
export async function treeHash(root: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (rel: string): Promise<void> => {
    const full = path.join(root, rel);
    const info = await lstat(full);
    if (info.isDirectory()) {
      hash.update(`d ${rel} ${info.mode & 0o777}\n`);
      for (const name of (await readdir(full)).sort()) await walk(path.join(rel, name));
    } else if (info.isSymbolicLink()) hash.update(`l ${rel} ${await readlink(full)}\n`);
    else hash.update(`f ${rel} ${info.mode & 0o777} ${info.size} ${createHash('sha256').update(await readFile(full)).digest('hex')}\n`);
  };
  await walk('');
  return hash.digest('hex');
}

export interface Services {
  readonly env: NodeJS.ProcessEnv;
  readonly stateFile: string;
  readonly portFile: string;
  port(): Promise<number>;
  systemctl(...args: string[]): Promise<string>;
}

/**
 * A systemd unit (the stand-in systemctl, a real process) running the test node on `data`.
 * The unit is stopped when the test finishes, whatever happened.
 */
export async function testNodeUnit(dir: string, data: string, unit = 'stacks-node'): Promise<Services> {
  const stateFile = path.join(dir, 'services.json');
  const portFile = path.join(dir, 'node.port');
  await writeFile(stateFile, JSON.stringify({ units: { [unit]: { exec: [process.execPath, TEST_NODE, '--data', data, '--port-file', portFile, '--block-ms', '50'], cwd: dir, log: path.join(dir, 'node.log'), pid: null } } }));
  const env = { PATH: `${FIXTURE_BIN}:${path.dirname(process.execPath)}:/usr/bin:/bin`, FAKE_SERVICES: stateFile };
  const systemctl = async (...args: string[]) => (await run(path.join(FIXTURE_BIN, 'systemctl'), args, { env })).stdout;
  onTestFinished(async () => {
    await systemctl('stop', unit).catch(() => undefined);
  });
  return {
    env,
    stateFile,
    portFile,
    systemctl,
    port: async () => {
      for (let i = 0; i < 100 && !existsSync(portFile); i++) await new Promise((r) => setTimeout(r, 50));
      return Number(await readFile(portFile, 'utf8'));
    },
  };
}

/** The test node started directly (no service manager), killed when the test ends. */
export async function startTestNode(data: string, portFile: string, pidfile?: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [TEST_NODE, '--data', data, '--port-file', portFile, '--block-ms', '50', ...(pidfile ? ['--pidfile', pidfile] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  onTestFinished(() => {
    child.kill('SIGKILL');
  });
  await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
  return child;
}

export async function getJson(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return (await response.json()) as Record<string, unknown>;
}

/**
 * Waits (polling, no fixed pause) until `check` holds, failing with `what` after `timeoutMs`:
 * for a node that must have written something before the next step.
 */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Until the tree under `root` differs from the one hashed as `before` (treeHash). */
export function untilTreeChanges(root: string, before: string): Promise<void> {
  return until(async () => (await treeHash(root)) !== before, `${root} changes`);
}
