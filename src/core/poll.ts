import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions {
  /** Give up after this long (measured from the first check). */
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** Stops the wait at once: the poll rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /**
   * `true` (default): no sleep that would end past the deadline; the last check is the one
   * before it. `false`: one check at or after the deadline too.
   */
  readonly stopBeforeDeadline?: boolean | undefined;
}

/** What `check` returns: `{ done: true, value }` ends the poll; anything else is polled again. */
export type PollStep<T> = { readonly done: true; readonly value: T } | { readonly done: false; readonly value?: T | undefined };

export type PollResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly last: T | undefined };

/**
 * The one polling loop: check, and until it says done, sleep `intervalMs` and check again, up to
 * `timeoutMs`. The sleep is `timers/promises`' own, so an abort ends it at once and leaves no
 * listener behind (a hand-written sleep that adds one per poll trips MaxListenersExceeded). A
 * throw from `check` ends the poll with that error. Returns the last value on a time-out, so the
 * caller can say what it saw last.
 */
export async function pollUntil<T>(check: () => Promise<PollStep<T>> | PollStep<T>, options: PollOptions): Promise<PollResult<T>> {
  const deadline = Date.now() + options.timeoutMs;
  const early = options.stopBeforeDeadline ?? true;
  let last: T | undefined;
  for (;;) {
    options.signal?.throwIfAborted();
    const step = await check();
    if (step.done) return { ok: true, value: step.value };
    last = step.value;
    const now = Date.now();
    if (early ? now + options.intervalMs > deadline : now >= deadline) return { ok: false, last };
    // Never sleep past the deadline: the last check comes at it, not an interval later.
    await sleep(early ? options.intervalMs : Math.max(0, Math.min(options.intervalMs, deadline - now)), undefined, { signal: options.signal }).catch((error: unknown) => {
      // The signal's own reason (as a hand-written sleep gave), not Node's generic AbortError.
      if (options.signal?.aborted) throw options.signal.reason;
      throw error;
    });
  }
}
