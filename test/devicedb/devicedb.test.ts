import { readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServiceController } from '../../src/ops/service-control.js';
import { parseNode } from '../../src/jobs/devicedb/node-address.js';
import { runDevicedbRestore, type DevicedbRestoreTarget } from '../../src/jobs/devicedb/restore-service.js';
import { runDevicedbSnapshot, type DevicedbEvent } from '../../src/jobs/devicedb/snapshot-service.js';
import { tempDir } from '../support/temp-dir.js';
import { flatTar, startCluster, type FakeCluster, type NodeScript } from './devicedb-server.js';

const CLIENT = { requestTimeoutMs: 2_000, idleTimeoutMs: 2_000 };
const IDS = ['8131915220083707319', '4678103818387409268', '16681865894510149803'];

async function cluster(dir: string, overrides: Partial<Record<string, Partial<NodeScript>>> = {}): Promise<FakeCluster> {
  const scripts: Record<string, NodeScript> = {};
  for (const [i, label] of ['ddb1', 'ddb2', 'ddb3'].entries()) {
    const tar = await flatTar(dir, { CURRENT: `MANIFEST-00000${i}\n`, [`00000${i}.ldb`]: `data of ${label}\n`.repeat(100), LOG: 'log' });
    scripts[label] = { tar, nodeId: IDS[i] as string, processingPolls: i + 1, ...overrides[label] };
  }
  return startCluster(scripts);
}

const nodesOf = (c: FakeCluster) => c.nodes.map((n) => parseNode(`${n.label}=127.0.0.1:${n.port}`));

async function snapshot(c: FakeCluster, outDir: string, timeoutMs = 5_000) {
  const events: DevicedbEvent[] = [];
  const result = await runDevicedbSnapshot(
    { nodes: nodesOf(c), outDir, pollIntervalMs: 20, timeoutMs, client: CLIENT, dryRun: false, now: new Date('2026-11-21T12:00:00Z') },
    (e) => events.push(e),
  );
  return { result, events };
}

function fakeService(c: FakeCluster, label: string, calls: string[]): ServiceController {
  const node = c.nodes.find((n) => n.label === label);
  if (!node) throw new Error(label);
  return {
    kind: 'none',
    label: `fake ${label}`,
    canStart: true,
    state: async () => (node.up ? 'running' : 'stopped'),
    stop: async () => {
      calls.push(`stop ${label}`);
      node.up = false;
    },
    start: async () => {
      calls.push(`start ${label}`);
      node.up = true;
    },
  };
}

describe('devicedb snapshot', () => {
  it('starts on one node, waits for processing → completed on all, downloads every piece and writes the manifest', async () => {
    const dir = await tempDir();
    const c = await cluster(dir);
    const out = path.join(dir, 'out');
    const { result, events } = await snapshot(c, out);
    expect(result.error).toBeNull();
    expect(c.snapshots).toHaveLength(1);
    const uuid = c.snapshots[0] as string;
    expect(result.uuid).toBe(uuid);
    // Only the first node was asked to start; every node was polled until completed.
    expect(c.nodes.map((n) => n.requests.filter((r) => r === 'POST /snapshot').length)).toEqual([1, 0, 0]);
    expect(c.nodes[2]?.requests.filter((r) => r === `GET /snapshot/${uuid}`).length).toBe(4);
    expect((await readdir(out)).sort()).toEqual([
      `snapshot-${uuid}-ddb1.tar`,
      `snapshot-${uuid}-ddb2.tar`,
      `snapshot-${uuid}-ddb3.tar`,
      `snapshot-${uuid}.manifest.json`,
    ]);
    const manifest = JSON.parse(await readFile(path.join(out, `snapshot-${uuid}.manifest.json`), 'utf8'));
    expect(manifest).toMatchObject({ schemaVersion: 1, kind: 'devicedb-cluster-snapshot', uuid, initiator: 'ddb1' });
    expect(manifest.pieces.map((p: { label: string; bytes: number }) => [p.label, p.bytes])).toEqual(c.nodes.map((n) => [n.label, n.script.tar.length]));
    expect(await readFile(path.join(out, `snapshot-${uuid}-ddb2.tar`))).toEqual(c.nodes[1]?.script.tar);
    expect(events.some((e) => e.type === 'progress' && e.label === 'ddb3' && e.bytes === e.total)).toBe(true);
  });

  it('reports a node that answers failed, downloads nothing and writes no manifest', async () => {
    const dir = await tempDir();
    const c = await cluster(dir, { ddb2: { final: 'failed' } });
    const out = path.join(dir, 'out');
    const { result } = await snapshot(c, out);
    expect(result.error?.message).toMatch(/failed on 1 node\(s\) \(ddb2: failed\)/);
    expect(result.nodes.map((n) => n.status)).toEqual(['completed', 'failed', 'completed']);
    expect(result.manifest).toBeNull();
    expect(await readdir(out)).toEqual([]);
  });

  it('times out cleanly and names the nodes still processing or missing', async () => {
    const dir = await tempDir();
    const c = await cluster(dir, { ddb3: { processingPolls: 1_000 }, ddb1: { final: 'missing' } });
    const { result } = await snapshot(c, path.join(dir, 'out'), 400);
    expect(result.error?.message).toMatch(/did not complete on every node within 0 s \(ddb1: missing, ddb3: processing\)/);
    expect(result.nodes.map((n) => n.status)).toEqual(['missing', 'completed', 'processing']);
  });

  it('a download that breaks mid-way leaves no piece, no .partial and no manifest', async () => {
    const dir = await tempDir();
    const c = await cluster(dir, { ddb2: { breakDownload: true } });
    const out = path.join(dir, 'out');
    const { result } = await snapshot(c, out);
    const uuid = c.snapshots[0] as string;
    expect(result.error?.message).toMatch(/could not be downloaded \(ddb2\); no manifest/);
    const ddb2 = result.nodes.find((n) => n.label === 'ddb2');
    expect(ddb2?.download).toMatchObject({ status: 'failed', code: 'download' });
    expect((await readdir(out)).sort()).toEqual([`snapshot-${uuid}-ddb1.tar`, `snapshot-${uuid}-ddb3.tar`]);
  });

  it('an unreachable initiator fails before anything is written', async () => {
    const dir = await tempDir();
    const c = await cluster(dir);
    (c.nodes[0] as { up: boolean }).up = false;
    const { result } = await snapshot(c, path.join(dir, 'out'));
    expect(result.error?.message).toMatch(/could not be started: POST .* answered HTTP 503/);
    expect(result.uuid).toBeNull();
  });
});

describe('devicedb restore', () => {
  async function prepared() {
    const dir = await tempDir();
    const c = await cluster(dir, { ddb1: { processingPolls: 0 }, ddb2: { processingPolls: 0 }, ddb3: { processingPolls: 0 } });
    const out = path.join(dir, 'out');
    const { result } = await snapshot(c, out);
    expect(result.error).toBeNull();
    const stores = Object.fromEntries(c.nodes.map((n) => [n.label, path.join(dir, 'var', n.label)]));
    for (const store of Object.values(stores)) {
      await mkdir(store, { recursive: true });
      await writeFile(path.join(store, 'NEWER.ldb'), 'data written after the snapshot');
    }
    return { dir, c, manifestPath: result.manifest as string, stores, uuid: result.uuid as string };
  }

  function targets(c: FakeCluster, stores: Record<string, string>, calls: string[]): Map<string, DevicedbRestoreTarget> {
    return new Map(c.nodes.map((n) => [n.label, { store: stores[n.label] as string, service: fakeService(c, n.label, calls) }]));
  }

  const request = (manifestPath: string, t: Map<string, DevicedbRestoreTarget>) => ({
    manifestPath,
    targets: t,
    client: CLIENT,
    overviewTimeoutMs: 2_000,
    pollIntervalMs: 20,
    keepOld: false,
    dryRun: false,
    now: new Date('2026-11-21T13:00:00Z'),
  });

  it('stops every node, replaces each store with its piece, starts them and checks every overview', async () => {
    const { c, manifestPath, stores } = await prepared();
    const calls: string[] = [];
    const result = await runDevicedbRestore(request(manifestPath, targets(c, stores, calls)), () => undefined);
    expect(result.error).toBeNull();
    expect(calls).toEqual(['stop ddb1', 'stop ddb2', 'stop ddb3', 'start ddb1', 'start ddb2', 'start ddb3']);
    expect((await readdir(stores['ddb2'] as string)).sort()).toEqual(['000001.ldb', 'CURRENT', 'LOG']);
    expect(await readFile(path.join(stores['ddb2'] as string, '000001.ldb'), 'utf8')).toBe('data of ddb2\n'.repeat(100));
    expect(result.nodes.map((n) => n.overview)).toEqual(c.nodes.map(() => ({ status: 'ok', value: { nodeIds: [...IDS].sort() } })));
    // The replaced stores are gone once the check passed; nothing else was left beside them.
    expect((await readdir(path.dirname(stores['ddb1'] as string))).sort()).toEqual(['ddb1', 'ddb2', 'ddb3']);
  });

  it('refuses, before stopping anything, when one node\'s piece is missing or altered', async () => {
    const { c, manifestPath, stores, uuid } = await prepared();
    const calls: string[] = [];
    await rm(path.join(path.dirname(manifestPath), `snapshot-${uuid}-ddb3.tar`));
    const piece2 = path.join(path.dirname(manifestPath), `snapshot-${uuid}-ddb2.tar`);
    const bytes = await readFile(piece2);
    bytes[600] = (bytes[600] ?? 0) ^ 1;
    await writeFile(piece2, bytes);
    await expect(runDevicedbRestore(request(manifestPath, targets(c, stores, calls)), () => undefined)).rejects.toThrow(
      /is not complete: .*ddb2\.tar differs from the manifest's sha256; .*ddb3\.tar is missing/,
    );
    expect(calls).toEqual([]);
    expect(await readdir(stores['ddb1'] as string)).toEqual(['NEWER.ldb']);
  });

  it('refuses when a store is not named for every piece', async () => {
    const { c, manifestPath, stores } = await prepared();
    const t = targets(c, stores, []);
    t.delete('ddb3');
    await expect(runDevicedbRestore(request(manifestPath, t), () => undefined)).rejects.toThrow(/no --store for ddb3/);
  });

  it('refuses a piece whose tar is not flat or leaves the folder, even with a matching manifest', async () => {
    const { dir, c, manifestPath, stores, uuid } = await prepared();
    const tar = await import('tar');
    const src = path.join(dir, 'evil');
    await mkdir(path.join(src, 'sub'), { recursive: true });
    await writeFile(path.join(src, 'sub', 'x'), 'x');
    const piece = path.join(path.dirname(manifestPath), `snapshot-${uuid}-ddb1.tar`);
    await tar.c({ cwd: src, file: piece, portable: true }, ['sub/x']);
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    const { createHash } = await import('node:crypto');
    const body = await readFile(piece);
    manifest.pieces[0].bytes = body.length;
    manifest.pieces[0].sha256 = createHash('sha256').update(body).digest('hex');
    await writeFile(manifestPath, JSON.stringify(manifest));
    const calls: string[] = [];
    await expect(runDevicedbRestore(request(manifestPath, targets(c, stores, calls)), () => undefined)).rejects.toThrow(/not complete: .*(not a bare file name|Directory entry)/);
    expect(calls).toEqual([]);
  });

  it('keeps the replaced stores and fails when a restarted node does not see the whole cluster', async () => {
    const { c, manifestPath, stores } = await prepared();
    const calls: string[] = [];
    const t = targets(c, stores, calls);
    const ddb3 = t.get('ddb3') as DevicedbRestoreTarget;
    // ddb3 never comes back up: its overview stays unreachable.
    t.set('ddb3', { ...ddb3, service: { ...ddb3.service, start: async () => void calls.push('start ddb3 (stays down)') } });
    const result = await runDevicedbRestore({ ...request(manifestPath, t), overviewTimeoutMs: 300 }, () => undefined);
    expect(result.error?.message).toMatch(/not consistent after the restore \(ddb3\)/);
    expect(result.nodes.find((n) => n.label === 'ddb3')?.overview).toMatchObject({ status: 'failed', code: 'unreachable' });
    expect(result.keptStores).toHaveLength(3);
    expect(await readdir(result.keptStores[0] as string)).toEqual(['NEWER.ldb']);
  });

  it('a throw or a Ctrl-C at any await between the stops and the starts starts every node again, the old stores in place', async () => {
    const { armFaults, faultPointsPassed } = await import('../../src/jobs/fault-point.js');
    const { c, manifestPath, stores } = await prepared();
    try {
      for (const kind of ['throw', 'abort'] as const) {
        for (let at = 1; ; at++) {
          const calls: string[] = [];
          const controller = new AbortController();
          const before = (await readdir(stores['ddb1'] as string)).sort();
          armFaults({ at, kind, controller });
          const now = new Date(Date.UTC(2026, 10, 21, 13, (kind === 'throw' ? 0 : 30) + at));
          const result = await runDevicedbRestore({ ...request(manifestPath, targets(c, stores, calls)), now, client: { ...CLIENT, signal: controller.signal } }, () => undefined);
          const hit = faultPointsPassed().length >= at;
          armFaults(null);
          expect(c.nodes.every((n) => n.up)).toBe(true);
          expect(calls.filter((x) => x.startsWith('start'))).toEqual(['start ddb1', 'start ddb2', 'start ddb3']);
          if (!hit) {
            expect(result.error).toBeNull();
            break;
          }
          expect(result.error?.message).toMatch(/(could not be replaced|stopped before every store was replaced): (injected fault|interrupted)/);
          expect(result.nodes.every((n) => n.stopped && n.started && !n.swapped)).toBe(true);
          expect((await readdir(stores['ddb1'] as string)).sort()).toEqual(before);
        }
      }
    } finally {
      armFaults(null);
    }
  });
});
