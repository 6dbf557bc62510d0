import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Kubectl } from '../../src/jobs/k8s/kubectl.js';

export const KUBECTL = path.resolve(import.meta.dirname, '../../fixtures/bin/kubectl');

export interface FakeState {
  currentContext: string;
  config: { podTerminationMs?: number; snapshotReadyMs?: number; failSnapshots?: string[]; failScale?: boolean; failApply?: boolean; failApplyNames?: string[] };
  statefulsets: Record<string, { spec: { replicas: number } & Record<string, unknown> } & Record<string, unknown>>;
  pvcs: Record<string, Record<string, unknown>>;
  pvs: Record<string, Record<string, unknown>>;
  volumesnapshots: Record<string, { metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; status?: Record<string, unknown> } & Record<string, unknown>>;
  pods: Record<string, Record<string, unknown>>;
  nodes: Record<string, Record<string, unknown>>;
  storageclasses?: Record<string, Record<string, unknown>>;
  calls: { argv: string[]; input?: string }[];
}

/** A cluster with StatefulSet `web` (3 replicas, claim template `data`, 10Gi) in namespace `chain`. */
export async function writeCluster(dir: string, config: FakeState['config'] = {}): Promise<string> {
  const ns = 'chain';
  const state: FakeState = {
    currentContext: 'kind-test',
    config: { podTerminationMs: 150, snapshotReadyMs: 150, ...config },
    statefulsets: {
      [`${ns}/web`]: {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'web', namespace: ns },
        spec: {
          replicas: 3,
          serviceName: 'web',
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'gp3', resources: { requests: { storage: '10Gi' } } } }],
        },
        status: { replicas: 3, readyReplicas: 3 },
      },
    },
    pvcs: {},
    pvs: {},
    volumesnapshots: {},
    pods: {},
    nodes: {
      'ip-10-0-1-1': { metadata: { name: 'ip-10-0-1-1', labels: { 'topology.kubernetes.io/zone': 'us-east-2a' } } },
      'ip-10-0-2-1': { metadata: { name: 'ip-10-0-2-1', labels: { 'topology.kubernetes.io/zone': 'us-east-2b' } } },
    },
    storageclasses: {
      gp3: { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'gp3' }, provisioner: 'ebs.csi.aws.com', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' },
    },
    calls: [],
  };
  for (let i = 0; i < 3; i += 1) {
    state.pvcs[`${ns}/data-web-${i}`] = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: `data-web-${i}`, namespace: ns },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'gp3', resources: { requests: { storage: '10Gi' } }, volumeName: `pvc-${i}` },
      status: { phase: 'Bound', capacity: { storage: '10Gi' } },
    };
    state.pvs[`pvc-${i}`] = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: `pvc-${i}` }, spec: { persistentVolumeReclaimPolicy: 'Delete' } };
    state.pods[`${ns}/web-${i}`] = { metadata: { name: `web-${i}`, namespace: ns }, status: { phase: 'Running' } };
  }
  const file = path.join(dir, 'cluster.json');
  await writeFile(file, JSON.stringify(state, null, 2));
  return file;
}

export async function readCluster(file: string): Promise<FakeState> {
  return JSON.parse(await readFile(file, 'utf8')) as FakeState;
}

export function env(stateFile: string): NodeJS.ProcessEnv {
  return { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, SNAPPLAN_FAKE_KUBE_STATE: stateFile };
}

export function kubectl(stateFile: string, dryRun = false): Kubectl {
  return new Kubectl({ binary: KUBECTL, namespace: 'chain', env: env(stateFile), timeoutMs: 20_000, dryRun });
}

/** The verbs of the calls, without the global flags, for order checks. */
export function verbs(state: FakeState): string[] {
  return state.calls.map((c) => c.argv.filter((a, i, all) => a !== '--namespace' && all[i - 1] !== '--namespace' && a !== '--context' && all[i - 1] !== '--context').slice(0, 3).join(' '));
}
