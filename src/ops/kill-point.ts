/**
 * TEST-ONLY fault injection for the crash-safety suite (test/ops/fault-*.test.ts).
 *
 * The move engine calls `killPoint()` after every step that changes the disk: each journal
 * write, each rename, each copied chunk, each deletion. The n-th step sends SIGKILL to this
 * very process, which is exactly what a power cut or an OOM kill looks like to the journal: no
 * handler runs, no buffer is flushed.
 *
 * It is armed only when BOTH variables are set:
 *   SNAPPLAN_I_AM_A_TEST_HARNESS=fault-injection   (exactly this value)
 *   SNAPPLAN_TEST_KILL_AFTER=<n>                   (the step to die at)
 * A stray SNAPPLAN_TEST_KILL_AFTER left in an operator's shell (a copied test command, an old
 * profile) must never kill a real apply half-way, so one variable alone does nothing; the
 * second one says in its name and value that this is a test harness. Without both, a kill
 * point is a counter increment and nothing else.
 *
 * `SNAPPLAN_TEST_KILL_TRACE=1` (with the harness variable too) prints each step on stderr, to
 * find which step a failing kill point hit.
 */

export const HARNESS_VARIABLE = 'SNAPPLAN_I_AM_A_TEST_HARNESS';
export const HARNESS_VALUE = 'fault-injection';

let configured = false;
let killAfter = 0;
let trace = false;
let steps = 0;

function configure(): void {
  configured = true;
  const harness = process.env[HARNESS_VARIABLE] === HARNESS_VALUE;
  const raw = process.env.SNAPPLAN_TEST_KILL_AFTER;
  killAfter = harness && raw !== undefined && /^[0-9]+$/.test(raw) ? Number(raw) : 0;
  trace = harness && process.env.SNAPPLAN_TEST_KILL_TRACE === '1';
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
