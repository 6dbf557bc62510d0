import { requestErrorText, requestFor } from './http-request.js';

export interface SpeedTestOptions {
  /** Stop after this many bytes. */
  readonly maxBytes: number;
  /** Stop after this long, counted from the first byte of the body. */
  readonly maxMs: number;
  /** Time to wait for the response headers. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** The result of a short download: bytes per second, or why it could not be measured. */
export type SpeedResult = { readonly ok: true; readonly speed: number; readonly bytes: number } | { readonly ok: false; readonly message: string };

/**
 * Reads the start of `url` for at most `maxMs` or `maxBytes`, whichever comes first, then drops
 * the connection: the speed used to rank sources (solana-snapshot-finder measures the same way).
 * The clock starts at the first body byte, so latency does not count twice.
 */
export async function measureSpeed(url: string, options: SpeedTestOptions): Promise<SpeedResult> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  options.signal?.addEventListener('abort', abort, { once: true });
  const headersTimer = setTimeout(abort, options.timeoutMs);
  let bytes = 0;
  let started: number | null = null;
  let bodyTimer: NodeJS.Timeout | undefined;
  try {
    const target = requestFor(url);
    const response = await fetch(target.url, { headers: target.headers, signal: controller.signal });
    clearTimeout(headersTimer);
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      return { ok: false, message: `the speed test got HTTP ${response.status}` };
    }
    const reader = response.body.getReader();
    bodyTimer = setTimeout(abort, options.maxMs + options.timeoutMs);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      started ??= performance.now();
      bytes += value.byteLength;
      if (bytes >= options.maxBytes || performance.now() - started >= options.maxMs) break;
    }
    await reader.cancel().catch(() => undefined);
  } catch (error) {
    options.signal?.throwIfAborted();
    if (bytes === 0) {
      return { ok: false, message: controller.signal.aborted ? `the speed test got no data within ${options.timeoutMs / 1000} s` : `the speed test failed (${requestErrorText(error)})` };
    }
  } finally {
    clearTimeout(headersTimer);
    clearTimeout(bodyTimer);
    options.signal?.removeEventListener('abort', abort);
    controller.abort();
  }
  if (started === null || bytes === 0) return { ok: false, message: 'the speed test got no data' };
  // At least a millisecond: a small archive on a local network arrives "instantly".
  const seconds = Math.max(performance.now() - started, 1) / 1000;
  return { ok: true, speed: bytes / seconds, bytes };
}
