import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { onTestFinished } from 'vitest';
import { hashFor } from '../support/ledger-tree.js';

/** A real .tar.zst made by GNU tar and zstd from `files` random files of `fileBytes` each. */
export async function makeArchive(dir: string, name: string, options: { files?: number; fileBytes?: number } = {}): Promise<Buffer> {
  const source = path.join(dir, `src-${name}`);
  await mkdir(path.join(source, 'accounts'), { recursive: true });
  await writeFile(path.join(source, 'version'), '1.2.0');
  for (let i = 0; i < (options.files ?? 4); i++) await writeFile(path.join(source, 'accounts', `${i}.0`), randomBytes(options.fileBytes ?? 64 * 1024));
  const out = path.join(dir, name);
  await execa('tar', ['--zstd', '-cf', out, '-C', source, '.']);
  return readFile(out);
}

/** Compares archives by digest: a deep equality over a Buffer walks it byte by byte. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface ServedArchive {
  readonly name: string;
  readonly bytes: Buffer;
}

export type Behaviour =
  | 'normal'
  /** Sends the first half of each archive GET, then closes the connection (`dropTimes` times). */
  | 'drop'
  /** Sends the first half of each archive GET, then nothing more (keeps the connection open). */
  | 'stall'
  /** Accepts connections and never answers anything. */
  | 'silent';

export interface ServerOptions {
  full?: ServedArchive | null;
  incremental?: ServedArchive | null;
  /** Redirect target used instead of the archive's name (a bad name). */
  fullRedirect?: string;
  version?: string;
  identity?: string;
  /** Honour Range requests (Agave's RPC does not). */
  ranges?: boolean;
  /** Bytes per second for archive bodies; unlimited when absent. */
  throttle?: number;
  behaviour?: Behaviour;
  dropTimes?: number;
  /** Serve this many bytes of the archive while announcing exactly that length (a truncated file). */
  truncateTo?: number;
  /** The size a HEAD of the archive announces, instead of its real size. */
  headSize?: number;
  /** Answers JSON-RPC calls only after this many milliseconds (a distant node). */
  rpcDelayMs?: number;
  clusterNodes?: Array<{ pubkey: string; rpc: string | null; version?: string }>;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly range: string | null;
  readonly status: number;
  readonly authorization: string | null;
}

export interface SnapshotServer {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  options: ServerOptions;
}

/**
 * An Agave-like RPC on 127.0.0.1: JSON-RPC (getVersion, getIdentity, getHighestSnapshotSlot,
 * getClusterNodes), 303 redirects from /snapshot.tar.bz2 and /incremental-snapshot.tar.bz2 to
 * the archive names (as rpc_service.rs does), and the archives, with the faults the tests need.
 * Closed when the test finishes.
 */
export async function startSnapshotServer(options: ServerOptions): Promise<SnapshotServer & { readonly identity: string }> {
  const requests: RecordedRequest[] = [];
  let drops = 0;
  const state = { url: '', port: 0, requests, options } as { url: string; port: number; requests: RecordedRequest[]; options: ServerOptions };
  const server = http.createServer((req, res) => {
    const o = state.options;
    const record = (status: number) => requests.push({ method: req.method ?? '', path: req.url ?? '', range: req.headers.range ?? null, status, authorization: req.headers.authorization ?? null });
    if (o.behaviour === 'silent') return; // never answers
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST') {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => setTimeout(() => {
        record(200);
        const { method, id } = JSON.parse(body) as { method: string; id: number };
        const result = rpcResult(o, method, identities.get(state) as string);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(result === undefined ? JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32601, message: 'Method not found' } }) : JSON.stringify({ jsonrpc: '2.0', id, result }));
      }, o.rpcDelayMs ?? 0));
      return;
    }
    if (url.pathname === '/snapshot.tar.bz2' || url.pathname === '/incremental-snapshot.tar.bz2') {
      const archive = url.pathname === '/snapshot.tar.bz2' ? o.full : o.incremental;
      const name = url.pathname === '/snapshot.tar.bz2' && o.fullRedirect ? o.fullRedirect : archive?.name;
      if (!archive || !name) {
        record(404);
        res.writeHead(404).end();
        return;
      }
      record(303);
      res.writeHead(303, { location: `/${name}` }).end(`/${name}`);
      return;
    }
    const archive = [o.full, o.incremental].find((a) => a && `/${a.name}` === url.pathname);
    if (!archive) {
      record(404);
      res.writeHead(404).end();
      return;
    }
    const bytes = o.truncateTo === undefined ? archive.bytes : archive.bytes.subarray(0, o.truncateTo);
    const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream' };
    if (o.ranges) headers['accept-ranges'] = 'bytes';
    let start = 0;
    let status = 200;
    const range = /^bytes=([0-9]+)-$/.exec(req.headers.range ?? '');
    if (o.ranges && range) {
      start = Number(range[1]);
      if (start >= bytes.length) {
        record(416);
        res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
        return;
      }
      status = 206;
      headers['content-range'] = `bytes ${start}-${bytes.length - 1}/${bytes.length}`;
    }
    headers['content-length'] = req.method === 'HEAD' && o.headSize !== undefined ? o.headSize : bytes.length - start;
    record(status);
    res.writeHead(status, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const body = bytes.subarray(start);
    const faulty = (o.behaviour === 'drop' && drops < (o.dropTimes ?? 1)) || o.behaviour === 'stall';
    if (faulty) {
      if (o.behaviour === 'drop') drops++;
      const half = Math.floor(archive.bytes.length / 2) - start;
      res.write(body.subarray(0, Math.max(half, 1)), () => {
        if (o.behaviour === 'drop') setTimeout(() => res.socket?.destroy(), 20);
      });
      return;
    }
    send(res, body, o.throttle);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  state.port = port;
  state.url = `http://127.0.0.1:${port}`;
  identities.set(state, hashFor(`identity-${port}`));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return Object.assign(state, { identity: identities.get(state) as string });
}

const identities = new WeakMap<object, string>();

function rpcResult(o: ServerOptions, method: string, identity: string): unknown {
  switch (method) {
    case 'getVersion':
      return { 'solana-core': o.version ?? '2.1.13', 'feature-set': 1 };
    case 'getIdentity':
      return { identity: o.identity ?? identity };
    case 'getHighestSnapshotSlot': {
      const slot = (name: string | undefined, index: number) => (name ? Number(name.split('-')[index]) : null);
      return { full: slot(o.full?.name, 1), incremental: slot(o.incremental?.name, 3) };
    }
    case 'getClusterNodes':
      return (o.clusterNodes ?? []).map((n) => ({ pubkey: n.pubkey, gossip: '127.0.0.1:8001', rpc: n.rpc, version: n.version ?? '2.1.13' }));
    default:
      return undefined;
  }
}

/** Writes the body, in 16 KiB pieces spaced to the given rate when throttled. */
function send(res: http.ServerResponse, body: Buffer, throttle: number | undefined): void {
  if (throttle === undefined) {
    res.end(body);
    return;
  }
  const piece = 16 * 1024;
  let at = 0;
  const next = () => {
    if (res.destroyed) return;
    if (at >= body.length) {
      res.end();
      return;
    }
    const chunk = body.subarray(at, at + piece);
    at += chunk.length;
    res.write(chunk);
    setTimeout(next, (chunk.length / throttle) * 1000);
  };
  next();
}
