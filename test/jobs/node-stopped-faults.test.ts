import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { armFaults, faultPointsPassed } from '../../src/jobs/fault-point.js';
import { runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { FIXTURE_BIN, run, type Services } from '../backup/helpers.js';
import { fakeState, stepNames, unitRunning } from '../maintenance/helpers.js';

/**
 * withNodeStopped's promise, job by job: a throw, or a Ctrl-C (the job's signal aborted), at
 * every await between the stop and the start, and after each the node runs again and the
 * report says what happened. The loop ends with the first run that passed no armed point.
 */
afterEach(() => armFaults(null));

type Kind = 'throw' | 'abort';

async function everyPoint(kind: Kind, run: (signal: AbortSignal) => Promise<void>, check: (at: number, hit: boolean) => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  for (let at = 1; at < 50; at++) {
    const controller = new AbortController();
    armFaults({ at, kind, controller });
    await run(controller.signal);
    const passed = [...faultPointsPassed()];
    armFaults(null);
    const hit = passed.length >= at;
    if (hit) seen.push(passed[at - 1] as string);
    await check(at, hit);
    if (!hit) return seen;
  }
  throw new Error('fault points never ran out');
}

/**
 * A unit (behind the systemctl stand-in) whose process only waits and exits at once on SIGTERM:
 * these tests need a real process stopped and started many times, not a chain node.
 */
async function lightUnit(dir: string): Promise<{ env: NodeJS.ProcessEnv; running: () => boolean }> {
  const stateFile = path.join(dir, 'services.json');
  await writeFile(stateFile, JSON.stringify({ units: { node: { exec: [process.execPath, '-e', 'setInterval(() => {}, 60_000)'], cwd: dir, log: path.join(dir, 'node.log'), pid: null } } }));
  const env = { PATH: `${FIXTURE_BIN}:${path.dirname(process.execPath)}:/usr/bin:/bin`, FAKE_SERVICES: stateFile };
  const services = { stateFile } as Services;
  await run(path.join(FIXTURE_BIN, 'systemctl'), ['start', 'node'], { env });
  onTestFinished(async () => {
    await run(path.join(FIXTURE_BIN, 'systemctl'), ['stop', 'node'], { env }).catch(() => undefined);
  });
  return { env, running: () => unitRunning(services, 'node') };
}

type JobDoc = { ok: boolean; error: { message: string } | null; steps: { name: string; status: string }[]; service: { after: string } };

/** After each run: the unit runs, the report says it was stopped and started, and why it failed. */
function expectStartedAgain(node: { running: () => boolean }, doc: JobDoc | undefined, kind: Kind, hit: boolean, start: 'restart' | 'start'): void {
  expect(node.running()).toBe(true);
  expect(doc?.service.after).toBe('running');
  expect(stepNames(doc as never)).toEqual(expect.arrayContaining(['stop:ok', `${start}:ok`]));
  if (hit) expect(doc?.error?.message).toMatch(faultText(kind));
  else expect(doc?.ok).toBe(true);
}

const faultText = (kind: Kind) => (kind === 'throw' ? /injected fault at/ : /interrupted \(SIGINT\) at/);

describe.each<Kind>(['throw', 'abort'])('a %s between stop and start', (kind) => {
  it('backup: the unit runs again, the report shows the failure and the restart', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'mainnet');
    await mkdir(data, { recursive: true });
    const node = await lightUnit(dir);
    let doc: JobDoc | undefined;
    const seen = await everyPoint(kind, async (signal) => {
      const result = await runMain(['backup', 'generic', '--service', 'node', '--data-dir', data, '--to', dir, '--json'], { cwd: dir, env: node.env, signal });
      doc = JSON.parse(result.stdout);
    }, async (_at, hit) => {
      expectStartedAgain(node, doc, kind, hit, 'restart');
    });
    expect(seen).toEqual(['backup: open-files', 'backup: archived']);
  }, 120_000);

  it('restore: the unit runs again (the old data back in place unless the swap was done)', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'mainnet');
    await mkdir(data, { recursive: true });
    const node = await lightUnit(dir);
    const backup = await runMain(['backup', 'generic', '--service', 'node', '--data-dir', data, '--to', dir, '--json'], { cwd: dir, env: node.env });
    expect(backup.exitCode, backup.stderr).toBe(0);
    const archive = JSON.parse(backup.stdout).archive.location as string;
    let doc: JobDoc | undefined;
    let minute = 0;
    const seen = await everyPoint(kind, async (signal) => {
      // A new minute per run: each swap keeps the old data under a new time-stamped name.
      const now = new Date(Date.UTC(2026, 10, 21, 13, minute++));
      const result = await runMain(['restore', 'generic', '--service', 'node', '--data-dir', data, '--from', archive, '--json'], { cwd: dir, env: node.env, signal, now });
      doc = JSON.parse(result.stdout);
    }, async (_at, hit) => {
      expectStartedAgain(node, doc, kind, hit, 'start');
      expect((await readdir(dir)).filter((n) => n.includes('staging'))).toEqual([]);
    });
    expect(seen[0]).toBe('restore: open-files');
    expect(seen).toContain('restore: swapped');
  }, 120_000);
});

// A Ctrl-C takes the same path as a throw through withNodeStopped; the abort runs are above.
describe('a throw between stop and start', () => {
  it('volume-snapshot zfs: the unit runs again', async () => {
    const kind: Kind = 'throw';
    const dir = await tempDir();
    const data = path.join(dir, 'stacks', 'mainnet');
    await mkdir(data, { recursive: true });
    const node = await lightUnit(dir);
    const zfsState = fakeState(dir, 'zfs', { datasets: { 'tank/stacks': { mountpoint: path.join(dir, 'stacks') } }, snapshots: {} });
    let doc: JobDoc | undefined;
    let n = 0;
    const seen = await everyPoint(kind, async (signal) => {
      const result = await runMain(['volume-snapshot', 'zfs', 'generic', '--service', 'node', '--data-dir', data, '--name', `s${n++}`, '--json'], { cwd: dir, env: { ...node.env, FAKE_ZFS: zfsState }, signal });
      doc = JSON.parse(result.stdout);
    }, async (_at, hit) => {
      expectStartedAgain(node, doc, kind, hit, 'restart');
    });
    expect(seen).toEqual(['volume-snapshot: open-files', 'volume-snapshot: snapshot', 'volume-snapshot: snapshotted']);
  }, 120_000);
});

describe('a stop that fails changes nothing (--service-manager process, SIGTERM ignored)', () => {
  it.each(['backup', 'restore'])('%s: reports the failed stop, starts no second node, writes nothing', async (command) => {
    const dir = await tempDir();
    const data = path.join(dir, 'data');
    await mkdir(data);
    await writeFile(path.join(data, 'state'), 'live\n');
    const pidfile = path.join(dir, 'node.pid');
    const { spawn } = await import('node:child_process');
    const stubborn = spawn(process.execPath, ['-e', `process.on('SIGTERM', () => {}); require('node:fs').writeFileSync(${JSON.stringify(pidfile)}, process.pid + '\\n'); setInterval(() => {}, 1000);`], { stdio: 'ignore' });
    const { onTestFinished } = await import('vitest');
    onTestFinished(() => void stubborn.kill('SIGKILL'));
    const { pollUntil } = await import('../../src/core/poll.js');
    await pollUntil(async () => ({ done: (await readdir(dir)).includes('node.pid'), value: undefined }), { timeoutMs: 10_000, intervalMs: 10 });
    const out = path.join(dir, 'out');
    await mkdir(out);
    let args: string[];
    if (command === 'backup') args = ['backup', 'generic', '--data-dir', data, '--to', out];
    else {
      const made = await runMain(['backup', 'generic', '--data-dir', data, '--to', out, '--service-manager', 'none', '--json'], { cwd: dir });
      args = ['restore', 'generic', '--data-dir', data, '--from', JSON.parse(made.stdout).archive.location as string];
    }
    const before = (await readdir(out)).sort();
    const starter = path.join(dir, 'started-a-second-node');
    const result = await runMain([...args, '--service-manager', 'process', '--pidfile', pidfile, '--stop-timeout', '1', '--json', '--', process.execPath, '-e', `require('node:fs').writeFileSync(${JSON.stringify(starter)}, 'yes')`], { cwd: dir });
    expect(result.exitCode).toBe(1);
    const doc = JSON.parse(result.stdout);
    expect(doc.error.message).toMatch(new RegExp(`Process ${stubborn.pid} did not exit within 1 s of SIGTERM`));
    const start = command === 'backup' ? 'restart' : 'start';
    expect(stepNames(doc)).toEqual(expect.arrayContaining(['stop:failed', `${start}:skipped`]));
    expect(doc.steps.find((s: { name: string }) => s.name === start).message).toMatch(/the stop failed and .* still runs as it was; nothing was changed/);
    // The old node runs on, nothing started a second one, nothing was written or swapped.
    expect(stubborn.exitCode).toBeNull();
    expect((await readdir(dir)).includes('started-a-second-node')).toBe(false);
    expect((await readdir(out)).sort()).toEqual(before);
    expect((await readdir(dir)).filter((n) => n.includes('snapplan-old') || n.includes('staging'))).toEqual([]);
  });
});

describe('a throw at every await between scale-down and scale-back (k8s snapshot)', () => {
  it('scales the StatefulSet back each time and reports the failure', async () => {
    const { runK8sSnapshot } = await import('../../src/jobs/k8s/snapshot-service.js');
    const { kubectl, readCluster, writeCluster } = await import('../k8s/fake-cluster.js');
    const dir = await tempDir();
    const state = await writeCluster(dir);
    let result: Awaited<ReturnType<typeof runK8sSnapshot>> | undefined;
    let n = 0;
    const seen = await everyPoint('throw', async () => {
      const now = new Date(Date.UTC(2026, 10, 21, 12, n++));
      result = await runK8sSnapshot(kubectl(state), { statefulset: 'web', journalDir: path.join(dir, 'journals'), readyTimeoutSeconds: 10, scale: { waitTimeoutSeconds: 10, pollIntervalMs: 20 }, now }, () => undefined);
    }, async (_at, hit) => {
      expect((await readCluster(state)).statefulsets['chain/web']?.spec.replicas).toBe(3);
      expect(result?.scaledBack).toBe(true);
      if (hit) expect(result?.error?.message).toMatch(/injected fault at/);
      else expect(result?.error).toBeNull();
    });
    expect(seen).toHaveLength(4);
  }, 120_000);
});
