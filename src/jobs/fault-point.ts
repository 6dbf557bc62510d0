/**
 * TEST-ONLY fault injection for the jobs (test/jobs/node-stopped-faults.test.ts): every await
 * between a node's stop and its start passes a fault point. Armed, the n-th point throws, or
 * aborts the job's signal and throws its reason (what a Ctrl-C noticed right there looks like).
 * The test walks n from 1 until a run passes no armed point, and checks after each run that the
 * node runs and the report says what happened. Unarmed, a fault point is one comparison.
 */
export interface FaultPlan {
  readonly at: number;
  readonly kind: 'throw' | 'abort';
  /** For `abort`: the controller whose signal the job was given. */
  readonly controller?: AbortController | undefined;
}

let plan: FaultPlan | null = null;
let passed = 0;
const labels: string[] = [];

/** Arms (or with null disarms) the fault points and resets the count. */
export function armFaults(next: FaultPlan | null): void {
  plan = next;
  passed = 0;
  labels.length = 0;
}

/** The points passed since armFaults, by label. */
export function faultPointsPassed(): readonly string[] {
  return labels;
}

export async function faultPoint(label: string): Promise<void> {
  if (plan === null) return;
  passed += 1;
  labels.push(label);
  if (passed !== plan.at) return;
  if (plan.kind === 'abort' && plan.controller) {
    plan.controller.abort(new Error(`interrupted (SIGINT) at ${label}`));
    throw plan.controller.signal.reason;
  }
  throw new Error(`injected fault at ${label}`);
}
