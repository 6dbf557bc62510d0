import type { Slot } from '../../core/slot.js';
import type { CreateSnapshotResult } from '../ledger-tool/create-snapshot-output.js';

/**
 * The agave-validator flags for the restart boot (restart-cluster.md): wait for the cluster at
 * the new snapshot's slot, which is X+1 when state was edited, and only accept the bank hash and
 * shred version just created. Since agave PR #192 (2.0) --wait-for-supermajority requires both.
 */
export function restartFlags(created: CreateSnapshotResult, hardFork: Slot): string[] {
  const flags = ['--wait-for-supermajority', String(created.slot), '--expected-bank-hash', created.bankHash];
  if (created.shredVersion !== null) flags.push('--expected-shred-version', String(created.shredVersion));
  flags.push('--hard-fork', String(hardFork), '--no-snapshot-fetch');
  return flags;
}

export type CheckVerdict = 'match' | 'mismatch' | 'not-given';

export function compare<T>(expected: T | undefined, actual: T | null): CheckVerdict {
  if (expected === undefined) return 'not-given';
  return actual !== null && expected === actual ? 'match' : 'mismatch';
}
