/**
 * The progress line of a slot count (`snapplan blockstore`, `plan --count`): counting reads every
 * key of `meta` and `root`, seconds on a large ledger. Nothing is printed for a count that ends
 * within `afterMs`; after that, one line per `everyMs` at most, on stderr, so JSON on stdout
 * stays clean.
 */
export function countProgress(now: () => number, write: (line: string) => void, afterMs = 1000, everyMs = 1000): (column: string, keys: bigint) => void {
  const started = now();
  let last = Number.NEGATIVE_INFINITY;
  return (column, keys) => {
    const t = now();
    if (t - started < afterMs || t - last < everyMs) return;
    last = t;
    write(`snapplan: counting the ${column} column: ${keys.toLocaleString('en-US')} keys so far…\n`);
  };
}
