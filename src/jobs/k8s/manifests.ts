/**
 * The objects snapplan applies, built as plain data (applied as JSON on stdin, printed under
 * --dry-run, and written as YAML for the EBS restore, like the seed's restore-pvc.yaml).
 */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'snapplan' } as const;
export const LABEL_STS = 'snapplan.io/statefulset';
export const LABEL_SET = 'snapplan.io/snapshot-set';
export const ANNOTATION_PVC = 'snapplan.io/pvc';
export const ANNOTATION_CLAIM = 'snapplan.io/claim';

export type Manifest = Record<string, unknown>;

export function volumeSnapshot(options: { name: string; namespace: string; pvc: string; claim: string; statefulset: string; set: string; snapshotClass?: string | undefined }): Manifest {
  return {
    apiVersion: 'snapshot.storage.k8s.io/v1',
    kind: 'VolumeSnapshot',
    metadata: {
      name: options.name,
      namespace: options.namespace,
      labels: { ...MANAGED_BY, [LABEL_STS]: options.statefulset, [LABEL_SET]: options.set },
      annotations: { [ANNOTATION_PVC]: options.pvc, [ANNOTATION_CLAIM]: options.claim },
    },
    spec: {
      // Without a class name the cluster's default VolumeSnapshotClass is used.
      ...(options.snapshotClass ? { volumeSnapshotClassName: options.snapshotClass } : {}),
      source: { persistentVolumeClaimName: options.pvc },
    },
  };
}

export interface ClaimShape {
  readonly accessModes: readonly string[];
  readonly storageClassName?: string | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/** A PVC with the StatefulSet's name for the ordinal, filled from a VolumeSnapshot. */
export function pvcFromSnapshot(options: { name: string; namespace: string; size: string; snapshot: string; shape: ClaimShape }): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: options.name, namespace: options.namespace, labels: { ...(options.shape.labels ?? {}), ...MANAGED_BY } },
    spec: {
      accessModes: [...options.shape.accessModes],
      ...(options.shape.storageClassName !== undefined ? { storageClassName: options.shape.storageClassName } : {}),
      resources: { requests: { storage: options.size } },
      dataSource: { name: options.snapshot, kind: 'VolumeSnapshot', apiGroup: 'snapshot.storage.k8s.io' },
    },
  };
}

/**
 * The seed's restore-pvc.yaml: a PersistentVolume for an existing EBS volume (driver
 * ebs.csi.aws.com, pinned to its zone, since an EBS volume attaches only there) and the PVC
 * the StatefulSet's pod will claim, bound to it by name.
 */
export function ebsVolumeManifests(options: { pvName: string; pvcName: string; namespace: string; volumeId: string; size: string; zone: string; fsType: string; shape: ClaimShape }): [Manifest, Manifest] {
  const storageClassName = options.shape.storageClassName ?? '';
  const pv: Manifest = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: options.pvName, labels: { ...MANAGED_BY } },
    spec: {
      capacity: { storage: options.size },
      accessModes: [...options.shape.accessModes],
      // Retain: deleting the claim later must not delete the restored volume.
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName,
      claimRef: { namespace: options.namespace, name: options.pvcName },
      csi: { driver: 'ebs.csi.aws.com', volumeHandle: options.volumeId, fsType: options.fsType },
      nodeAffinity: {
        required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.ebs.csi.aws.com/zone', operator: 'In', values: [options.zone] }] }] },
      },
    },
  };
  const pvc: Manifest = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: options.pvcName, namespace: options.namespace, labels: { ...(options.shape.labels ?? {}), ...MANAGED_BY } },
    spec: {
      accessModes: [...options.shape.accessModes],
      storageClassName,
      volumeName: options.pvName,
      resources: { requests: { storage: options.size } },
    },
  };
  return [pv, pvc];
}

/**
 * YAML for plain JSON data: maps and lists in block style, every string double-quoted (JSON's
 * escapes are valid YAML), so no value is ever read back as another type ("on", "0755").
 */
export function toYaml(value: unknown, indent = 0): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return value
      .map((item) => {
        const body = toYaml(item, indent + 2);
        return isBlock(item) ? `${pad}- ${body.trimStart()}` : `${pad}- ${body}`;
      })
      .join('\n');
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return entries
      .map(([key, v]) => (isBlock(v) ? `${pad}${JSON.stringify(key)}:\n${toYaml(v, indent + 2)}` : `${pad}${JSON.stringify(key)}: ${toYaml(v, indent + 2)}`))
      .join('\n');
  }
  return JSON.stringify(value);
}

function isBlock(value: unknown): boolean {
  return value !== null && typeof value === 'object' && (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0);
}

export function yamlDocuments(manifests: readonly Manifest[]): string {
  return manifests.map((m) => `---\n${toYaml(m)}\n`).join('');
}
