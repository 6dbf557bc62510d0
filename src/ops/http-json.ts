/**
 * GET a small JSON document from a node's local RPC, with a hard time-out. Health checks talk
 * to the node on this host only; the answer is parsed by the plugin, tolerantly.
 */
export async function getJson(url: string, timeoutMs: number, signal?: AbortSignal): Promise<{ ok: true; status: number; body: unknown } | { ok: false; message: string }> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, headers: { accept: 'application/json' } });
    const text = await response.text();
    if (!response.ok) return { ok: false, message: `${url} answered HTTP ${response.status}` };
    try {
      return { ok: true, status: response.status, body: JSON.parse(text) as unknown };
    } catch {
      return { ok: false, message: `${url} did not answer JSON` };
    }
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, message: `${url} did not answer (${cause ?? (error as Error).name})` };
  }
}

/** A JSON number or decimal string as a number; null otherwise. Heights are far below 2^53. */
export function numberField(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^[0-9]{1,15}$/.test(value)) return Number(value);
  return null;
}
