import { parseArchiveName, type ParsedArchiveName } from '../archive-name.js';
import { requestErrorText, requestFor, resolveWithCredentials } from './http-request.js';
import { redactUrl } from './redact-url.js';
import { getHighestSnapshotSlot, getIdentity, getVersion, RpcCallError, type HighestSnapshotSlot, type RpcOptions } from './rpc-client.js';

/** An archive a source offers, as its redirect named it. */
export interface RemoteArchive {
  readonly name: string;
  readonly archive: ParsedArchiveName;
  /** Absolute URL of the file (may carry the source's credentials: never print it, see redactUrl). */
  readonly url: string;
  /** Content-Length of a HEAD on the file, or null when the server did not say. */
  readonly size: number | null;
  /** The server announced `Accept-Ranges: bytes` (Agave's RPC does not). */
  readonly ranges: boolean;
}

/** What one RPC source said about itself and its snapshots. */
export interface SourceInfo {
  /** The URL as given or discovered (may carry credentials). */
  readonly url: string;
  /** The same, safe to print. */
  readonly display: string;
  /** Identity pubkey: from getIdentity, or from getClusterNodes when discovered. */
  readonly identity: string | null;
  readonly version: string | null;
  /** Round trip of getVersion, in milliseconds (connection set-up included). */
  readonly latencyMs: number | null;
  readonly highest: HighestSnapshotSlot | null;
  readonly full: RemoteArchive | null;
  readonly incremental: RemoteArchive | null;
  /** Why something could not be learnt (each one sentence, without the URL). */
  readonly problems: readonly string[];
}

/** The two convenience paths Agave's RPC redirects to its newest archives (rpc/src/rpc_service.rs). */
export const FULL_REDIRECT_PATH = 'snapshot.tar.bz2';
export const INCREMENTAL_REDIRECT_PATH = 'incremental-snapshot.tar.bz2';

/**
 * Asks one source, all at once and each bounded by the time-out: getVersion (its round trip is
 * the latency), getIdentity, getHighestSnapshotSlot, and HEAD of the two redirect paths, whose
 * `Location` names the archive (slot, base, hash, format); then HEAD of each archive for its size.
 */
export async function probeSource(url: string, options: RpcOptions & { identity?: string | undefined }): Promise<SourceInfo> {
  const problems: string[] = [];
  const note = (error: unknown): null => {
    options.signal?.throwIfAborted();
    problems.push(error instanceof RpcCallError || error instanceof ProbeError ? error.message : requestErrorText(error));
    return null;
  };
  let latencyMs: number | null = null;
  const timedVersion = async () => {
    const started = performance.now();
    const version = await getVersion(url, options);
    latencyMs = Math.round(performance.now() - started);
    return version;
  };
  const [version, identity, highest, full, incremental] = await Promise.all([
    timedVersion().catch(note),
    options.identity !== undefined ? Promise.resolve(options.identity) : getIdentity(url, options).catch(note),
    getHighestSnapshotSlot(url, options).catch(note),
    redirectedArchive(url, FULL_REDIRECT_PATH, 'full', options).catch(note),
    redirectedArchive(url, INCREMENTAL_REDIRECT_PATH, 'incremental', options).catch(note),
  ]);
  return { url, display: redactUrl(url), identity, version, latencyMs, highest, full, incremental, problems: groupSilence(problems) };
}

class ProbeError extends Error {}

/** "no answer to A within 2 s", "no answer to B within 2 s" → "no answer within 2 s to: A, B" (a silent host says it once). */
function groupSilence(problems: readonly string[]): string[] {
  const silent = new Map<string, string[]>();
  const rest: string[] = [];
  for (const p of problems) {
    const m = /^no answer to (.+) within (.+)$/.exec(p);
    if (m) silent.set(m[2] as string, [...(silent.get(m[2] as string) ?? []), m[1] as string]);
    else rest.push(p);
  }
  return [...[...silent].map(([within, what]) => (what.length === 1 ? `no answer to ${what[0]} within ${within}` : `no answer within ${within} to: ${what.join(', ')}`)), ...rest];
}

/** `<base>/<file>`, keeping the base's path prefix and query (some providers need both). */
export function sourcePath(base: string, file: string): string {
  const u = new URL(base);
  u.pathname = u.pathname.endsWith('/') ? u.pathname + file : `${u.pathname}/${file}`;
  return u.toString();
}

async function redirectedArchive(base: string, file: string, kind: 'full' | 'incremental', options: RpcOptions): Promise<RemoteArchive | null> {
  const request = sourcePath(base, file);
  const response = await head(request, 'manual', options, `HEAD /${file}`);
  // Agave answers 404 when it has no archive of that kind (no incremental yet, or none at all).
  if (response.status === 404) return null;
  const location = response.headers.get('location');
  if (response.status < 300 || response.status > 399 || location === null) {
    throw new ProbeError(`HEAD /${file} answered HTTP ${response.status} without a redirect to an archive`);
  }
  const target = new URL(resolveWithCredentials(location, request));
  const name = decodeURIComponent(target.pathname.slice(target.pathname.lastIndexOf('/') + 1));
  const verdict = parseArchiveName(name);
  if (!verdict.ok) {
    throw new ProbeError(`/${file} redirects to ${JSON.stringify(name.slice(0, 120))}, which is not an archive name Agave accepts${verdict.reason ? ` (${verdict.reason})` : ''}`);
  }
  if (verdict.archive.kind !== kind) throw new ProbeError(`/${file} redirects to a ${verdict.archive.kind} archive, ${name}`);
  const fileHead = await head(target.toString(), 'follow', options, `HEAD ${name}`).catch(() => null);
  const length = fileHead?.ok ? Number(fileHead.headers.get('content-length') ?? NaN) : NaN;
  return {
    name,
    archive: verdict.archive,
    url: target.toString(),
    size: Number.isSafeInteger(length) && length > 0 ? length : null,
    ranges: fileHead?.headers.get('accept-ranges')?.toLowerCase() === 'bytes',
  };
}

async function head(url: string, redirect: 'manual' | 'follow', options: RpcOptions, what: string): Promise<Response> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  try {
    const target = requestFor(url);
    const response = await fetch(target.url, { method: 'HEAD', redirect, headers: target.headers, signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout });
    await response.body?.cancel();
    return response;
  } catch (error) {
    options.signal?.throwIfAborted();
    if (timeout.aborted) throw new ProbeError(`no answer to ${what} within ${options.timeoutMs / 1000} s`);
    throw new ProbeError(`${what} failed (${requestErrorText(error)})`);
  }
}
