import { pollUntil } from '../core/poll.js';
import { failed, ok, type NodeHealth, type Outcome } from './plugin.js';

/**
 * Polls a health check until it passes and, when `growBlocks` > 0, until the height has grown
 * by that many blocks since the first healthy answer (the Stacks guide's "wait for a few
 * blocks": a restored chainstate that serves RPC but does not advance is not restored).
 */
export async function waitHealthy(
  check: () => Promise<Outcome<NodeHealth>>,
  options: { timeoutMs: number; growBlocks: number; intervalMs?: number; signal?: AbortSignal | undefined },
): Promise<Outcome<NodeHealth>> {
  let first: number | null = null;
  const polled = await pollUntil<Outcome<NodeHealth>>(async () => {
    const answer = await check();
    if (answer.status === 'skipped') return { done: true, value: answer };
    if (answer.status === 'ok') {
      if (options.growBlocks <= 0) return { done: true, value: answer };
      const height = answer.value.height;
      if (height !== null) {
        first ??= height;
        if (height >= first + options.growBlocks) return { done: true, value: ok(answer.value) };
      }
    }
    return { done: false, value: answer };
  }, { timeoutMs: options.timeoutMs, intervalMs: options.intervalMs ?? 500, signal: options.signal, stopBeforeDeadline: false });
  if (polled.ok) return polled.value;
  const last = polled.last ?? failed('not-checked', 'no health answer yet');
  const seconds = Math.round(options.timeoutMs / 1000);
  if (last.status === 'ok') {
    return failed('not-advancing', `The node answers but its height stayed at ${last.value.height ?? '?'} (from ${first ?? '?'}) for ${seconds} s; ${options.growBlocks} new block(s) were expected.`);
  }
  return failed(last.status === 'failed' ? last.code : 'unhealthy', `The node was not healthy within ${seconds} s: ${last.status === 'failed' ? last.message : ''}`);
}
