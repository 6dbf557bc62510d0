import type { Slot } from '../../core/slot.js';
import type { KeptCopy } from '../../ops/preserve-copies.js';
import type { ToolOutcome } from '../../ops/journal.js';
import type { MovedItem, QuarantineProgress } from '../../ops/quarantine.js';
import type { CreateSnapshotResult } from '../ledger-tool/create-snapshot-output.js';
import type { Plan } from '../plan-model.js';
import type { PlanServiceOptions } from '../plan-service.js';
import type { CheckVerdict } from './restart-flags.js';
import type { Announcement } from '../announcement/announcement.js';

export interface ApplyOptions extends PlanServiceOptions {
  readonly backupDir?: string | undefined;
  /** Create an incremental snapshot on the loaded full one (ledger-tool --incremental). */
  readonly incremental: boolean;
  readonly deactivateFeatureGates: readonly string[];
  readonly destakeVoteAccounts: readonly string[];
  readonly removeAccounts: readonly string[];
  readonly enableCapitalizationChange: boolean;
  /** Passed to create-snapshot as they are (after `--` on snapplan's command line). */
  readonly extraArgs: readonly string[];
  /** From the restart announcement, when it gave them. */
  readonly expectedBankHash?: string | undefined;
  readonly expectedShredVersion?: number | undefined;
  /** Issue 13: the whole announcement (file merged with flags); every check is made against it. */
  readonly announcement?: Announcement | undefined;
  /** Use a ledger-tool release other than the announced one (a warning instead of a refusal). */
  readonly allowLedgerToolVersion?: boolean | undefined;
  /** Print every step, change nothing. */
  readonly dryRun: boolean;
  /** Copy into the quarantine even on the same file system (tests, deliberate copies). */
  readonly forceCopy?: boolean | undefined;
  /** 0: no limit. Replaying to X can take hours; Ctrl-C stops it. */
  readonly createTimeoutMs: number;
}

/** What apply reports as it goes; the text renderer and the TUI both draw from these. */
export type ApplyEvent =
  | { readonly type: 'planned'; readonly plan: Plan }
  | { readonly type: 'preflight-passed'; readonly snapshotBytes: number; readonly copyBytes: number }
  | { readonly type: 'quarantine-created'; readonly dir: string; readonly items: number }
  | { readonly type: 'move'; readonly progress: QuarantineProgress }
  | { readonly type: 'kept'; readonly copies: readonly KeptCopy[] }
  | { readonly type: 'ledger-tool-started'; readonly command: readonly string[]; readonly logFile: string }
  | { readonly type: 'ledger-tool-phase'; readonly phase: LedgerToolPhase; readonly elapsedMs: number }
  | { readonly type: 'ledger-tool-line'; readonly stream: 'stdout' | 'stderr'; readonly line: string }
  | { readonly type: 'ledger-tool-finished'; readonly exitCode: number | undefined; readonly elapsedMs: number; readonly outcome?: ToolOutcome | undefined };

export type LedgerToolPhase = 'starting' | 'loading' | 'replaying' | 'creating' | 'archiving' | 'done';

/** How each phase reads on screen (the progress lines and the app). */
export const LEDGER_TOOL_PHASE_TEXT: Record<LedgerToolPhase, string> = {
  starting: 'starting',
  loading: 'loading the base snapshot',
  replaying: 'replaying blocks to the target',
  creating: 'creating the snapshot',
  archiving: 'writing the archive',
  done: 'done',
};

export interface ApplyOutcome {
  readonly plan: Plan;
  readonly dryRun: boolean;
  /** The create-snapshot command line (argv), as run or as it would run. */
  readonly command: readonly string[];
  readonly quarantine: {
    readonly dir: string;
    readonly journalPath: string;
    readonly moved: readonly MovedItem[];
    readonly kept: readonly KeptCopy[];
  } | null;
  readonly logFile: string | null;
  readonly created: CreateSnapshotResult | null;
  readonly checks: { readonly bankHash: CheckVerdict; readonly shredVersion: CheckVerdict };
  readonly restartFlags: readonly string[];
  readonly advice: readonly string[];
  /**
   * Set when something failed after changes began; the quarantine stays and undo works.
   * `cancelled`: stopped by Ctrl-C or SIGTERM (exit 130).
   */
  readonly error: { readonly message: string; readonly hint: string | undefined; readonly outputTail: string | undefined; readonly cancelled?: boolean | undefined } | null;
  readonly hardFork: Slot;
  /** What create-snapshot made and apply then moved into the quarantine (a bank hash or shred version that differs from the announcement). */
  readonly setAside?: readonly MovedItem[] | undefined;
  /** The announced restart slot R the created slot was compared with, or null. */
  readonly restartSlot?: Slot | null | undefined;
}
