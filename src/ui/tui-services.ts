import path from 'node:path';
import { applyPlan } from '../agave/apply/apply-service.js';
import type { ApplyEvent, ApplyOutcome } from '../agave/apply/apply-model.js';
import { backupDirOf, undoQuarantine, type UndoOutcome } from '../agave/apply/undo-service.js';
import { inspectBlockstore } from '../agave/blockstore-service.js';
import { LedgerTool } from '../agave/ledger-tool/ledger-tool.js';
import type { OptimisticSlot } from '../agave/ledger-tool/latest-optimistic-slots.js';
import { locateLedgerTool } from '../agave/ledger-tool/locate.js';
import type { Plan } from '../agave/plan-model.js';
import { preparePlan, type BoundsFrom, type PlanOutcome } from '../agave/plan-service.js';
import { measureArchives, resolveFolders, scanLedger, type FolderOptions } from '../agave/scanner.js';
import type { WatchEvent } from '../agave/watch/boot-watch.js';
import { watchRestartBoot, type EndEvent } from '../agave/watch/watch-service.js';
import type { Slot } from '../core/slot.js';
import { listQuarantines, type QuarantineSummary, type StatusProblem } from '../ops/quarantine-status.js';
import { createFetchServices, type FetchServices } from './fetch-services.js';
import { toErrorInfo, type ApplyRequest, type LedgerOverview } from './model.js';
import { loadAnnouncement, type Announcement } from '../agave/announcement/announcement.js';

/** The flags of `snapplan tui`, as the services take them. */
export interface TuiOptions {
  readonly folders: FolderOptions;
  readonly boundsFrom: BoundsFrom;
  readonly ledgerTool?: string | undefined;
  readonly ledgerToolTimeoutMs: number;
  readonly backupDir?: string | undefined;
  /** `--verify-archives`: decode the chosen base archives to their end. */
  readonly verifyArchives?: boolean | undefined;
  /** `--slot`: X chosen on the command line; the app opens on its plan. */
  readonly slot?: Slot | undefined;
  /** `--announcement` and the announcement flags, merged; the target screen starts from it. */
  readonly announcement?: Announcement | undefined;
  readonly allowLedgerToolVersion?: boolean | undefined;
  /** `--rpc`: sources the plan screen may fetch a snapshot from (issue 15). */
  readonly rpc?: readonly string[] | undefined;
}

export interface TuiEnvironment {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
  readonly signal?: AbortSignal | undefined;
  /** snapplan's version, written into each quarantine's journal. */
  readonly toolVersion: string;
}

export interface ApplyHooks {
  readonly confirm: (plan: Plan, command: readonly string[]) => Promise<boolean>;
  readonly onEvent: (event: ApplyEvent) => void;
  readonly signal: AbortSignal;
}

/**
 * Everything the app does to the outside world, as one object: the real one calls the same
 * services as plan/apply/undo/status; component and app tests pass a fake.
 */
export interface TuiServices {
  readonly ledger: string;
  overview(): Promise<LedgerOverview>;
  /** Null when no ledger tool answers `latest-optimistic-slots`: the app then does not offer it. */
  optimisticSlots(): Promise<readonly OptimisticSlot[] | null>;
  plan(target: Slot, announcement?: Announcement): Promise<PlanOutcome>;
  /** Opens an announcement file typed on the target screen (relative to the working folder). */
  loadAnnouncement?(file: string): Promise<Announcement>;
  apply(request: ApplyRequest, hooks: ApplyHooks): Promise<ApplyOutcome>;
  quarantines(): Promise<{ readonly quarantines: readonly QuarantineSummary[]; readonly problems: readonly StatusProblem[] }>;
  undo(journalPath: string, onProgress: (text: string) => void): Promise<UndoOutcome>;
  /** Follows the restart boot at R (as `snapplan watch`) until its end state; optional so test fakes may leave it out. */
  watch?(restartSlot: Slot, onEvent: (event: WatchEvent) => void, signal: AbortSignal): Promise<EndEvent>;
  /** Present when the app was started with --rpc: the plan screen then offers to fetch a base. */
  readonly fetch?: FetchServices | undefined;
}

export function createTuiServices(options: TuiOptions, environment: TuiEnvironment): TuiServices {
  const folders = resolveFolders(options.folders, environment.cwd);
  const planEnv = () => ({ cwd: environment.cwd, env: environment.env, now: environment.now(), signal: environment.signal });
  const planOptions = (target: Slot, announcement?: Announcement) => ({
    folders: options.folders,
    target,
    boundsFrom: options.boundsFrom,
    ledgerTool: options.ledgerTool,
    ledgerToolTimeoutMs: options.ledgerToolTimeoutMs,
    backupDir: options.backupDir,
    verifyArchives: options.verifyArchives,
    restart: { announcement, allowLedgerToolVersion: options.allowLedgerToolVersion },
  });
  return {
    ledger: folders.ledger,
    fetch: options.rpc && options.rpc.length > 0 ? createFetchServices({ ...options, rpc: options.rpc }, environment) : undefined,
    async overview() {
      // Every archive is measured here (a stat each): the ledger view shows all their sizes.
      const inventory = measureArchives(scanLedger(folders), () => true);
      try {
        const { report } = await inspectBlockstore(
          { folders: options.folders, boundsFrom: options.boundsFrom, ledgerTool: options.ledgerTool, ledgerToolTimeoutMs: options.ledgerToolTimeoutMs },
          planEnv(),
        );
        return { inventory, blockstore: report, blockstoreError: null };
      } catch (error) {
        return { inventory, blockstore: null, blockstoreError: toErrorInfo(error) };
      }
    },
    async optimisticSlots() {
      try {
        const toolPath = await locateLedgerTool({ explicit: options.ledgerTool, env: environment.env, cwd: environment.cwd });
        const tool = new LedgerTool({ path: toolPath, timeoutMs: options.ledgerToolTimeoutMs, env: environment.env, signal: environment.signal });
        return await tool.latestOptimisticSlots(folders.ledger, 10);
      } catch {
        // A missing tool, an old release or a locked blockstore: simply not offered.
        return null;
      }
    },
    plan(target, announcement) {
      return preparePlan(planOptions(target, announcement), planEnv());
    },
    loadAnnouncement(file) {
      return loadAnnouncement(file, environment.cwd);
    },
    apply(request, hooks) {
      return applyPlan(
        {
          ...planOptions(request.target, request.announcement),
          incremental: false,
          // The announcement's state edits (apply-service reads them from it).
          deactivateFeatureGates: [],
          destakeVoteAccounts: [],
          removeAccounts: [],
          announcement: request.announcement,
          allowLedgerToolVersion: options.allowLedgerToolVersion,
          enableCapitalizationChange: false,
          extraArgs: [],
          expectedBankHash: request.expectedBankHash,
          expectedShredVersion: request.expectedShredVersion,
          dryRun: false,
          createTimeoutMs: 0,
        },
        { ...planEnv(), signal: environment.signal ? AbortSignal.any([hooks.signal, environment.signal]) : hooks.signal, toolVersion: environment.toolVersion, confirm: hooks.confirm, onEvent: hooks.onEvent },
      );
    },
    quarantines() {
      return listQuarantines(backupDirOf({ ledger: folders.ledger, backupDir: options.backupDir }, environment.cwd));
    },
    undo(journalPath, onProgress) {
      // The app's undo gives up the restart: after a successful create-snapshot it moves the
      // new archive aside too (the quarantine screen says so before asking).
      return undoQuarantine({ journal: journalPath, includeNew: true }, { cwd: environment.cwd, signal: environment.signal, onProgress });
    },
    async watch(restartSlot, onEvent, signal) {
      const { end } = await watchRestartBoot({
        ledger: folders.ledger,
        log: null,
        restartSlot,
        timeoutSeconds: null,
        validatorBin: 'agave-validator',
        pollMs: 500,
        env: environment.env,
        signal: environment.signal ? AbortSignal.any([signal, environment.signal]) : signal,
        now: environment.now,
        onEvent,
      });
      return end;
    },
  };
}

/** A quarantine's folder name, which says when and for which slot it was made. */
export function quarantineName(dir: string): string {
  return path.basename(dir);
}
