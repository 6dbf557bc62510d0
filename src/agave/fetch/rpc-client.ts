import { requestErrorText, requestFor } from './http-request.js';

/** A JSON-RPC call that did not give a result: unreachable, timed out, HTTP error, or an RPC error. */
export class RpcCallError extends Error {}

export interface RpcOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * One Solana JSON-RPC 2.0 call over HTTP POST, bounded by a time-out. The error message names
 * the method and the redacted URL only, never the key in it.
 */
export async function rpcCall(url: string, method: string, params: readonly unknown[], options: RpcOptions): Promise<unknown> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let text: string;
  try {
    const target = requestFor(url);
    const response = await fetch(target.url, {
      method: 'POST',
      headers: { ...target.headers, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
      signal,
    });
    text = await response.text();
    if (!response.ok) throw new RpcCallError(`${method} answered HTTP ${response.status}`);
  } catch (error) {
    if (error instanceof RpcCallError) throw error;
    options.signal?.throwIfAborted();
    if (timeout.aborted) throw new RpcCallError(`no answer to ${method} within ${options.timeoutMs / 1000} s`);
    throw new RpcCallError(`${method} failed (${requestErrorText(error)})`);
  }
  let body: { result?: unknown; error?: { message?: unknown } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new RpcCallError(`${method} did not answer JSON`);
  }
  if (body.error) throw new RpcCallError(`${method} returned an error: ${String(body.error.message ?? 'unknown')}`);
  if (!('result' in body)) throw new RpcCallError(`${method} answered without a result`);
  return body.result;
}

export interface HighestSnapshotSlot {
  readonly full: bigint;
  readonly incremental: bigint | null;
}

/** `getHighestSnapshotSlot`: `{ full, incremental }` (Agave's RpcSnapshotSlotInfo). */
export async function getHighestSnapshotSlot(url: string, options: RpcOptions): Promise<HighestSnapshotSlot> {
  const result = (await rpcCall(url, 'getHighestSnapshotSlot', [], options)) as { full?: unknown; incremental?: unknown } | null;
  const full = slotValue(result?.full);
  if (full === null) throw new RpcCallError('getHighestSnapshotSlot answered without a full slot');
  return { full, incremental: slotValue(result?.incremental) };
}

/** `getVersion`: the `solana-core` string (e.g. "2.1.13"). */
export async function getVersion(url: string, options: RpcOptions): Promise<string> {
  const result = (await rpcCall(url, 'getVersion', [], options)) as { 'solana-core'?: unknown } | null;
  const version = result?.['solana-core'];
  if (typeof version !== 'string') throw new RpcCallError('getVersion answered without solana-core');
  return version;
}

/** `getIdentity`: the node's identity pubkey. */
export async function getIdentity(url: string, options: RpcOptions): Promise<string> {
  const result = (await rpcCall(url, 'getIdentity', [], options)) as { identity?: unknown } | null;
  if (typeof result?.identity !== 'string') throw new RpcCallError('getIdentity answered without an identity');
  return result.identity;
}

export interface ClusterNode {
  readonly pubkey: string;
  /** `http://ip:port` of its RPC, when it publishes one. */
  readonly rpcUrl: string;
  readonly version: string | null;
}

/** `getClusterNodes`: the nodes that publish an RPC address (the others cannot serve snapshots). */
export async function getClusterNodes(url: string, options: RpcOptions): Promise<ClusterNode[]> {
  const result = await rpcCall(url, 'getClusterNodes', [], options);
  if (!Array.isArray(result)) throw new RpcCallError('getClusterNodes did not answer a list');
  const nodes: ClusterNode[] = [];
  for (const item of result as Array<{ pubkey?: unknown; rpc?: unknown; version?: unknown }>) {
    if (typeof item?.pubkey !== 'string' || typeof item.rpc !== 'string' || item.rpc === '') continue;
    // The address is "ip:port" (IPv6 as "[::1]:8899"), as gossip publishes it.
    if (!/^(\[[0-9a-fA-F:.]+\]|[0-9A-Za-z.-]+):[0-9]{1,5}$/.test(item.rpc)) continue;
    nodes.push({ pubkey: item.pubkey, rpcUrl: `http://${item.rpc}`, version: typeof item.version === 'string' ? item.version : null });
  }
  return nodes;
}

function slotValue(value: unknown): bigint | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'bigint') return value;
  return null;
}

