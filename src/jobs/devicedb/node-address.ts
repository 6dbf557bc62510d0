import { UserError } from '../../core/errors.js';

/** One devicedb cluster node as named on the command line: `[label=]host:port`. */
export interface DevicedbNode {
  /** Names the node's piece: `snapshot-<uuid>-<label>.tar` (default `host-port`). */
  readonly label: string;
  readonly host: string;
  readonly port: number;
}

const LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * Parses `--node` values. The label becomes part of a file name, so it is limited to a safe
 * alphabet; IPv6 hosts go in brackets (`[::1]:8080`), as in a URL.
 */
export function parseNode(value: string): DevicedbNode {
  const eq = value.indexOf('=');
  const explicit = eq === -1 ? undefined : value.slice(0, eq);
  const address = eq === -1 ? value : value.slice(eq + 1);
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(address);
  const port = match ? Number(match[2]) : NaN;
  if (!match || !(port >= 1 && port <= 65535)) {
    throw new UserError(`--node ${JSON.stringify(value)} is not host:port.`, { hint: 'Name each node as host:port or label=host:port, e.g. --node ddb1=10.0.0.5:8080.' });
  }
  const host = match[1] ?? '';
  const label = explicit ?? `${host.replace(/[[\]]/g, '').replaceAll(':', '_')}-${port}`;
  if (!LABEL.test(label)) throw new UserError(`--node label ${JSON.stringify(label)} may hold only letters, digits, '.', '_' and '-'.`);
  return { label, host, port };
}

export function parseNodes(values: readonly string[]): DevicedbNode[] {
  if (values.length === 0) throw new UserError('Name every node of the cluster with --node host:port.');
  const nodes = values.map(parseNode);
  const seen = new Set<string>();
  for (const node of nodes) {
    const key = `${node.host}:${node.port}`;
    if (seen.has(node.label) || seen.has(key)) throw new UserError(`--node ${node.label} (${key}) is named twice.`);
    seen.add(node.label);
    seen.add(key);
  }
  return nodes;
}

export function baseUrl(node: Pick<DevicedbNode, 'host' | 'port'>): string {
  return `http://${node.host}:${node.port}`;
}

export function describeNode(node: DevicedbNode): string {
  return `${node.label} (${node.host}:${node.port})`;
}
