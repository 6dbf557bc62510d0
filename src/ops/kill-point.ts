/**
 * TEST-ONLY fault injection for the crash-safety suite (test/ops/fault-injection.test.ts).
 *
 * The move engine calls `killPoint()` after every step that changes the disk: each journal
 * write, each rename, each copied chunk, each deletion. When the environment variable
 * `SNAPPLAN_TEST_KILL_AFTER=<n>` is set, the n-th step sends SIGKILL to this very process, which
 * is exactly what a power cut or an OOM kill looks like to the journal: no handler runs, no
 * buffer is flushed. Without the variable this is a counter increment and nothing else.
 *
 * `SNAPPLAN_TEST_KILL_TRACE=1` prints each step on stderr, to find which step a failing kill
 * point hit.
 */

let configured = false;
let killAfter = 0;
let trace = false;
let steps = 0;

function configure(): void {
  configured = true;
  const raw = process.env.SNAPPLAN_TEST_KILL_AFTER;
  killAfter = raw !== undefined && /^[0-9]+$/.test(raw) ? Number(raw) : 0;
  trace = process.env.SNAPPLAN_TEST_KILL_TRACE === '1';
}

export function killPoint(label: string): void {
  if (!configured) configure();
  steps += 1;
  if (trace) process.stderr.write(`kill-point ${steps} ${label}\n`);
  if (killAfter > 0 && steps >= killAfter) process.kill(process.pid, 'SIGKILL');
}

/** True when a kill point is armed: the journal then splits its writes to allow torn lines. */
export function killPointsArmed(): boolean {
  if (!configured) configure();
  return killAfter > 0 || trace;
}

/** How many steps this process has passed; the harness prints it to choose kill points. */
export function killPointSteps(): number {
  return steps;
}
