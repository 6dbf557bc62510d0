import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

/**
 * Three (or more) devicedb nodes on 127.0.0.1, each its own HTTP server, implementing the
 * documented API (routes/snapshot.go, routes/cluster.go): POST /snapshot, GET /snapshot/<uuid>,
 * GET /snapshot/<uuid>.tar, GET /cluster. Behaviour per node is scripted.
 */
export interface NodeScript {
  /** GETs answered `processing` before the final status (0: final at once). */
  processingPolls?: number;
  /** The status once processing is over. */
  final?: 'completed' | 'failed' | 'missing';
  /** The tar this node serves. */
  tar: Buffer;
  /** Send the headers and half the bytes, then destroy the connection. */
  breakDownload?: boolean;
  /** u64 node ID, above 2^53 like devicedb's. */
  nodeId: string;
}

export interface FakeNode {
  readonly label: string;
  readonly port: number;
  script: NodeScript;
  up: boolean;
  /** Every request, as `METHOD path`. */
  readonly requests: string[];
}

export interface FakeCluster {
  readonly nodes: FakeNode[];
  /** UUIDs started with POST /snapshot. */
  readonly snapshots: string[];
}

export async function startCluster(scripts: Record<string, NodeScript>): Promise<FakeCluster> {
  const cluster: FakeCluster = { nodes: [], snapshots: [] };
  const polls = new Map<string, number>();
  const servers: http.Server[] = [];
  for (const [label, script] of Object.entries(scripts)) {
    const node: FakeNode = { label, port: 0, script, up: true, requests: [] };
    const server = http.createServer((req, res) => {
      const url = req.url ?? '/';
      node.requests.push(`${req.method} ${url}`);
      const json = (status: number, body: string) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf8' });
        res.end(body + '\n');
      };
      if (!node.up) return json(503, '{"message":"node stopped"}');
      if (req.method === 'POST' && url === '/snapshot') {
        const uuid = randomUUID();
        cluster.snapshots.push(uuid);
        return json(200, JSON.stringify({ uuid, status: 'processing' }));
      }
      const tar = /^\/snapshot\/([0-9a-f-]{36})\.tar$/.exec(url);
      const status = /^\/snapshot\/([0-9a-f-]{36})$/.exec(url);
      const uuid = (tar ?? status)?.[1];
      if (req.method === 'GET' && uuid !== undefined) {
        if (!cluster.snapshots.includes(uuid)) {
          return tar ? json(404, '{"message":"snapshot not found"}') : json(200, JSON.stringify({ uuid, status: 'missing' }));
        }
        const key = `${label}/${uuid}`;
        const seen = polls.get(key) ?? 0;
        const current = seen < (node.script.processingPolls ?? 0) ? 'processing' : (node.script.final ?? 'completed');
        if (status) {
          polls.set(key, seen + 1);
          return json(200, JSON.stringify({ uuid, status: current }));
        }
        if (current !== 'completed') return json(404, '{"message":"snapshot in progress or unreadable"}');
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(node.script.tar.length) });
        if (node.script.breakDownload) {
          res.write(node.script.tar.subarray(0, Math.floor(node.script.tar.length / 2)), () => res.destroy());
          return;
        }
        return res.end(node.script.tar);
      }
      if (req.method === 'GET' && url === '/cluster') {
        // Node IDs as bare u64 literals, the way Go's encoding/json writes them.
        const nodes = cluster.nodes.map((n) => `{"Address":{"NodeID":${n.script.nodeId},"Host":"127.0.0.1","Port":${n.port}},"Capacity":1}`);
        return json(200, `{"Nodes":[${nodes.join(',')}],"ClusterSettings":{"Partitions":1024,"ReplicationFactor":3},"PartitionDistribution":[],"TokenAssignments":[]}`);
      }
      json(404, '{"message":"not found"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    (node as { port: number }).port = (server.address() as AddressInfo).port;
    cluster.nodes.push(node);
    servers.push(server);
  }
  onTestFinished(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
  return cluster;
}

/** A flat tar, as devicedb writes it: bare names, regular files. */
export async function flatTar(dir: string, files: Record<string, string>): Promise<Buffer> {
  const { mkdir, writeFile, readFile } = await import('node:fs/promises');
  const path = await import('node:path');
  const tar = await import('tar');
  const src = path.join(dir, `src-${randomUUID()}`);
  await mkdir(src);
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(src, name), content);
  const out = path.join(dir, `${randomUUID()}.tar`);
  await tar.c({ cwd: src, file: out, portable: true }, Object.keys(files));
  return readFile(out);
}
