import { failed, ok, type NodeHealth, type Outcome } from './plugin.js';

/**
 * Polls a health check until it passes and, when `growBlocks` > 0, until the height has grown
 * by that many blocks since the first healthy answer (the Stacks guide's "wait for a few
 * blocks": a restored chainstate that serves RPC but does not advance is not restored).
 */
export async function waitHealthy(check: () => Promise<Outcome<NodeHealth>>, options: { timeoutMs: number; growBlocks: number; intervalMs?: number }): Promise<Outcome<NodeHealth>> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 500;
  let first: number | null = null;
  let last: Outcome<NodeHealth> = failed('not-checked', 'no health answer yet');
  for (;;) {
    last = await check();
    if (last.status === 'skipped') return last;
    if (last.status === 'ok') {
      if (options.growBlocks <= 0) return last;
      const height = last.value.height;
      if (height !== null) {
        first ??= height;
        if (height >= first + options.growBlocks) return ok(last.value);
      }
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
  const seconds = Math.round(options.timeoutMs / 1000);
  if (last.status === 'ok') {
    return failed('not-advancing', `The node answers but its height stayed at ${last.value.height ?? '?'} (from ${first ?? '?'}) for ${seconds} s; ${options.growBlocks} new block(s) were expected.`);
  }
  return failed(last.status === 'failed' ? last.code : 'unhealthy', `The node was not healthy within ${seconds} s: ${last.status === 'failed' ? last.message : ''}`);
}
