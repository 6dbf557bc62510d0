import { ExitCode } from './exit-codes.js';

/**
 * The error family. Every error that reaches `main()` is turned into one sentence on stderr
 * (plus an optional hint) and an exit code; only a BugError prints a stack.
 */
export abstract class SnapplanError extends Error {
  abstract readonly exitCode: ExitCode;
  /** What the operator should do next, printed after the message. */
  readonly hint: string | undefined;

  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** A problem the operator must fix: bad flag, missing folder, out-of-range slot. Exit 2. */
export class UserError extends SnapplanError {
  readonly exitCode = ExitCode.Usage;
}

/** An external tool failed, hung or printed something we cannot read. Exit 1. */
export class ExternalError extends SnapplanError {
  readonly exitCode = ExitCode.Failed;
  constructor(
    message: string,
    readonly details: {
      command: string;
      args: readonly string[];
      exitCode?: number | undefined;
      /** The last lines the tool printed, for the report. */
      outputTail?: string | undefined;
    },
    options?: { hint?: string; cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Something that should never happen: a bug in snapplan. Exit 1, with a stack. */
export class BugError extends SnapplanError {
  readonly exitCode = ExitCode.Failed;
}

export function isSnapplanError(error: unknown): error is SnapplanError {
  return error instanceof SnapplanError;
}
