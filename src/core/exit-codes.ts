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
  /** Interrupted by the operator (Ctrl-C). */
  Cancelled: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
