import type { Slot } from '../../core/slot.js';
import type { CreateSnapshotResult } from '../ledger-tool/create-snapshot-output.js';

/**
 * The agave-validator flags for the restart boot (restart-cluster.md): wait for the cluster at
 * the new snapshot's slot R (which apply has checked equals the announced restart slot), and only
 * accept the bank hash and shred version just created. Since agave PR #192 (2.0)
 * --wait-for-supermajority requires both.
 *
 * `--hard-fork` only when the announcement says the validator gets it: the snapshot already
 * carries the hard fork, and newer Agave warns or refuses when it is registered again because
 * that changes the shred version (ledger/src/bank_forks_utils.rs); the February 2024
 * announcement gave the validator none.
 */
export function restartFlags(created: CreateSnapshotResult, options: { readonly hardForks: readonly Slot[]; readonly validatorHardFork: boolean }): string[] {
  const flags = ['--wait-for-supermajority', String(created.slot), '--expected-bank-hash', created.bankHash];
  if (created.shredVersion !== null) flags.push('--expected-shred-version', String(created.shredVersion));
  flags.push('--no-snapshot-fetch');
  if (options.validatorHardFork) for (const slot of options.hardForks) flags.push('--hard-fork', String(slot));
  return flags;
}

export type CheckVerdict = 'match' | 'mismatch' | 'not-given';

export function compare<T>(expected: T | undefined, actual: T | null): CheckVerdict {
  if (expected === undefined) return 'not-given';
  return actual !== null && expected === actual ? 'match' : 'mismatch';
}
