import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { undoK8sJob } from '../../src/jobs/k8s/k8s-undo.js';
import { readJournal } from '../../src/jobs/k8s/replica-journal.js';
import { runK8sSnapshot } from '../../src/jobs/k8s/snapshot-service.js';
import { tempDir } from '../support/temp-dir.js';
import { env, KUBECTL, kubectl, readCluster, verbs, writeCluster } from './fake-cluster.js';

const SCALE = { waitTimeoutSeconds: 10, pollIntervalMs: 50 };
const NOW = new Date('2026-11-21T12:00:00Z');

const request = (journalDir: string) => ({ statefulset: 'web', journalDir, readyTimeoutSeconds: 10, scale: SCALE, now: NOW });

describe('k8s snapshot', () => {
  it('scales to 0, waits for the pods, snapshots every PVC, waits readyToUse, scales back and waits for the rollout', async () => {
    const dir = await tempDir();
    const state = await writeCluster(dir);
    const result = await runK8sSnapshot(kubectl(state), request(path.join(dir, 'journals')), () => undefined);
    expect(result.error).toBeNull();
    expect(result.snapshots.map((s) => [s.name, s.readyToUse, s.restoreSize])).toEqual([0, 1, 2].map((i) => [`data-web-${i}-20261121t120000z`, true, '10Gi']));
    const after = await readCluster(state);
    expect(after.statefulsets['chain/web']?.spec.replicas).toBe(3);
    const order = verbs(after).filter((v) => !v.startsWith('get'));
    expect(order).toEqual([
      'config current-context',
      'scale statefulset/web --replicas=0',
      'wait --for=delete pod/web-0',
      'wait --for=delete pod/web-1',
      'wait --for=delete pod/web-2',
      'apply -f -',
      'apply -f -',
      'apply -f -',
      'scale statefulset/web --replicas=3',
      'rollout status statefulset/web',
    ]);
    const vs = JSON.parse(after.calls.find((c) => c.input)?.input ?? '{}');
    expect(vs).toMatchObject({ apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshot', spec: { source: { persistentVolumeClaimName: 'data-web-0' } } });
    expect(after.calls.every((c) => c.argv.includes('--namespace') || c.argv[0] === 'config')).toBe(true);
    const journal = await readJournal(result.journal as string);
    expect(journal.records.map((r) => r.type)).toEqual(['begin', 'scaled-down', 'object', 'object', 'object', 'scaled-back', 'done']);
    expect(journal.begin).toMatchObject({ context: 'kind-test', namespace: 'chain', statefulset: 'web', replicas: 3 });
  });

  it('a snapshot that reports an error still scales the StatefulSet back to its replicas', async () => {
    const dir = await tempDir();
    const state = await writeCluster(dir, { failSnapshots: ['data-web-1'] });
    const result = await runK8sSnapshot(kubectl(state), request(path.join(dir, 'journals')), () => undefined);
    expect(result.error?.message).toMatch(/VolumeSnapshot data-web-1-20261121t120000z failed: .*Could not create snapshot/);
    expect(result.scaledBack).toBe(true);
    const after = await readCluster(state);
    expect(after.statefulsets['chain/web']?.spec.replicas).toBe(3);
    expect(verbs(after).at(-2)).toBe('scale statefulset/web --replicas=3');
    expect((await readJournal(result.journal as string)).records.at(-1)).toMatchObject({ type: 'done', outcome: 'failed' });
  });

  it('--dry-run runs only reads and records every other call with its manifest', async () => {
    const dir = await tempDir();
    const state = await writeCluster(dir);
    const k = kubectl(state, true);
    const result = await runK8sSnapshot(k, request(path.join(dir, 'journals')), () => undefined);
    expect(result.error).toBeNull();
    expect(result.journal).toBeNull();
    const after = await readCluster(state);
    expect(verbs(after)).toEqual(['config current-context', 'get statefulset web', 'get persistentvolumeclaim -o']);
    const shown = k.calls.filter((c) => !c.executed).map((c) => c.display);
    expect(shown[0]).toBe(`${KUBECTL} --namespace chain scale statefulset/web --replicas=0`);
    expect(shown.filter((d) => d.includes('apply -f - <<manifest'))).toHaveLength(3);
    expect(k.calls.filter((c) => c.input).map((c) => JSON.parse(c.input as string).metadata.name)).toEqual(result.snapshots.map((s) => s.name));
    await expect(readdir(path.join(dir, 'journals'))).rejects.toThrow();
  });

  it('a crash after the scale-down leaves a journal that k8s undo uses to scale the StatefulSet back', async () => {
    const dir = await tempDir();
    // Snapshots never become ready; the job is killed (SIGKILL, no finally) after its 3rd journal record.
    const state = await writeCluster(dir, { snapshotReadyMs: 600_000 });
    const journalDir = path.join(dir, 'journals');
    const dist = path.resolve(import.meta.dirname, '../../dist/jobs/k8s');
    const script = `
      const { Kubectl } = await import(${JSON.stringify(path.join(dist, 'kubectl.js'))});
      const { runK8sSnapshot } = await import(${JSON.stringify(path.join(dist, 'snapshot-service.js'))});
      const k = new Kubectl({ binary: ${JSON.stringify(KUBECTL)}, namespace: 'chain', timeoutMs: 20000, dryRun: false });
      await runK8sSnapshot(k, { statefulset: 'web', journalDir: ${JSON.stringify(journalDir)}, readyTimeoutSeconds: 60, scale: { waitTimeoutSeconds: 10, pollIntervalMs: 50 }, now: new Date() }, () => {});
    `;
    const child = await execa(process.execPath, ['--input-type=module', '-e', script], { env: { ...env(state), SNAPPLAN_TEST_KILL_AFTER: '3', SNAPPLAN_I_AM_A_TEST_HARNESS: 'fault-injection' }, reject: false, timeout: 20_000 });
    expect(child.signal).toBe('SIGKILL');
    expect((await readCluster(state)).statefulsets['chain/web']?.spec.replicas).toBe(0);
    const [name] = await readdir(journalDir);
    const journalPath = path.join(journalDir, name as string);
    expect((await readJournal(journalPath)).records.map((r) => r.type)).toEqual(['begin', 'scaled-down', 'object']);

    const undo = await undoK8sJob({ statefulset: 'web', journalDir }, { binary: KUBECTL, env: env(state), timeoutMs: 20_000, dryRun: false }, SCALE, () => undefined);
    expect(undo).toMatchObject({ action: 'scaled-back', replicas: 3, context: 'kind-test', namespace: 'chain', error: null });
    const after = await readCluster(state);
    expect(after.statefulsets['chain/web']?.spec.replicas).toBe(3);
    // The undo used the journal's context, not the ambient one.
    expect(after.calls.at(-2)?.argv.slice(0, 4)).toEqual(['--context', 'kind-test', '--namespace', 'chain']);
    expect((await readJournal(journalPath)).records.map((r) => r.type).slice(-2)).toEqual(['scaled-back', 'done']);
    // A second undo has nothing left to do.
    const again = await undoK8sJob({ journal: journalPath }, { binary: KUBECTL, env: env(state), timeoutMs: 20_000, dryRun: false }, SCALE, () => undefined);
    expect(again.action).toBe('nothing-to-do');
    expect(JSON.parse(await readFile(journalPath, 'utf8').then((t) => t.split('\n')[0] as string))).toMatchObject({ type: 'begin', schemaVersion: 1 });
  });
});
