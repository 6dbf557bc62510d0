import type { CommandEntry } from '../define-command.js';
import { devicedbCommand } from './devicedb.js';
import { k8sCommand } from './k8s.js';

/** Cluster-wide jobs that archive no local folder: Kubernetes StatefulSets and devicedb clusters. */
export const clusterCommands: readonly CommandEntry[] = [k8sCommand, devicedbCommand];
