import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { isSnapplanError, OperationCancelledError, UserError } from '../../core/errors.js';
import { describeExit, tailLines, type StreamResult } from '../../core/process.js';
import type { Slot } from '../../core/slot.js';
import { readJournal, type NewEntry, type ToolEndRecord, type ToolOutcome } from '../../ops/journal.js';
import { foldJournal } from '../../ops/journal-state.js';
import { acquireLock } from '../../ops/lock.js';
import { preserveCopies, type KeptCopy } from '../../ops/preserve-copies.js';
import { closeQuarantine, createQuarantine } from '../../ops/quarantine-dir.js';
import { previewQuarantine, quarantine, type MovedItem, type PlannedItem, type QuarantineItem } from '../../ops/quarantine.js';
import { createSnapshotArgs } from '../ledger-tool/create-snapshot-args.js';
import { collectResult, parseCreateSnapshotLine, type CreateSnapshotEvent, type CreateSnapshotResult } from '../ledger-tool/create-snapshot-output.js';
import { hintFor, LedgerTool } from '../ledger-tool/ledger-tool.js';
import { locateLedgerTool } from '../ledger-tool/locate.js';
import type { Plan } from '../plan-model.js';
import { preparePlan, type PlanEnvironment } from '../plan-service.js';
import type { LedgerFolders } from '../inventory.js';
import { resolveFolders, scanLedger } from '../scanner.js';
import { findValidatorsUsing } from '../validator-process.js';
import { LEDGER_TOOL_PHASE_TEXT, type ApplyEvent, type ApplyOptions, type ApplyOutcome, type LedgerToolPhase } from './apply-model.js';
import { checkAnnouncedValues } from './announced-values.js';
import { planInputs } from './plan-inputs.js';
import { preflight, realFileSystem, type FileSystemProbe, type PreflightReport } from './preflight.js';
import { compare, restartFlags } from './restart-flags.js';
import type { Announcement } from '../announcement/announcement.js';
import { createdMismatches } from '../announcement/restart-checks.js';
import { withStateEdits } from '../announcement/restart-plan.js';
import type { RestartDecision } from '../announcement/restart-rules.js';
import type { BlockstoreReport } from '../blockstore/blockstore-source.js';
import { checkRestartBootSpace } from '../restart-boot-backups.js';

/** What the operator is asked to confirm, besides the plan: each item with its size. */
export interface ConfirmContext {
  readonly items: readonly PlannedItem[];
  /** True when the ledger changed while the previous question waited: this is the new plan. */
  readonly replanned: boolean;
}

export interface ApplyEnvironment extends PlanEnvironment {
  readonly toolVersion: string;
  /**
   * Asked after preflight, before anything changes, holding the ledger's lock; false stops
   * with nothing done. Asked again (replanned) if the snapshot folders changed meanwhile.
   */
  readonly confirm: (plan: Plan, command: readonly string[], context: ConfirmContext) => Promise<boolean>;
  readonly onEvent?: ((event: ApplyEvent) => void) | undefined;
  /** Injected by tests. */
  readonly findValidators?: typeof findValidatorsUsing | undefined;
  readonly fileSystem?: FileSystemProbe | undefined;
}

export const LOCK_FILE = '.snapplan.lock';
export const LEDGER_TOOL_LOG = 'ledger-tool.log';

/** How often the plan is made again when the folders keep changing under the prompt. */
const MAX_QUESTIONS = 3;

/**
 * `snapplan apply`: lock → plan → preflight → confirm (re-plan if the folders changed) →
 * quarantine (journaled) → keep copies of the base archives → agave-ledger-tool create-snapshot
 * (journaled: started, ended how) → read back and verify → restart flags.
 * Refusals before anything changes throw UserError (exit 2); a failure after that returns an
 * outcome with `error` set, and the quarantine stays for `snapplan undo`.
 */
export async function applyPlan(options: ApplyOptions, env: ApplyEnvironment): Promise<ApplyOutcome> {
  if (options.blocks !== undefined) {
    throw new UserError('apply reads the blockstore itself; --blocks is for plan only.', { hint: 'Leave the range out: apply reads the blockstore itself (or asks ledger-tool with --bounds-from ledger-tool).' });
  }
  checkAnnouncedValues(options);
  // apply runs ledger-tool, so it must exist (and its version picks the flags).
  const toolPath = await locateLedgerTool({ explicit: options.ledgerTool, env: env.env, cwd: env.cwd });
  const folders = resolveFolders(options.folders, env.cwd);
  planInputs(folders); // refuses missing folders (exit 2) before a lock file is made in one
  // The lock comes before the plan and stays through the prompt: a second apply on this ledger
  // stops here, with nothing changed and no quarantine folder made.
  const lock = options.dryRun ? null : await acquireLock(path.join(folders.ledger, LOCK_FILE), { purpose: `apply --slot ${options.target}` });
  try {
    return await applyLocked(options, env, toolPath);
  } finally {
    await lock?.release();
  }
}

interface Prepared {
  readonly plan: Plan;
  readonly args: readonly string[];
  readonly command: readonly string[];
  readonly outputDir: string;
  readonly items: readonly PlannedItem[];
  /** Issue 13: hard forks and restart slot as decided before anything moves (null without a plan to decide on). */
  readonly decision: RestartDecision | null;
  /** The announcement (file merged with flags) plus the state edits given as flags: every check is made against it. */
  readonly announcement: Announcement;
  /** Space the restart boot's rocksdb_backup_* copy will take (0 when nothing above R is kept). */
  readonly bootCopyBytes: number;
}

/** Plan, command line and preflight: everything checked, nothing changed. */
async function prepare(options: ApplyOptions, env: ApplyEnvironment, toolPath: string): Promise<Prepared & { report: PreflightReport }> {
  // Issue 13: hard forks, restart slot, ledger-tool release and known failures are checked in
  // the plan; any refusal is an error finding, so preflight stops before anything moves.
  const announcement = withStateEdits(options.announcement, options);
  const restartOptions = { announcement, enableCapitalizationChange: options.enableCapitalizationChange, extraArgs: options.extraArgs, incremental: options.incremental, allowLedgerToolVersion: options.allowLedgerToolVersion };
  const { plan, ledgerToolProblem, restart, blockstore } = await preparePlan({ ...options, ledgerTool: toolPath, restart: restartOptions }, env);
  const decision = restart?.decision ?? null;
  if (ledgerToolProblem) {
    throw new UserError(`${ledgerToolProblem} apply needs the ledger tool's release to choose the folder flags of create-snapshot; nothing was changed.`, {
      hint: `Check that ${toolPath} --version answers at once, or name a working ledger tool with --ledger-tool PATH.`,
    });
  }
  const folders = plan.folders;
  const outputDir = options.incremental ? folders.incrementalArchives : folders.fullArchives;
  const extra = [
    ...options.deactivateFeatureGates.flatMap((k) => ['--deactivate-feature-gate', k]),
    ...options.destakeVoteAccounts.flatMap((k) => ['--destake-vote-account', k]),
    ...options.removeAccounts.flatMap((k) => ['--remove-account', k]),
    ...(options.enableCapitalizationChange ? ['--enable-capitalization-change'] : []),
    ...(options.incremental ? ['--incremental'] : []),
    ...options.extraArgs,
  ];
  const args = createSnapshotArgs({ era: plan.flagEra, folders, slot: plan.targetSlot, outputDir, extra, hardForks: decision?.hardForks });
  const report = await preflight({
    plan,
    backupDir: path.dirname(plan.quarantineDir),
    outputDir,
    validators: (env.findValidators ?? findValidatorsUsing)(folders.ledger),
    fileSystem: env.fileSystem,
  });
  // The restart boot copies the blocks above R next to the ledger (restart-boot-backups.ts).
  const bootCopyBytes = await restartBootPreflight(plan, blockstore, decision?.predictedSlot ?? plan.targetSlot, report, outputDir, env.fileSystem ?? realFileSystem);
  const preview = await previewQuarantine(plan.quarantine.map(toQuarantineItem), { quarantineDir: plan.quarantineDir, forceCopy: options.forceCopy });
  return { plan, args, command: [toolPath, ...args], outputDir, items: preview.items, report, decision, announcement, bootCopyBytes };
}

function toQuarantineItem(item: Plan['quarantine'][number]): QuarantineItem {
  return { source: item.path, root: item.root, relativePath: item.relativePath, label: `${item.kind} ${item.slot}` };
}

async function applyLocked(options: ApplyOptions, env: ApplyEnvironment, toolPath: string): Promise<ApplyOutcome> {
  const emit = env.onEvent ?? (() => {});
  let prepared = await prepare(options, env, toolPath);
  emit({ type: 'planned', plan: prepared.plan });
  emit({ type: 'preflight-passed', snapshotBytes: prepared.report.snapshotBytes, copyBytes: prepared.report.copyBytes });
  const nothing = { bankHash: 'not-given', shredVersion: 'not-given' } as const;
  const empty = { quarantine: null, logFile: null, created: null, checks: nothing, restartFlags: [], advice: [], error: null, setAside: [] };
  if (options.dryRun) return { plan: prepared.plan, dryRun: true, command: prepared.command, hardFork: prepared.plan.targetSlot, restartSlot: prepared.decision?.restartSlot ?? null, ...empty };

  for (let asked = 1; ; asked += 1) {
    const inputs = planInputs(prepared.plan.folders);
    if (!(await env.confirm(prepared.plan, prepared.command, { items: prepared.items, replanned: asked > 1 }))) {
      throw new UserError('Nothing was changed: the operator declined.', { hint: 'Run again and confirm, or pass --yes.' });
    }
    // The answer was given to the plan on the screen; if the folders changed while the question
    // waited, that plan is not the one that would run.
    if (planInputs(prepared.plan.folders) === inputs) break;
    if (asked >= MAX_QUESTIONS) {
      throw new UserError('The snapshot folders kept changing while apply waited for confirmation; nothing was changed.', {
        hint: 'Find what writes to them (a validator, a download), stop it, then run apply again.',
      });
    }
    prepared = await prepare(options, env, toolPath);
    emit({ type: 'planned', plan: prepared.plan });
    emit({ type: 'preflight-passed', snapshotBytes: prepared.report.snapshotBytes, copyBytes: prepared.report.copyBytes });
  }
  return run(options, env, prepared);
}

async function run(options: ApplyOptions, env: ApplyEnvironment, prepared: Prepared): Promise<ApplyOutcome> {
  const emit = env.onEvent ?? (() => {});
  const { plan, args, command, decision, bootCopyBytes } = prepared;
  const expectedBankHash = options.expectedBankHash ?? prepared.announcement.expectedBankHash;
  const expectedShredVersion = options.expectedShredVersion ?? prepared.announcement.expectedShredVersion;
  const folders = plan.folders;
  const X = plan.targetSlot;
  const nothing = { bankHash: 'not-given', shredVersion: 'not-given' } as const;
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
  let kept: readonly KeptCopy[] = [];
  let setAside: readonly MovedItem[] = [];
  const logFile = path.join(q.dir, LEDGER_TOOL_LOG);
  const outcome = (rest: Partial<ApplyOutcome>): ApplyOutcome => ({
    plan,
    dryRun: false,
    command,
    hardFork: X,
    restartSlot: decision?.restartSlot ?? null,
    quarantine: { dir: q.dir, journalPath: q.journalPath, moved, kept },
    logFile: null,
    created: null,
    checks: nothing,
    restartFlags: [],
    advice: [],
    error: null,
    setAside,
    ...rest,
  });
  /** Where everything is and what to run next, for every way this can stop half-way. */
  const whereNext = (): string =>
    `${moved.length} moved item(s) and ${kept.length} safety cop${kept.length === 1 ? 'y are' : 'ies are'} in ${q.dir}. Next: snapplan undo --journal ${q.journalPath} puts the moved items back; or fix the cause and run apply again.`;

  try {
    const result = await quarantine(plan.quarantine.map(toQuarantineItem), {
      quarantineDir: q.dir,
      journal: q.journal,
      forceCopy: options.forceCopy,
      signal: env.signal,
      onProgress: (progress) => emit({ type: 'move', progress }),
    });
    moved = result.moved;
    // agave#3198: a ledger-tool release emptied the snapshot folder. Keep links to the base.
    const basePaths = [plan.base?.full.path, plan.base?.incremental?.path].filter((p): p is string => p !== undefined);
    kept = await preserveCopies(basePaths, { quarantineDir: q.dir, journal: q.journal, forceCopy: options.forceCopy, signal: env.signal });
    emit({ type: 'kept', copies: kept });
  } catch (error) {
    const cancelled = error instanceof OperationCancelledError || env.signal?.aborted === true;
    await closeQuarantine(q.journal, cancelled ? 'cancelled' : 'failed', error instanceof Error ? error.message : String(error)).catch(() => {});
    // The engine stopped part-way (ENOSPC, Ctrl-C): the journal says what is really held.
    ({ moved, kept } = await heldByJournal(q.journalPath));
    if (isSnapplanError(error)) {
      const message = cancelled ? `${capitalized(reasonOf(env.signal))} while moving items aside; create-snapshot did not run.` : error.message;
      return outcome({ error: { message, hint: `${error.hint ? `${error.hint} ` : ''}${whereNext()}`, outputTail: undefined, cancelled } });
    }
    throw error;
  }

  // Ledger-tool: stream its output to the log, watch for its result lines, journal its phase.
  const tool = new LedgerTool({ path: command[0] ?? '', timeoutMs: options.createTimeoutMs, env: env.env, signal: env.signal });
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
  const journalEnd = async (end: Omit<ToolEndRecord, 'v' | 'type' | 'at'>): Promise<void> => {
    await q.journal.append({ type: 'tool-end', at: new Date().toISOString(), ...end });
  };
  await q.journal.append({ type: 'tool-start', at: new Date().toISOString(), command, logFile });
  emit({ type: 'ledger-tool-started', command, logFile });
  log.write(`$ ${command.join(' ')}\n`);
  let result: StreamResult;
  try {
    result = await tool.createSnapshot(args, (stream, line) => {
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
  } catch (error) {
    await new Promise<void>((resolve) => log.end(resolve));
    const message = error instanceof Error ? error.message : String(error);
    await journalEnd({ outcome: 'failed', exitCode: null, signal: null, message }).catch(() => {});
    await closeQuarantine(q.journal, 'failed', message).catch(() => {});
    if (isSnapplanError(error)) return outcome({ logFile, error: { message, hint: `${error.hint ? `${error.hint} ` : ''}${whereNext()}`, outputTail: undefined } });
    throw error;
  }
  await new Promise<void>((resolve) => log.end(resolve));
  const created = collectResult(events);
  const toolOutcome: ToolOutcome = result.cancelled ? 'interrupted' : result.timedOut ? 'timed-out' : result.exitCode !== 0 || created === null ? 'failed' : 'succeeded';
  if (toolOutcome === 'succeeded') setPhase('done');
  const elapsedMs = Date.now() - started;
  emit({ type: 'ledger-tool-finished', exitCode: result.exitCode, elapsedMs, outcome: toolOutcome });
  const newEntries = toolOutcome === 'succeeded' ? entriesFrom(folders, X) : [];
  await journalEnd({
    outcome: toolOutcome,
    exitCode: result.exitCode ?? null,
    signal: result.signal ?? null,
    created: created && toolOutcome === 'succeeded'
      ? { slot: String(created.slot), bankHash: created.bankHash, shredVersion: created.shredVersion, archivePath: created.archivePath }
      : undefined,
    newEntries,
  });

  if (toolOutcome !== 'succeeded') {
    const output = tail.join('\n');
    const cancelled = toolOutcome === 'interrupted';
    const what = cancelled
      ? `was ${reasonOf(env.signal)} after ${Math.round(elapsedMs / 1000)} s, in its ${LEDGER_TOOL_PHASE_TEXT[phase]} phase; no snapshot was created`
      : result.exitCode === 0 ? 'reported no snapshot' : describeExit(result, options.createTimeoutMs);
    const message = `agave-ledger-tool create-snapshot ${what}.`;
    await closeQuarantine(q.journal, cancelled ? 'cancelled' : 'failed', message).catch(() => {});
    return outcome({
      logFile,
      error: {
        message,
        hint: `${cancelled ? '' : `${hintFor(output, result.timedOut, CREATE_SNAPSHOT_HINTS)} `}${whereNext()} Full log: ${logFile}`,
        outputTail: tailLines(output, 12),
        cancelled,
      },
    });
  }
  const made = created!;
  const verification = verifyCreated(made, options.incremental, folders);
  const checks = {
    bankHash: compare(expectedBankHash, made.bankHash),
    shredVersion: compare(expectedShredVersion, made.shredVersion),
  };
  const flags = restartFlags(made, { hardForks: decision?.hardForks ?? [X], validatorHardFork: decision?.validatorHardFork ?? false });
  const advice = [...verification.advice];
  if (bootCopyBytes > 0) advice.push(`The first boot with --wait-for-supermajority moves the blocks above ${made.slot} that carry the old shred version into ${folders.ledger}/rocksdb_backup_* (about ${Math.ceil(bootCopyBytes / 2 ** 20)} MiB, counted in the free-space check) and purges them: after that boot, undo cannot bring them back into the blockstore.`);
  // The created slot, bank hash and shred version against the announcement (or the flags).
  const mismatch = createdMismatches(made, decision ?? { restartSlot: null }, { ...prepared.announcement, expectedBankHash, expectedShredVersion });
  if (mismatch.length > 0) {
    // A snapshot that differs from the announcement must not be loadable by mistake: it goes
    // into the quarantine too, journaled as made by this apply (undo leaves it there).
    let asideError: string | null = null;
    try {
      setAside = (await quarantine(newEntries.map((e) => ({ source: e.path, root: e.root, relativePath: e.relativePath, label: 'made by create-snapshot' })), { quarantineDir: q.dir, journal: q.journal, created: true })).moved;
    } catch (error) {
      asideError = error instanceof Error ? error.message : String(error);
    }
    const message = `The snapshot was created, but its ${mismatch.join(' and its ')}: do not restart with it.`;
    await closeQuarantine(q.journal, 'failed', message).catch(() => {});
    const where = asideError === null
      ? `It was moved aside into ${q.dir}, so the validator cannot load it.`
      : `Moving it aside failed (${asideError}): delete or move ${made.archivePath} yourself before any restart.`;
    return outcome({
      logFile,
      created: made,
      checks,
      advice,
      error: {
        message,
        hint: `${where} Check the slot, the feature gates and the hard forks against the restart announcement. snapplan undo --journal ${q.journalPath} puts the older snapshots back.`,
        outputTail: undefined,
      },
    });
  }
  await closeQuarantine(q.journal, verification.error ? 'failed' : 'complete', verification.error?.message).catch(() => {});
  return outcome({ logFile, created: made, checks, restartFlags: verification.error ? [] : flags, advice, error: verification.error });
}

/** create-snapshot's own time limit is --create-timeout, and it does not read bounds. */
export const CREATE_SNAPSHOT_HINTS = { timeoutFlag: '--create-timeout', boundsCall: false } as const;

/** Why the run was stopped, as the CLI context words it: "interrupted (SIGINT)", "terminated (SIGTERM)". */
function reasonOf(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason.message : 'cancelled';
}

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Archives and bank snapshots at or after X once create-snapshot is done: every older one there
 * had been moved aside, so these are what ledger-tool made (the new archive, a bank snapshot).
 */
function entriesFrom(folders: LedgerFolders, X: Slot): NewEntry[] {
  const inventory = scanLedger(folders);
  const paths = [...inventory.archives.filter((a) => a.slot >= X).map((a) => a.path), ...inventory.bankSnapshots.filter((b) => b.slot >= X).map((b) => b.path)];
  return paths.map((p) => ({ path: p, root: path.dirname(p), relativePath: path.basename(p) }));
}

/** What the journal says is in the quarantine now: the truth after a move stopped part-way. */
async function heldByJournal(journalPath: string): Promise<{ moved: MovedItem[]; kept: KeptCopy[] }> {
  const state = foldJournal(await readJournal(journalPath, { lenient: true }));
  const moved = state.items
    .filter((i) => i.done && i.undone === null)
    .map(({ intent }) => ({ id: intent.id, source: intent.source, destination: intent.destination, method: intent.method, kind: intent.kind, size: intent.size, entries: intent.entries, label: intent.label }));
  const kept = state.kept.map((k) => ({ id: k.id, source: k.source, destination: k.destination, method: k.method, size: k.size, sha256: k.sha256 }));
  return { moved, kept };
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
