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

  /** The last lines an external tool printed, shown under the message; only ExternalError has them. */
  get outputTail(): string | undefined {
    return undefined;
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

  override get outputTail(): string | undefined {
    return this.details.outputTail || undefined;
  }
}

/** Something that should never happen: a bug in snapplan. Exit 1, with a stack. */
export class BugError extends SnapplanError {
  readonly exitCode = ExitCode.Failed;
}

export function isSnapplanError(error: unknown): error is SnapplanError {
  return error instanceof SnapplanError;
}

/**
 * A file operation of the move engine (src/ops) failed part-way: disk full, permission, I/O
 * error, a file that changed while it was copied. Exit 1. What had moved is in the journal, and
 * `snapplan undo` puts it back.
 */
export class FileOperationError extends SnapplanError {
  readonly exitCode = ExitCode.Failed;
  constructor(
    message: string,
    readonly details: { operation: string; path: string; code?: string | undefined },
    options?: { hint?: string; cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A quarantine journal cannot be read or belongs to a newer snapplan. Exit 1. */
export class JournalError extends SnapplanError {
  readonly exitCode = ExitCode.Failed;
  constructor(
    message: string,
    readonly journalPath: string,
    options?: { hint?: string; cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Undo refused to put an item back because something now occupies its original place (or its
 * copy differs). Exit 2: nothing was changed for that item.
 */
export class UndoConflictError extends UserError {
  constructor(
    message: string,
    /** The item's original path. */
    readonly source: string,
    /** The paths that are in the way. */
    readonly paths: readonly string[],
    options?: { hint?: string; cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Another process holds the lock of this ledger. Exit 2: nothing was changed. */
export class LockHeldError extends UserError {
  constructor(
    message: string,
    readonly lockPath: string,
    readonly holder: { pid: number; hostname: string; startedAt: string } | undefined,
    options?: { hint?: string; cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The operator interrupted a move (AbortSignal). Exit 130; the journal is consistent. */
export class OperationCancelledError extends SnapplanError {
  readonly exitCode = ExitCode.Cancelled;
}

/**
 * A blockstore (RocksDB) on disk that snapplan cannot read exactly: a format feature it does not
 * know (`unsupported`), bytes that contradict the format (`corrupt`), or files that kept changing
 * under a live validator after every retry (`unstable`). Exit 1: nothing the flags can fix, but
 * `--bounds-from ledger-tool` still can.
 */
export class BlockstoreFormatError extends SnapplanError {
  readonly exitCode = ExitCode.Failed;
  constructor(
    message: string,
    readonly reason: 'unsupported' | 'corrupt' | 'unstable',
    readonly file?: string | undefined,
    options?: { hint?: string; cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * An archive snapplan will not restore: its sha256 differs, its stream is cut short, or an
 * entry would land outside the staging folder (absolute path, `..`, a link leaving it, a
 * device). Exit 2: refused, and nothing was written outside staging (which is removed).
 */
export class ArchiveRefusedError extends UserError {
  constructor(
    message: string,
    readonly reason: 'checksum' | 'no-checksum' | 'truncated' | 'unsafe-path' | 'unsafe-link' | 'unsupported-entry' | 'layout' | 'version',
    readonly entry?: string | undefined,
    options?: { hint?: string; cause?: unknown },
  ) {
    super(message, options);
  }
}
