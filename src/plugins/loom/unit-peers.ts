/**
 * The peers in a Loom unit's `ExecStart=/usr/bin/loom … --peers tcp://ID@IP:46656,…` line.
 * The node ID is the same key as `chaindata/config/node_key.json` (seed 003, NODE_KEYS).
 */
export interface Peer {
  readonly id: string;
  readonly host: string;
  readonly port: string;
}

export function execStartLine(unitText: string): string | null {
  // systemd joins lines ending in a backslash.
  const joined = unitText.replace(/\\\r?\n/g, ' ');
  const line = joined.split('\n').find((l) => /^\s*ExecStart\s*=/.test(l));
  return line === undefined ? null : line.trim();
}

export function parsePeers(execStart: string): Peer[] {
  const peers: Peer[] = [];
  for (const m of execStart.matchAll(/tcp:\/\/([0-9a-fA-F]+)@([^:,\s"']+):(\d+)/g)) {
    peers.push({ id: (m[1] as string).toLowerCase(), host: m[2] as string, port: m[3] as string });
  }
  return peers;
}

/**
 * What `mangleDCBackupServiceDefinition.sh` builds: the installed line's head and hosts with
 * the backup's node IDs, in order (here for any number of peers, not just three).
 */
export function mangledExecStart(installed: string, backupPeers: readonly Peer[]): string | null {
  const mine = parsePeers(installed);
  if (mine.length === 0 || mine.length !== backupPeers.length) return null;
  const list = mine.map((p, i) => `tcp://${(backupPeers[i] as Peer).id}@${p.host}:${p.port}`).join(',');
  const first = installed.search(/tcp:\/\//);
  const last = installed.lastIndexOf(`${(mine.at(-1) as Peer).host}:${(mine.at(-1) as Peer).port}`) + `${(mine.at(-1) as Peer).host}:${(mine.at(-1) as Peer).port}`.length;
  return `${installed.slice(0, first)}${list}${installed.slice(last)}`;
}
