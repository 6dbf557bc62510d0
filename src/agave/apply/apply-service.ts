import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { isSnapplanError, OperationCancelledError, UserError } from '../../core/errors.js';
import { describeExit, tailLines } from '../../core/process.js';
import { acquireLock } from '../../ops/lock.js';
import { preserveCopies, type KeptCopy } from '../../ops/preserve-copies.js';
import { closeQuarantine, createQuarantine } from '../../ops/quarantine-dir.js';
import { quarantine, type MovedItem } from '../../ops/quarantine.js';
import { createSnapshotArgs } from '../ledger-tool/create-snapshot-args.js';
import { collectResult, parseCreateSnapshotLine, type CreateSnapshotEvent, type CreateSnapshotResult } from '../ledger-tool/create-snapshot-output.js';
import { hintFor, LedgerTool } from '../ledger-tool/ledger-tool.js';
import { locateLedgerTool } from '../ledger-tool/locate.js';
import type { Plan } from '../plan-model.js';
import { preparePlan, type PlanEnvironment } from '../plan-service.js';
import type { LedgerFolders } from '../inventory.js';
import { scanLedger } from '../scanner.js';
import { findValidatorsUsing } from '../validator-process.js';
import type { ApplyEvent, ApplyOptions, ApplyOutcome, LedgerToolPhase } from './apply-model.js';
import { preflight, realFileSystem, type FileSystemProbe, type PreflightReport } from './preflight.js';
import { checkRestartBootSpace } from '../restart-boot-backups.js';
import type { BlockstoreReport } from '../blockstore/blockstore-source.js';
import { compare, restartFlags } from './restart-flags.js';
import { withStateEdits } from '../announcement/restart-plan.js';
import { createdMismatches } from '../announcement/restart-checks.js';

export interface ApplyEnvironment extends PlanEnvironment {
  readonly toolVersion: string;
  /** Asked once, after preflight, before anything changes; false stops with nothing done. */
  readonly confirm: (plan: Plan, command: readonly string[]) => Promise<boolean>;
  readonly onEvent?: ((event: ApplyEvent) => void) | undefined;
  /** Injected by tests. */
  readonly findValidators?: typeof findValidatorsUsing | undefined;
  readonly fileSystem?: FileSystemProbe | undefined;
}

export const LOCK_FILE = '.snapplan.lock';
export const LEDGER_TOOL_LOG = 'ledger-tool.log';

/**
 * `snapplan apply`: plan → preflight → confirm → quarantine (journaled) → keep copies of the
 * base archives → agave-ledger-tool create-snapshot → read back and verify → restart flags.
 * Refusals before anything changes throw UserError (exit 2); a failure after that returns an
 * outcome with `error` set, and the quarantine stays for `snapplan undo`.
 */
export async function applyPlan(options: ApplyOptions, env: ApplyEnvironment): Promise<ApplyOutcome> {
  const emit = env.onEvent ?? (() => {});
  if (options.blocks !== undefined) {
    throw new UserError('apply reads the blockstore itself; --blocks is for plan only.', { hint: 'Drop --blocks (or use --bounds-from ledger-tool).' });
  }
  // apply runs ledger-tool, so it must exist (and its version picks the flags).
  const toolPath = await locateLedgerTool({ explicit: options.ledgerTool, env: env.env, cwd: env.cwd });
  // Issue 13: hard forks, restart slot, ledger-tool release and known failures are checked in
  // the plan; any refusal is an error finding, so preflight stops before anything moves.
  const announcement = withStateEdits(options.announcement, options);
  const restartOptions = { announcement, enableCapitalizationChange: options.enableCapitalizationChange, extraArgs: options.extraArgs, incremental: options.incremental, allowLedgerToolVersion: options.allowLedgerToolVersion };
  const { plan, restart, blockstore } = await preparePlan({ ...options, ledgerTool: toolPath, restart: restartOptions }, env);
  const decision = restart?.decision;
  const expectedBankHash = options.expectedBankHash ?? announcement.expectedBankHash;
  const expectedShredVersion = options.expectedShredVersion ?? announcement.expectedShredVersion;
  emit({ type: 'planned', plan });

  const folders = plan.folders;
  const X = plan.targetSlot;
  const outputDir = options.incremental ? folders.incrementalArchives : folders.fullArchives;
  const extra = [
    ...options.deactivateFeatureGates.flatMap((k) => ['--deactivate-feature-gate', k]),
    ...options.destakeVoteAccounts.flatMap((k) => ['--destake-vote-account', k]),
    ...options.removeAccounts.flatMap((k) => ['--remove-account', k]),
    ...(options.enableCapitalizationChange ? ['--enable-capitalization-change'] : []),
    ...(options.incremental ? ['--incremental'] : []),
    ...options.extraArgs,
  ];
  const args = createSnapshotArgs({ era: plan.flagEra, folders, slot: X, outputDir, extra, hardForks: decision?.hardForks });
  const command = [toolPath, ...args];
  const base: Omit<ApplyOutcome, 'quarantine' | 'logFile' | 'created' | 'checks' | 'restartFlags' | 'advice' | 'error'> = {
    plan,
    dryRun: options.dryRun,
    command,
    hardFork: X,
    restartSlot: decision?.restartSlot ?? null,
  };
  const nothing = { bankHash: 'not-given', shredVersion: 'not-given' } as const;

  const report = await preflight({
    plan,
    backupDir: path.dirname(plan.quarantineDir),
    outputDir,
    validators: (env.findValidators ?? findValidatorsUsing)(folders.ledger),
    fileSystem: env.fileSystem,
  });
  // The restart boot copies the blocks above R next to the ledger (restart-boot-backups.ts).
  const bootCopyBytes = await restartBootPreflight(plan, blockstore, decision?.predictedSlot ?? X, report, outputDir, env.fileSystem ?? realFileSystem);
  emit({ type: 'preflight-passed', snapshotBytes: report.snapshotBytes, copyBytes: report.copyBytes });
  if (options.dryRun) {
    return { ...base, quarantine: null, logFile: null, created: null, checks: nothing, restartFlags: [], advice: [], error: null };
  }
  if (!(await env.confirm(plan, command))) {
    throw new UserError('Nothing was changed: the operator declined.', { hint: 'Run again and confirm, or pass --yes.' });
  }

  const lock = await acquireLock(path.join(folders.ledger, LOCK_FILE), { purpose: `apply --slot ${X}` });
  try {
    const q = await createQuarantine({
      backupDir: path.dirname(plan.quarantineDir),
      ledger: folders.ledger,
      targetSlot: X,
      toolVersion: env.toolVersion,
      command: command.join(' '),
      now: env.now,
    });
    emit({ type: 'quarantine-created', dir: q.dir, items: plan.quarantine.length });
    let moved: readonly MovedItem[] = [];
    let kept: KeptCopy[] = [];
    const logFile = path.join(q.dir, LEDGER_TOOL_LOG);
    const outcome = (rest: Partial<ApplyOutcome>): ApplyOutcome => ({
      ...base,
      quarantine: { dir: q.dir, journalPath: q.journalPath, moved, kept },
      logFile: null,
      created: null,
      checks: nothing,
      restartFlags: [],
      advice: [],
      error: null,
      ...rest,
    });
    try {
      const result = await quarantine(
        plan.quarantine.map((item) => ({ source: item.path, root: item.root, relativePath: item.relativePath, label: `${item.kind} ${item.slot}` })),
        { quarantineDir: q.dir, journal: q.journal, forceCopy: options.forceCopy, signal: env.signal, onProgress: (progress) => emit({ type: 'move', progress }) },
      );
      moved = result.moved;
      // agave#3198: a ledger-tool release emptied the snapshot folder. Keep links to the base.
      const basePaths = [plan.base?.full.path, plan.base?.incremental?.path].filter((p): p is string => p !== undefined);
      kept = await preserveCopies(basePaths, { quarantineDir: q.dir, journal: q.journal, forceCopy: options.forceCopy, signal: env.signal });
      emit({ type: 'kept', copies: kept });
      await closeQuarantine(q.journal, 'complete');
    } catch (error) {
      const how = error instanceof OperationCancelledError ? 'cancelled' : 'failed';
      await closeQuarantine(q.journal, how, error instanceof Error ? error.message : String(error)).catch(() => {});
      if (isSnapplanError(error)) {
        return outcome({ error: { message: error.message, hint: error.hint ?? 'snapplan undo puts back what was moved.', outputTail: undefined } });
      }
      throw error;
    }

    // Ledger-tool: stream its output to the log, watch for its result lines.
    const tool = new LedgerTool({ path: toolPath, timeoutMs: options.createTimeoutMs, env: env.env, signal: env.signal });
    const log = createWriteStream(logFile, { flags: 'wx' });
    const events: CreateSnapshotEvent[] = [];
    const tail: string[] = [];
    const started = Date.now();
    // stdout and stderr arrive through separate pipes, so their order is not reliable: phases
    // only move forward.
    const order: readonly LedgerToolPhase[] = ['starting', 'loading', 'replaying', 'creating', 'archiving', 'done'];
    let phase: LedgerToolPhase = 'starting';
    const setPhase = (next: LedgerToolPhase) => {
      if (order.indexOf(next) > order.indexOf(phase)) emit({ type: 'ledger-tool-phase', phase: (phase = next), elapsedMs: Date.now() - started });
    };
    emit({ type: 'ledger-tool-started', command, logFile });
    log.write(`$ ${command.join(' ')}\n`);
    let run;
    try {
      run = await tool.createSnapshot(args, (stream, line) => {
        log.write(`${line}\n`);
        tail.push(line);
        if (tail.length > 40) tail.shift();
        emit({ type: 'ledger-tool-line', stream, line });
        const event = parseCreateSnapshotLine(stream, line);
        if (!event) return;
        events.push(event);
        if (event.type === 'phase') setPhase(event.phase);
        if (event.type === 'creating') setPhase('creating');
      }, options.createTimeoutMs);
    } finally {
      await new Promise<void>((resolve) => log.end(resolve));
    }
    const created = collectResult(events);
    if (run.exitCode === 0 && created !== null) setPhase('done');
    emit({ type: 'ledger-tool-finished', exitCode: run.exitCode, elapsedMs: Date.now() - started });
    if (run.exitCode !== 0 || created === null) {
      const output = tail.join('\n');
      return outcome({
        logFile,
        error: {
          message: `agave-ledger-tool create-snapshot ${run.exitCode === 0 ? 'reported no snapshot' : describeExit(run, options.createTimeoutMs)}.`,
          hint: `${hintFor(output, run.timedOut)} The moved items are in ${q.dir}; snapplan undo puts them back. Full log: ${logFile}`,
          outputTail: tailLines(output, 12),
        },
      });
    }
    const verification = verifyCreated(created, options.incremental, folders);
    const checks = {
      bankHash: compare(expectedBankHash, created.bankHash),
      shredVersion: compare(expectedShredVersion, created.shredVersion),
    };
    const flags = restartFlags(created, { hardForks: decision?.hardForks ?? [X], validatorHardFork: decision?.validatorHardFork ?? false });
    const advice = [...verification.advice];
    if (bootCopyBytes > 0) advice.push(`The first boot with --wait-for-supermajority moves the blocks above ${created.slot} that carry the old shred version into ${folders.ledger}/rocksdb_backup_* (about ${Math.ceil(bootCopyBytes / 2 ** 20)} MiB, counted in the free-space check) and purges them: after that boot, undo cannot bring them back into the blockstore.`);
    const mismatch = createdMismatches(created, decision ?? { restartSlot: null }, { ...announcement, expectedBankHash, expectedShredVersion });
    const error =
      verification.error ??
      (mismatch.length > 0
        ? {
            message: `The snapshot was created, but its ${mismatch.join(' and its ')}: do not restart with it.`,
            hint: 'Check the slot, the feature gates and the hard forks against the restart announcement; snapplan undo puts the moved items back.',
            outputTail: undefined,
          }
        : null);
    // Values that differ from the announcement are an error, never flags to paste.
    return outcome({ logFile, created, checks, restartFlags: error ? [] : flags, advice, error });
  } finally {
    await lock.release();
  }
}

/**
 * Reads the folders back: the archive ledger-tool named must exist in the folder the validator
 * will load from and be the highest there, or the restart would load another one.
 */
function verifyCreated(created: CreateSnapshotResult, incremental: boolean, folders: LedgerFolders): { error: ApplyOutcome['error']; advice: string[] } {
  const inventory = scanLedger(folders);
  const archive = inventory.archives.find((a) => a.path === path.resolve(created.archivePath));
  const expectedDir = incremental ? folders.incrementalArchives : folders.fullArchives;
  if (!archive) {
    return {
      error: {
        message: `ledger-tool reported ${created.archivePath}, but no such snapshot archive is in ${expectedDir}.`,
        hint: 'Look for it in the ledger-tool log; the validator will not find it where it is.',
        outputTail: undefined,
      },
      advice: [],
    };
  }
  const newest = inventory.archives.filter((a) => a.kind === archive.kind && (a.kind === 'full' || a.baseSlot === archive.baseSlot)).reduce((max, a) => (a.slot > max.slot ? a : max), archive);
  if (newest !== archive) {
    return {
      error: {
        message: `The new archive ${path.basename(archive.path)} is not the highest: ${path.basename(newest.path)} would be loaded instead.`,
        hint: 'Move the newer archive aside before restarting (snapplan plan --slot lists it).',
        outputTail: undefined,
      },
      advice: [],
    };
  }
  const banks = inventory.bankSnapshots.filter((b) => b.slot >= created.slot);
  const advice = banks.length > 0
    ? [`Bank snapshot folders at or after ${created.slot} remain (${banks.map((b) => b.path).join(', ')}): start the validator once with --use-snapshot-archives-at-startup always so it boots from the new archive.`]
    : [`No bank snapshot at or after ${created.slot} remains: the validator boots from the new archive. --use-snapshot-archives-at-startup always makes sure of it.`];
  return { error: null, advice };
}

/** The space check for the restart boot's copy, on the ledger's file system after what apply writes there. */
async function restartBootPreflight(plan: Plan, blockstore: BlockstoreReport, restartSlot: bigint, report: PreflightReport, outputDir: string, fs: FileSystemProbe): Promise<number> {
  const ledger = plan.folders.ledger;
  const rocksdb = path.join(ledger, 'rocksdb');
  let rocksdbBytes = 0;
  try {
    rocksdbBytes = await fs.size(rocksdb);
  } catch {
    return 0; // no blockstore folder to copy from (the plan already read its range another way)
  }
  const device = fs.device(ledger);
  // Copies may land on another file system; counting them here errs on the safe side.
  const alreadyNeeded = (fs.device(outputDir) === device ? report.snapshotBytes : 0) + report.copyBytes;
  return checkRestartBootSpace({ ledger, rocksdbBytes, slots: blockstore.slots, restartSlot, freeBytes: fs.freeBytes(ledger), alreadyNeeded });
}
