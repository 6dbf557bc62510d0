import { createHash } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { fsyncDirectory } from '../../ops/fs-util.js';
import path from 'node:path';
import { baseUrl, type DevicedbNode } from './node-address.js';

/**
 * A devicedb node's snapshot API (routes/snapshot.go) and its cluster overview
 * (routes/cluster.go). Every call has a time-out; answers are read tolerantly and anything
 * unexpected becomes a typed failure the services report per node.
 */
export type SnapshotStatus = 'processing' | 'completed' | 'missing' | 'failed';

export type CallResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

export interface ClientOptions {
  /** Time-out of one small request (POST /snapshot, GET /snapshot/<uuid>, GET /cluster). */
  readonly requestTimeoutMs: number;
  /** A download fails when no byte arrives for this long (its total time is not capped). */
  readonly idleTimeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

export interface ClusterOverview {
  /** Node IDs the node knows, as decimal strings (u64: never a JavaScript number). */
  readonly nodeIds: readonly string[];
  readonly replicationFactor: number | null;
  readonly partitions: number | null;
}

export interface DownloadResult {
  readonly bytes: number;
  readonly sha256: string;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

async function request(url: string, init: { method: 'GET' | 'POST' }, options: ClientOptions): Promise<CallResult<{ status: number; text: string }>> {
  const timeout = AbortSignal.timeout(options.requestTimeoutMs);
  try {
    const response = await fetch(url, { method: init.method, signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout, headers: { accept: 'application/json' } });
    return { ok: true, value: { status: response.status, text: await response.text() } };
  } catch (error) {
    return { ok: false, message: `${init.method} ${url} did not answer (${failureName(error, timeout)})` };
  }
}

function failureName(error: unknown, timeout: AbortSignal): string {
  if (timeout.aborted) return 'timed out';
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  return cause ?? (error as Error).name;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** POST /snapshot: the node proposes a ClusterSnapshot to Raft, so every node takes its piece. */
export async function startSnapshot(node: DevicedbNode, options: ClientOptions): Promise<CallResult<{ uuid: string; status: string }>> {
  const url = `${baseUrl(node)}/snapshot`;
  const answer = await request(url, { method: 'POST' }, options);
  if (!answer.ok) return answer;
  if (answer.value.status !== 200) return { ok: false, message: `POST ${url} answered HTTP ${answer.value.status}: ${answer.value.text.trim().slice(0, 200)}` };
  const body = parseJson(answer.value.text) as { uuid?: unknown; status?: unknown } | undefined;
  if (typeof body?.uuid !== 'string' || !isUuid(body.uuid)) return { ok: false, message: `POST ${url} did not answer a snapshot UUID` };
  return { ok: true, value: { uuid: body.uuid, status: typeof body.status === 'string' ? body.status : 'processing' } };
}

/** GET /snapshot/<uuid>: this node's own progress on that snapshot. */
export async function snapshotStatus(node: DevicedbNode, uuid: string, options: ClientOptions): Promise<CallResult<SnapshotStatus>> {
  const url = `${baseUrl(node)}/snapshot/${uuid}`;
  const answer = await request(url, { method: 'GET' }, options);
  if (!answer.ok) return answer;
  if (answer.value.status !== 200) return { ok: false, message: `GET ${url} answered HTTP ${answer.value.status}` };
  const body = parseJson(answer.value.text) as { uuid?: unknown; status?: unknown } | undefined;
  const status = body?.status;
  if (status !== 'processing' && status !== 'completed' && status !== 'missing' && status !== 'failed') {
    return { ok: false, message: `GET ${url} answered an unknown status ${JSON.stringify(status)}` };
  }
  if (body?.uuid !== undefined && body.uuid !== uuid) return { ok: false, message: `GET ${url} answered for another snapshot (${String(body.uuid)})` };
  return { ok: true, value: status };
}

/**
 * GET /cluster, what `devicedb cluster overview` prints: `{Nodes: [{Address: {NodeID, Host,
 * Port}, Capacity}], ClusterSettings: {Partitions, ReplicationFactor}, …}`. Field spellings are
 * read case-insensitively, and node IDs kept as text (they are u64).
 */
export async function clusterOverview(node: DevicedbNode, options: ClientOptions): Promise<CallResult<ClusterOverview>> {
  const url = `${baseUrl(node)}/cluster`;
  const answer = await request(url, { method: 'GET' }, options);
  if (!answer.ok) return answer;
  if (answer.value.status !== 200) return { ok: false, message: `GET ${url} answered HTTP ${answer.value.status}` };
  // Node IDs exceed 2^53: quote every long bare integer before JSON.parse rounds it.
  const body = parseJson(answer.value.text.replace(/([:[,]\s*)(\d{16,})(?=\s*[,}\]])/g, '$1"$2"'));
  const nodes = field(body, 'nodes');
  if (!Array.isArray(nodes)) return { ok: false, message: `GET ${url} did not answer a cluster overview` };
  const nodeIds = nodes
    .map((entry) => {
      const address = field(entry, 'address');
      const id = field(address, 'nodeid') ?? field(address, 'id') ?? field(entry, 'id');
      return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
    })
    .filter((id): id is string => id !== null)
    .sort();
  const settings = field(body, 'clustersettings');
  const num = (value: unknown) => (typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : null);
  return { ok: true, value: { nodeIds, replicationFactor: num(field(settings, 'replicationfactor')), partitions: num(field(settings, 'partitions')) } };
}

function field(value: unknown, lowerName: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  for (const [key, v] of Object.entries(value)) if (key.toLowerCase() === lowerName) return v;
  return undefined;
}

/**
 * GET /snapshot/<uuid>.tar into `dest`: written as `dest.partial`, synced, checked (the
 * announced Content-Length, whole 512-byte tar blocks) and only then renamed into place, so a
 * broken download never leaves a file that looks complete.
 */
export async function downloadSnapshot(
  node: DevicedbNode,
  uuid: string,
  dest: string,
  options: ClientOptions & { onProgress?: (bytes: number, total: number | null) => void },
): Promise<CallResult<DownloadResult>> {
  const url = `${baseUrl(node)}/snapshot/${uuid}.tar`;
  const partial = `${dest}.partial`;
  const controller = new AbortController();
  let idle: NodeJS.Timeout | undefined;
  let timedOut = false;
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.idleTimeoutMs);
  };
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  let bytes = 0;
  const hash = createHash('sha256');
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    arm();
    const response = await fetch(url, { signal });
    if (response.status !== 200 || !response.body) {
      const text = (await response.text().catch(() => '')).trim().slice(0, 200);
      return { ok: false, message: `GET ${url} answered HTTP ${response.status}${text ? `: ${text}` : ''}` };
    }
    const lengthHeader = response.headers.get('content-length');
    const total = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
    handle = await open(partial, 'w');
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      arm();
      await handle.write(chunk);
      hash.update(chunk);
      bytes += chunk.byteLength;
      options.onProgress?.(bytes, total);
    }
    clearTimeout(idle);
    if (total !== null && bytes !== total) return await failDownload(partial, `GET ${url} ended after ${bytes} of ${total} bytes`);
    if (bytes === 0 || bytes % 512 !== 0) return await failDownload(partial, `GET ${url} gave ${bytes} bytes, not a whole tar archive (512-byte blocks)`);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(partial, dest);
    await fsyncDirectory(path.dirname(dest));
    return { ok: true, value: { bytes, sha256: hash.digest('hex') } };
  } catch (error) {
    const why = timedOut ? `no data for ${Math.round(options.idleTimeoutMs / 1000)} s` : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
    return await failDownload(partial, `GET ${url} broke off after ${bytes} bytes (${why})`);
  } finally {
    clearTimeout(idle);
    await handle?.close().catch(() => undefined);
  }
}

async function failDownload(partial: string, message: string): Promise<CallResult<DownloadResult>> {
  await rm(partial, { force: true });
  return { ok: false, message };
}
