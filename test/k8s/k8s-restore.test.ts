import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { undoK8sJob } from '../../src/jobs/k8s/k8s-undo.js';
import { readJournal } from '../../src/jobs/k8s/replica-journal.js';
import { runK8sRestore, type K8sRestoreRequest } from '../../src/jobs/k8s/restore-service.js';
import { runK8sSnapshot } from '../../src/jobs/k8s/snapshot-service.js';
import { tempDir } from '../support/temp-dir.js';
import { env, KUBECTL, kubectl, readCluster, verbs, writeCluster, type FakeState } from './fake-cluster.js';
import { runMain } from '../support/run-cli.js';

const SCALE = { waitTimeoutSeconds: 10, pollIntervalMs: 50 };
const NOW = new Date('2026-11-21T12:00:00Z');
const VOL = 'vol-0abcd1234ef567890';

const restore = (journalDir: string, from: string, replace = false): K8sRestoreRequest => ({ statefulset: 'web', source: { kind: 'snapshots', from }, replace, journalDir, scale: SCALE, now: NOW });

/** The cluster commands through main(), as the CLI runs them. */
const run = (argv: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}) => runMain(argv, { cwd, env: extraEnv });

/** Ready VolumeSnapshots of set `s1`, as `k8s snapshot` labels them, with the given restoreSizes. */
async function seedSnapshots(state: string, sizes: string[]): Promise<void> {
  const s = await readCluster(state);
  for (const [i, restoreSize] of sizes.entries()) {
    const name = `data-web-${i}-s1`;
    s.volumesnapshots[`chain/${name}`] = {
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshot',
      metadata: { name, namespace: 'chain', labels: { 'snapplan.io/statefulset': 'web', 'snapplan.io/snapshot-set': 's1' }, annotations: { 'snapplan.io/pvc': `data-web-${i}`, 'snapplan.io/claim': 'data' } },
      spec: { source: { persistentVolumeClaimName: `data-web-${i}` } },
      createdAtMs: 0,
      status: { readyToUse: true, restoreSize, creationTime: '2026-11-20T00:00:00Z', boundVolumeSnapshotContentName: `snapcontent-${i}` },
    };
  }
  await writeFile(state, JSON.stringify(s, null, 2));
}

async function setReclaim(state: string, policy: 'Retain' | 'Delete'): Promise<void> {
  const s = await readCluster(state);
  for (const pv of Object.values(s.pvs)) (pv['spec'] as Record<string, unknown>)['persistentVolumeReclaimPolicy'] = policy;
  await writeFile(state, JSON.stringify(s, null, 2));
}

/** The cluster without the call log: what a refusal must leave untouched. */
const objects = (s: FakeState) => JSON.stringify({ ...s, calls: [] });

describe('k8s restore from VolumeSnapshots', () => {
  it('restores every PVC of a snapshot job (named by its journal) with dataSource, then scales back', async () => {
    const dir = await tempDir();
    const state = await writeCluster(dir);
    const journalDir = path.join(dir, 'journals');
    const snap = await runK8sSnapshot(kubectl(state), { statefulset: 'web', journalDir, readyTimeoutSeconds: 10, scale: SCALE, now: NOW }, () => undefined);
    expect(snap.error).toBeNull();
    await setReclaim(state, 'Retain');
    const before = (await readCluster(state)).calls.length;

    const result = await runK8sRestore(kubectl(state), restore(journalDir, snap.journal as string, true), () => undefined);
    expect(result.error).toBeNull();
    expect(result.claims.map((c) => [c.pvc, c.snapshot, c.size, c.restoreSize, c.state, c.existing?.reclaimPolicy])).toEqual(
      [0, 1, 2].map((i) => [`data-web-${i}`, `data-web-${i}-20261121t120000z`, '10Gi', '10Gi', 'bound', 'Retain']),
    );
    const after = await readCluster(state);
    expect(after.statefulsets['chain/web']?.spec.replicas).toBe(3);
    expect(verbs({ ...after, calls: after.calls.slice(before) }).filter((v) => !v.startsWith('get'))).toEqual([
      'config current-context',
      'scale statefulset/web --replicas=0',
      'wait --for=delete pod/web-0',
      'wait --for=delete pod/web-1',
      'wait --for=delete pod/web-2',
      'delete persistentvolumeclaim data-web-0',
      'apply -f -',
      'delete persistentvolumeclaim data-web-1',
      'apply -f -',
      'delete persistentvolumeclaim data-web-2',
      'apply -f -',
      'scale statefulset/web --replicas=3',
      'rollout status statefulset/web',
    ]);
    const pvc = after.pvcs['chain/data-web-1'] as { spec: Record<string, unknown>; status: { phase: string } };
    expect(pvc.spec).toMatchObject({
      storageClassName: 'gp3',
      resources: { requests: { storage: '10Gi' } },
      dataSource: { name: 'data-web-1-20261121t120000z', kind: 'VolumeSnapshot', apiGroup: 'snapshot.storage.k8s.io' },
    });
    expect(pvc.status.phase).toBe('Bound');
    // Retain: the old volumes stay, Released, for the operator to clean up.
    expect((after.pvs['pvc-1'] as { status: { phase: string } }).status.phase).toBe('Released');
    const journal = await readJournal(result.journal as string);
    expect(journal.begin).toMatchObject({ job: 'restore', replicas: 3, namespace: 'chain', context: 'kind-test' });
    expect(journal.records.map((r) => (r.type === 'object' ? `${r.action} ${r.name}` : r.type))).toEqual([
      'begin', 'scaled-down',
      'deleted data-web-0', 'applied data-web-0', 'deleted data-web-1', 'applied data-web-1', 'deleted data-web-2', 'applied data-web-2',
      'scaled-back', 'done',
    ]);
  });

  it('sizes each claim at least at its snapshot\'s restoreSize (snapshot set named by its label)', async () => {
    const dir = await tempDir();
    const state = await writeCluster(dir);
    await seedSnapshots(state, ['10Gi', '12Gi', '8Gi']);
    await setReclaim(state, 'Retain');
    const result = await runK8sRestore(kubectl(state), restore(path.join(dir, 'j'), 's1', true), () => undefined);
    expect(result.error).toBeNull();
    // The template asks 10Gi: 12Gi wins for ordinal 1; 8Gi fits in the template's 10Gi.
    expect(result.claims.map((c) => c.size)).toEqual(['10Gi', '12Gi', '10Gi']);
    const after = await readCluster(state);
    expect((after.pvcs['chain/data-web-1'] as { status: { capacity: { storage: string } } }).status.capacity.storage).toBe('12Gi');
  });

  it('refuses (exit 2, nothing changed) when deleting a claim would delete its volume, unless --replace', async () => {
    const dir = await tempDir();
    const state = await writeCluster(dir);
    await seedSnapshots(state, ['10Gi', '10Gi', '10Gi']);
    const before = await readCluster(state);
    const r = await run(['k8s', 'restore', '--statefulset', 'web', '-n', 'chain', '--from-snapshots', 's1', '--kubectl', KUBECTL, '--journal-dir', 'j'], dir, env(state));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/PVC data-web-0 exists; its PV pvc-0 has reclaim policy Delete: deleting the claim deletes that volume and the data on it/);
    expect(r.stderr).toMatch(/--replace/);
    const after = await readCluster(state);
    expect(objects(after)).toBe(objects(before));
    expect(verbs(after).filter((v) => !v.startsWith('get') && v !== 'config current-context')).toEqual([]);
    await expect(readdir(path.join(dir, 'j'))).rejects.toThrow();
  });

  it('a snapshot that is not readyToUse refuses before anything changes', async () => {
    const dir = await tempDir();
    const state = await writeCluster(dir, { failSnapshots: ['data-web-2'] });
    await seedSnapshots(state, ['10Gi', '10Gi', '10Gi']);
    const s = await readCluster(state);
    delete (s.volumesnapshots['chain/data-web-2-s1'] as { status?: unknown }).status;
    await writeFile(state, JSON.stringify(s));
    await expect(runK8sRestore(kubectl(state), restore(path.join(dir, 'j'), 's1', true), () => undefined)).rejects.toThrow(/data-web-2-s1 is not readyToUse \(Failed to check and update snapshot content/);
    expect((await readCluster(state)).statefulsets['chain/web']?.spec.replicas).toBe(3);
  });

  it('a failure mid-way (a refused claim) still scales back, exits 1 and names the claim left missing', async () => {
    const dir = await tempDir();
    const state = await writeCluster(dir, { failApplyNames: ['data-web-1'] });
    await seedSnapshots(state, ['10Gi', '10Gi', '10Gi']);
    const r = await run(['k8s', 'restore', '--statefulset', 'web', '-n', 'chain', '--from-snapshots', 's1', '--replace', '--kubectl', KUBECTL, '--journal-dir', 'j', '--json'], dir, env(state));
    expect(r.exitCode).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, type: 'k8s-restore', scaledBack: true, error: { exitCode: 1 } });
    expect(doc.error.outputTail).toMatch(/persistentvolumeclaims "data-web-1" is forbidden: exceeded quota/);
    expect(doc.error.hint).toMatch(/data-web-1 was deleted and not recreated/);
    expect(doc.claims.map((c: { state: string }) => c.state)).toEqual(['applied', 'deleted', 'planned']);
    const after = await readCluster(state);
    expect(after.statefulsets['chain/web']?.spec.replicas).toBe(3);
    expect(verbs(after).at(-2)).toBe('scale statefulset/web --replicas=3');
    expect(after.pvcs['chain/data-web-2']).toBeDefined();
    // Reclaim Delete with --replace: the deleted claims' volumes are gone.
    expect(after.pvs['pvc-1']).toBeUndefined();

    // k8s undo on that journal has nothing to scale, but a crash there would warn about the missing claim.
    const [name] = (await readdir(path.join(dir, 'j'))).filter((n) => n.endsWith('.jsonl'));
    const journalPath = path.join(dir, 'j', name as string);
    const lines = (await readFile(journalPath, 'utf8')).trim().split('\n').filter((l) => !/"type":"(scaled-back|done)"/.test(l));
    await writeFile(journalPath, lines.join('\n') + '\n');
    const events: string[] = [];
    const undo = await undoK8sJob({ journal: journalPath }, { binary: KUBECTL, env: env(state), timeoutMs: 20_000, dryRun: false }, SCALE, (t) => events.push(t));
    expect(undo).toMatchObject({ job: 'restore', action: 'scaled-back', replicas: 3, missingClaims: ['data-web-1'], error: null });
    expect(events.join('\n')).toMatch(/deleted data-web-1 and did not recreate it/);
  });

  it('--dry-run --json prints every call and manifest and changes nothing', async () => {
    const dir = await tempDir();
    const state = await writeCluster(dir);
    await seedSnapshots(state, ['10Gi', '10Gi', '10Gi']);
    const before = await readCluster(state);
    const r = await run(['k8s', 'restore', '--statefulset', 'web', '-n', 'chain', '--from-snapshots', 's1', '--replace', '--kubectl', KUBECTL, '--journal-dir', 'j', '--dry-run', '--json'], dir, env(state));
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ type: 'k8s-restore', dryRun: true, journal: null, error: null });
    const shown = doc.calls.filter((c: { executed: boolean }) => !c.executed);
    expect(shown.map((c: { argv: string[] }) => c.argv.slice(2, 5).join(' '))).toEqual([
      'scale statefulset/web --replicas=0',
      'wait --for=delete pod/web-0',
      'wait --for=delete pod/web-1',
      'wait --for=delete pod/web-2',
      'delete persistentvolumeclaim data-web-0',
      'apply -f -',
      'delete persistentvolumeclaim data-web-1',
      'apply -f -',
      'delete persistentvolumeclaim data-web-2',
      'apply -f -',
      'scale statefulset/web --replicas=3',
      'rollout status statefulset/web',
    ]);
    expect(shown[5].manifest).toMatchObject({ kind: 'PersistentVolumeClaim', metadata: { name: 'data-web-0' }, spec: { dataSource: { name: 'data-web-0-s1' } } });
    expect(r.stderr).toContain('(dry run) ');
    expect(r.stderr).toContain('"kind": "VolumeSnapshot"');
    expect(objects(await readCluster(state))).toBe(objects(before));
    await expect(readdir(path.join(dir, 'j'))).rejects.toThrow();
  });
});

describe('k8s restore from EBS volumes (no snapshot API)', () => {
  it('writes the seed\'s PV + PVC manifests next to the journal and applies them', async () => {
    const dir = await tempDir();
    const state = await writeCluster(dir);
    await setReclaim(state, 'Retain');
    const r = await run(
      ['k8s', 'restore', '--statefulset', 'web', '-n', 'chain', '--ebs-volume', `0=${VOL}`, '--size', '200Gi', '--zone', 'us-east-2a', '--replace', '--kubectl', KUBECTL, '--journal-dir', 'j', '--json'],
      dir,
      env(state),
    );
    expect(r.stderr).not.toMatch(/snapplan: .*failed/);
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    const pvName = 'data-web-0-pv-20261121t120000z';
    expect(doc.claims).toEqual([expect.objectContaining({ pvc: 'data-web-0', volumeId: VOL, pv: pvName, size: '200Gi', state: 'bound' })]);
    const yaml = await readFile(doc.manifestFile as string, 'utf8');
    expect(path.dirname(doc.manifestFile as string)).toBe(path.join(dir, 'j'));
    expect(yaml).toContain('"kind": "PersistentVolume"\n');
    expect(yaml).toContain(`"name": "${pvName}"`);
    expect(yaml).toContain('  "capacity":\n    "storage": "200Gi"');
    expect(yaml).toContain(`  "csi":\n    "driver": "ebs.csi.aws.com"\n    "volumeHandle": "${VOL}"\n    "fsType": "ext4"`);
    expect(yaml).toContain('            - "key": "topology.ebs.csi.aws.com/zone"\n              "operator": "In"\n              "values":\n                - "us-east-2a"');
    expect(yaml).toContain('"persistentVolumeReclaimPolicy": "Retain"');
    expect(yaml).toContain(`"volumeName": "${pvName}"`);
    const after = await readCluster(state);
    expect(after.pvs[pvName]).toMatchObject({ spec: { csi: { driver: 'ebs.csi.aws.com', volumeHandle: VOL }, capacity: { storage: '200Gi' }, claimRef: { namespace: 'chain', name: 'data-web-0' } }, status: { phase: 'Bound' } });
    expect(after.pvcs['chain/data-web-0']).toMatchObject({ spec: { volumeName: pvName }, status: { phase: 'Bound' } });
    expect(after.statefulsets['chain/web']?.spec.replicas).toBe(3);
    // Ordinals 1 and 2 keep their claims.
    expect(after.pvcs['chain/data-web-1']).toMatchObject({ spec: { volumeName: 'pvc-1' } });
  });

  it('refuses a zone that no node is in (exit 2, nothing changed)', async () => {
    const dir = await tempDir();
    const state = await writeCluster(dir);
    const before = await readCluster(state);
    const r = await run(['k8s', 'restore', '--statefulset', 'web', '-n', 'chain', '--ebs-volume', `0=${VOL}`, '--size', '200Gi', '--zone', 'us-east-1a', '--replace', '--kubectl', KUBECTL, '--journal-dir', 'j'], dir, env(state));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/No node is in zone us-east-1a/);
    expect(r.stderr).toMatch(/us-east-2a, us-east-2b/);
    expect(objects(await readCluster(state))).toBe(objects(before));
    await expect(readdir(path.join(dir, 'j'))).rejects.toThrow();
  });

  it('refuses a bad size or volume ID before calling kubectl', async () => {
    const dir = await tempDir();
    const state = await writeCluster(dir);
    const size = await run(['k8s', 'restore', '--statefulset', 'web', '-n', 'chain', '--ebs-volume', `0=${VOL}`, '--size', '200GB', '--zone', 'us-east-2a', '--kubectl', KUBECTL], dir, env(state));
    expect(size.exitCode).toBe(2);
    expect(size.stderr).toMatch(/--size "200GB" is not a Kubernetes quantity/);
    const vol = await run(['k8s', 'restore', '--statefulset', 'web', '-n', 'chain', '--ebs-volume', '0=vol-xyz', '--size', '200Gi', '--zone', 'us-east-2a', '--kubectl', KUBECTL], dir, env(state));
    expect(vol.exitCode).toBe(2);
    expect(vol.stderr).toMatch(/is not an EBS volume ID/);
  });

  it('--dry-run prints the manifests and writes no file', async () => {
    const dir = await tempDir();
    const state = await writeCluster(dir);
    const before = await readCluster(state);
    const r = await run(['k8s', 'restore', '--statefulset', 'web', '-n', 'chain', '--ebs-volume', `1=${VOL}`, '--size', '200Gi', '--zone', 'us-east-2b', '--replace', '--kubectl', KUBECTL, '--journal-dir', 'j', '--dry-run'], dir, env(state));
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain(`"volumeHandle": "${VOL}"`);
    expect(r.stderr).toContain('(dry run) ' + KUBECTL + ' --namespace chain delete persistentvolumeclaim data-web-1');
    expect(r.stdout).toMatch(/data-web-1: would be restored PV data-web-1-pv-20261121t120000z/);
    expect(objects(await readCluster(state))).toBe(objects(before));
    await expect(readdir(path.join(dir, 'j'))).rejects.toThrow();
  });
});
