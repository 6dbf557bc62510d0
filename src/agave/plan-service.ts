import path from 'node:path';
import { BugError, ExternalError } from '../core/errors.js';
import type { Slot, SlotRange } from '../core/slot.js';
import type { BlockstoreReport, BlockstoreSource, LedgerToolInfo } from './blockstore/blockstore-source.js';
import { LedgerToolBlockstoreSource } from './blockstore/ledger-tool-source.js';
import { ManualBlockstoreSource } from './blockstore/manual-source.js';
import { checkArchiveHeader, verifyArchive } from './archive-check.js';
import type { Inventory, SnapshotArchive } from './inventory.js';
import { finishRestartPlan, planRestart, type RestartOptions } from './announcement/restart-plan.js';
import type { RestartReport } from './announcement/restart-checks.js';
import type { RestartBootBackup } from './restart-boot-backups.js';
import { LedgerTool } from './ledger-tool/ledger-tool.js';
import { locateLedgerTool } from './ledger-tool/locate.js';
import type { Plan } from './plan-model.js';
import { baseCandidates, chooseUsableBase, planRestartSnapshot, steeredBase, visibleArchives } from './planner.js';
import { steersToIncrementalBase } from './announcement/known-failures.js';
import { measureArchives, resolveFolders, scanLedger, type FolderOptions } from './scanner.js';

/** `--bounds-from`: who answers for the blockstore when `--blocks` is not given. */
export type BoundsFrom = 'native' | 'ledger-tool';

export interface PlanServiceOptions {
  readonly folders: FolderOptions;
  readonly target: Slot;
  /** `--blocks`: the operator's own range; no blockstore read at all. */
  readonly blocks?: SlotRange | undefined;
  readonly boundsFrom: BoundsFrom;
  readonly ledgerTool?: string | undefined;
  readonly ledgerToolTimeoutMs: number;
  readonly backupDir?: string | undefined;
  /** `--count`: count every slot and root (the native reader otherwise seeks only the edges). */
  readonly count?: boolean | undefined;
  readonly onCountProgress?: ((column: string, keys: bigint) => void) | undefined;
  /** `--verify-archives`: decode the chosen base archives to their end, not only their headers. */
  readonly verifyArchives?: boolean | undefined;
  /** Issue 13: the announcement and create-snapshot flags the restart checks use (announcement/restart-plan.ts). */
  readonly restart?: RestartOptions | undefined;
}

export interface PlanEnvironment {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly now: Date;
  readonly signal?: AbortSignal | undefined;
}

export interface PlanOutcome {
  readonly inventory: Inventory;
  readonly blockstore: BlockstoreReport;
  readonly ledgerTool: LedgerToolInfo | null;
  /** Why the ledger tool's `--version` gave no answer (it hung or failed); null when it answered or none was asked. */
  readonly ledgerToolProblem?: string | null | undefined;
  readonly plan: Plan;
  /** What was checked against the announcement (also without one: the hard-fork default). */
  readonly restart?: RestartReport | undefined;
  readonly restartBootBackups?: readonly RestartBootBackup[] | undefined;
}

/**
 * The `plan` service: scan (read-only) → learn the ledger-tool version → read the blockstore
 * range → plan (pure). `plan`, `apply` and the TUI all call this, so they agree.
 */
export async function preparePlan(options: PlanServiceOptions, environment: PlanEnvironment): Promise<PlanOutcome> {
  const folders = resolveFolders(options.folders, environment.cwd);
  const listed = scanLedger(folders);
  const { tool, info, problem } = await findLedgerTool(options, environment);
  const version = info?.version ?? null;
  const scanned = await checkBaseArchives(listed, version, options, environment);

  // The base decides which chain a native source walks; compute it with the same
  // visibility rule the planner applies.
  const visible = visibleArchives(scanned.archives, version);
  const { base } = chooseUsableBase(visible, options.target);
  // agave#9496: the pair the planner steers to when the blockstore holds its blocks; the chain
  // is then walked from the pair's incremental, which also covers the blocks after the full.
  const steer = steersToIncrementalBase(version) ? steeredBase(visible, base, options.target) : null;
  // The slot replay starts from: the base Agave keeps, or the pair's incremental when steered.
  const keptBaseSlot = base ? (base.incremental ?? base.full).slot : null;
  // Sizes matter for the archives the plan uses or moves (reports, free-space checks).
  const X = options.target;
  const inventory = measureArchives(
    scanned,
    (a) =>
      a === base?.full || a === base?.incremental || a === steer?.base.full || a === steer?.base.incremental ||
      a.slot >= X || (a.baseSlot !== undefined && a.baseSlot > X),
  );

  let source: BlockstoreSource;
  if (options.blocks) source = new ManualBlockstoreSource(options.blocks);
  // The RocksDB reader and its codecs load only when used.
  else if (options.boundsFrom === 'native') source = new (await import('./blockstore/native-source.js')).NativeBlockstoreSource();
  // A tool whose --version failed is still asked for bounds: that answer is what counts here.
  else if (tool) source = new LedgerToolBlockstoreSource(tool, info ?? { path: tool.path, versionText: '', version: null, client: null });
  else throw new BugError('findLedgerTool returned no tool although bounds come from ledger-tool.');

  const readBlocks = (baseSlot: Slot | null) =>
    source.read({
      ledger: folders.ledger,
      target: options.target,
      base: baseSlot,
      count: options.count,
      onCountProgress: options.onCountProgress,
      signal: environment.signal,
    });
  let blockstore = await readBlocks(steer ? steer.base.incremental.slot : keptBaseSlot);

  const restartPlanning = planRestart(options.restart ?? {}, options.target);
  const request = {
    target: options.target,
    ledgerToolVersion: version,
    // A tool found on PATH is named as such; one given with --ledger-tool by its path, so
    // that the printed command runs as pasted.
    ledgerToolCommand: tool ? (options.ledgerTool !== undefined ? tool.path : path.basename(tool.path)) : 'agave-ledger-tool',
    backupDir: options.backupDir ? path.resolve(environment.cwd, options.backupDir) : path.join(folders.ledger, 'snapplan-quarantine'),
    now: environment.now,
    hardForks: restartPlanning.hardForks,
    createSnapshotExtra: restartPlanning.createSnapshotExtra,
  };
  let planned = planRestartSnapshot(inventory, blockstore, request);
  if (steer && planned.base?.incremental?.path !== steer.base.incremental.path) {
    // Not steered after all (the blockstore lacks blocks after the pair): the chain walk must
    // start at the base Agave keeps, so that holes in its range are found.
    blockstore = await readBlocks(keptBaseSlot);
    planned = planRestartSnapshot(inventory, blockstore, request);
  }
  const withRestart = finishRestartPlan(planned, inventory, restartPlanning, options.restart ?? {}, version);
  const plan = problem === null || tool === null
    ? withRestart.plan
    : { ...withRestart.plan, findings: withRestart.plan.findings.map((f) => (f.code === 'ledger-tool-version-unknown' ? versionUnknown(f, tool.path, problem) : f)) };
  return { inventory, blockstore, ledgerTool: info, ledgerToolProblem: problem, plan, restart: withRestart.restart, restartBootBackups: withRestart.restartBootBackups };
}

/** The planner's finding, saying why the version is unknown and what to check. */
function versionUnknown<F extends { message: string; remedy: string }>(finding: F, toolPath: string, problem: string): F {
  return {
    ...finding,
    message: `${problem} ${finding.message}`,
    remedy: `Check that ${toolPath} --version answers at once; an older release may need other folder flags than the printed ones.`,
  };
}

/**
 * Checks, read-only, every archive Agave could pick as the base, in the order Agave would try
 * them: the header of each candidate (and of its twins at the same slot) as the planner's
 * walk reaches it, so a bad one leads to the next and no other archive is read. With
 * --verify-archives the chosen base archives are then decoded to their end; a bad one is set
 * aside and the choice made again. The planner stays pure: it gets the results as `problem`
 * on the inventory's archives and sets aside the same ones.
 */
async function checkBaseArchives(
  inventory: Inventory,
  version: string | null,
  options: PlanServiceOptions,
  environment: PlanEnvironment,
): Promise<Inventory> {
  const results = new Map<SnapshotArchive, Pick<SnapshotArchive, 'problem' | 'checked'>>();
  const isBad = (a: SnapshotArchive): boolean => {
    if (a.problem) return true;
    let result = results.get(a);
    if (result === undefined) {
      result = { problem: checkArchiveHeader(a.path, a.format), checked: 'header' };
      results.set(a, result);
    }
    return result.problem !== null;
  };
  const visible = visibleArchives(inventory.archives, version);
  // agave#9496: the pair the planner may steer to is read like any base, in Agave's order, and
  // with --verify-archives decoded to its end like the base: either may be the one loaded.
  const steering = steersToIncrementalBase(version);
  for (;;) {
    const { base } = chooseUsableBase(visible, options.target, isBad);
    const steer = steering ? steeredBase(visible, base, options.target, isBad) : null;
    if (base === null || !options.verifyArchives) break;
    const candidates = [...baseCandidates(visible, base), ...(steer ? baseCandidates(visible, steer.base) : [])];
    const unverified = candidates.filter((a) => !isBad(a) && results.get(a)?.checked !== 'full');
    if (unverified.length === 0) break;
    for (const a of unverified) {
      const problem = await verifyArchive(a.path, a.format, { signal: environment.signal, env: environment.env });
      results.set(a, { problem, checked: 'full' });
    }
  }
  if (results.size === 0) return inventory;
  return { ...inventory, archives: inventory.archives.map((a) => (results.has(a) ? { ...a, ...results.get(a) } : a)) };
}

/**
 * When the tool answers `bounds`, or the operator named it with --ledger-tool, it must exist.
 * Otherwise (native reader, --blocks) it is optional: its version only picks the folder flags
 * of the printed command. Either way a `--version` that hangs (it has a short limit of its own,
 * VERSION_PROBE_TIMEOUT_MS) or fails does not fail the plan: the version is unknown, and the
 * `ledger-tool-version-unknown` finding says why. Callers that need the version (apply) check
 * `problem`.
 */
async function findLedgerTool(
  options: PlanServiceOptions,
  environment: PlanEnvironment,
): Promise<{ tool: LedgerTool | null; info: LedgerToolInfo | null; problem: string | null }> {
  const toolAnswersBounds = !options.blocks && options.boundsFrom === 'ledger-tool';
  let toolPath: string;
  try {
    toolPath = await locateLedgerTool({ explicit: options.ledgerTool, env: environment.env, cwd: environment.cwd });
  } catch (error) {
    if (toolAnswersBounds || options.ledgerTool !== undefined) throw error;
    return { tool: null, info: null, problem: null };
  }
  const tool = new LedgerTool({ path: toolPath, timeoutMs: options.ledgerToolTimeoutMs, env: environment.env, signal: environment.signal });
  try {
    return { tool, info: await tool.info(), problem: null };
  } catch (error) {
    if (!(error instanceof ExternalError) || environment.signal?.aborted) throw error;
    return { tool, info: null, problem: error.message };
  }
}
