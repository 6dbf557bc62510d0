import { ExternalError } from '../../core/errors.js';
import { capture, describeExit, stream, tailLines, type CaptureResult, type StreamResult } from '../../core/process.js';
import type { LedgerToolInfo } from '../blockstore/blockstore-source.js';
import { parseBoundsOutput, type ParsedBounds } from './bounds-output.js';
import { parseLatestOptimisticSlots, type OptimisticSlot } from './latest-optimistic-slots.js';
import { parseToolVersion } from './version.js';

export interface LedgerToolOptions {
  readonly path: string;
  /** Per-call time limit; opening a large blockstore can take minutes. */
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Time limit of the `--version` probe; default VERSION_PROBE_TIMEOUT_MS (or timeoutMs if shorter). */
  readonly versionTimeoutMs?: number | undefined;
}

/**
 * `--version` answers at once on any working install; a tool that takes longer is hung or
 * broken, and must not keep a plain `plan` silent for the whole --ledger-tool-timeout.
 */
export const VERSION_PROBE_TIMEOUT_MS = 3_000;

/** Which flags a hint may name: they differ by the call and by the command that runs it. */
export interface HintContext {
  /** The flag that sets this call's time limit. */
  readonly timeoutFlag: '--ledger-tool-timeout' | '--create-timeout';
  /** The call reads the blockstore for `--bounds-from ledger-tool`, so `--bounds-from native` is a way out. */
  readonly boundsCall: boolean;
}

export const BOUNDS_HINTS: HintContext = { timeoutFlag: '--ledger-tool-timeout', boundsCall: true };

/** A thin adapter over the agave-ledger-tool binary: one method per subcommand snapplan uses. */
export class LedgerTool {
  constructor(private readonly options: LedgerToolOptions) {}

  get path(): string {
    return this.options.path;
  }

  async info(): Promise<LedgerToolInfo> {
    const limit = Math.min(this.options.versionTimeoutMs ?? VERSION_PROBE_TIMEOUT_MS, this.options.timeoutMs > 0 ? this.options.timeoutMs : Infinity);
    const result = await this.run(['--version'], 'agave-ledger-tool --version', limit);
    const versionText = result.stdout.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
    const parsed = parseToolVersion(versionText);
    return { path: this.path, versionText, version: parsed?.version ?? null, client: parsed?.client ?? null };
  }

  async bounds(ledger: string): Promise<ParsedBounds> {
    // --output is a global flag; releases before JSON support accept it and print text.
    const args = ['--ledger', ledger, 'bounds', '--output', 'json'];
    const result = await this.run(args, 'agave-ledger-tool bounds');
    const parsed = parseBoundsOutput(result.stdout);
    if (parsed === null) {
      throw new ExternalError(
        `${this.path} bounds printed something snapplan cannot read.`,
        { command: this.path, args, exitCode: result.exitCode, outputTail: tailLines(result.stdout + result.stderr, 10) },
        { hint: 'Check that --ledger-tool is agave-ledger-tool, or drop --bounds-from ledger-tool (snapplan then reads the blockstore itself).' },
      );
    }
    return parsed;
  }

  /**
   * The newest optimistically confirmed slots, newest first: candidates for the restart slot X
   * (the TUI offers them). The top-level form is the one every release since 1.16 accepts, as
   * for `bounds`.
   */
  async latestOptimisticSlots(ledger: string, numSlots = 10): Promise<OptimisticSlot[]> {
    const args = ['--ledger', ledger, 'latest-optimistic-slots', '--num-slots', String(numSlots)];
    const result = await this.run(args, 'agave-ledger-tool latest-optimistic-slots', this.options.timeoutMs, { timeoutFlag: '--ledger-tool-timeout', boundsCall: false });
    const parsed = parseLatestOptimisticSlots(result.stdout);
    if (parsed === null) {
      throw new ExternalError(
        `${this.path} latest-optimistic-slots printed something snapplan cannot read.`,
        { command: this.path, args, exitCode: result.exitCode, outputTail: tailLines(result.stdout + result.stderr, 10) },
        { hint: 'Check that --ledger-tool is agave-ledger-tool; or read the slot from the restart announcement.' },
      );
    }
    return parsed;
  }

  /**
   * Runs `create-snapshot` (args built by createSnapshotArgs), handing each output line to
   * `onLine` as it arrives. Never throws for the tool's own failure: the caller reads the
   * exit code and the lines it kept.
   */
  createSnapshot(args: readonly string[], onLine: (stream: 'stdout' | 'stderr', line: string) => void, timeoutMs: number): Promise<StreamResult> {
    return stream(this.path, args, { timeoutMs, env: this.options.env, signal: this.options.signal, onLine });
  }

  private async run(args: string[], label: string, timeoutMs = this.options.timeoutMs, hints: HintContext = BOUNDS_HINTS): Promise<CaptureResult> {
    const result = await capture(this.path, args, {
      timeoutMs,
      env: this.options.env,
      signal: this.options.signal,
    });
    if (result.exitCode !== 0 || result.timedOut) {
      const output = result.stderr + result.stdout;
      throw new ExternalError(
        `${label} ${describeExit(result, timeoutMs)}.`,
        { command: this.path, args, exitCode: result.exitCode, outputTail: tailLines(output, 10) },
        { hint: hintFor(output, result.timedOut, hints) },
      );
    }
    return result;
  }
}

/**
 * Known failure texts → what the operator should do. `context` decides which flags the hint
 * may name (test/apply/hint-flags.test.ts checks each against the commands that print it).
 */
export function hintFor(output: string, timedOut: boolean, context: HintContext = BOUNDS_HINTS): string {
  if (/the ending slot is less than the starting slot/.test(output)) {
    return 'A snapshot newer than the target is still in a snapshot folder (or one snapplan cannot see, e.g. under ledger_tool/): move it aside, or check the folder flags.';
  }
  if (/does not exist in blockstore or is not full/.test(output)) return 'The blockstore lacks the target slot: see snapplan blockstore --slot X.';
  if (/replayable sequence of blocks/.test(output)) return 'The blockstore lacks blocks between the base snapshot and the target: see snapplan blockstore --slot X.';
  if (/--enable-capitalization-change/.test(output)) return 'The edit changes the capitalization: pass --enable-capitalization-change if the restart announcement says so.';
  if (/wasn't expected|isn't valid in this context|provided more than once/.test(output)) return 'This ledger-tool release takes other flags: check --ledger-tool (its version decides the flags).';
  const native = context.boundsCall ? ' Without --bounds-from ledger-tool, snapplan reads the blockstore itself.' : '';
  if (timedOut) {
    return context.timeoutFlag === '--create-timeout'
      ? 'Raise --create-timeout (0: no limit): replaying a long stretch of blocks can take hours.'
      : `Raise --ledger-tool-timeout.${native}`;
  }
  if (/LOCK|Resource temporarily unavailable|lock file/i.test(output)) {
    return `The blockstore is locked: the validator is probably still running. Stop it first.${native}`;
  }
  if (/No such file or directory|does not exist/i.test(output)) return 'Check --ledger: it must be the validator\'s ledger folder.';
  return `See the tool's output above.${native}`;
}
