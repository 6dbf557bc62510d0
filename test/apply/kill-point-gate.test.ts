import { describe, expect, it } from 'vitest';
import { restartLedger, X } from '../support/restart-ledger.js';
import { runBin } from '../support/run-cli.js';

// src/ops/kill-point.ts: the test-only SIGKILL hook acts only with both variables set.
describe('the fault-injection kill hook', () => {
  it('does nothing with SNAPPLAN_TEST_KILL_AFTER alone (a stray variable in an operator\'s shell)', async () => {
    const { root, L, env } = await restartLedger();
    const run = await runBin(['apply', '--ledger', L, '--slot', X, '--yes'], { cwd: root, env: { ...env, SNAPPLAN_TEST_KILL_AFTER: '2', SNAPPLAN_TEST_KILL_TRACE: '1' } });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('kill-point');
  });

  it('does nothing with the harness variable set to another value', async () => {
    const { root, L, env } = await restartLedger();
    const run = await runBin(['apply', '--ledger', L, '--slot', X, '--yes'], { cwd: root, env: { ...env, SNAPPLAN_TEST_KILL_AFTER: '2', SNAPPLAN_I_AM_A_TEST_HARNESS: '1' } });
    expect(run.exitCode, run.stderr).toBe(0);
  });

  it('kills at the chosen step when both are set', async () => {
    const { root, L, env } = await restartLedger();
    const run = await runBin(['apply', '--ledger', L, '--slot', X, '--yes'], { cwd: root, env: { ...env, SNAPPLAN_TEST_KILL_AFTER: '2', SNAPPLAN_I_AM_A_TEST_HARNESS: 'fault-injection' } });
    expect(run.exitCode).toBe(-1); // SIGKILL
  });
});
