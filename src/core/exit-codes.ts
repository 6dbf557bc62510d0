/**
 * Exit codes are part of the public interface: scripts branch on them.
 * Keep this table in sync with README.md ("Exit codes").
 */
export const ExitCode = {
  /** Done; for `plan`: the target slot is reachable (possibly after the listed moves). */
  Ok: 0,
  /** Anything else went wrong: an external tool failed, an unexpected error. */
  Failed: 1,
  /** Bad input or usage; refused before anything changed. */
  Usage: 2,
  /** `plan`: the target slot cannot be reached with what is on disk. */
  NotReachable: 3,
  /** `watch`: the validator stopped: its loaded bank is below the restart slot (not enough ledger data). */
  WatchNotEnoughLedgerData: 20,
  /** `watch`: the validator stopped: shred version mismatch (e.g. the hard fork was left out). */
  WatchShredVersionMismatch: 21,
  /** `watch`: the validator stopped: its bank hash differs from the expected one. */
  WatchBankHashMismatch: 22,
  /** `watch`: the loaded bank is above the restart slot, so the wait for supermajority was skipped. */
  WatchWaitSkipped: 23,
  /** `watch`: the validator process exited (or was killed) before the cluster resumed. */
  WatchValidatorExited: 24,
  /** `watch`: no end state within --timeout. */
  WatchTimeout: 25,
  /** Interrupted by the operator (Ctrl-C). */
  Cancelled: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
