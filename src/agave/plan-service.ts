import path from 'node:path';
import { BugError } from '../core/errors.js';
import type { Slot, SlotRange } from '../core/slot.js';
import type { BlockstoreReport, BlockstoreSource, LedgerToolInfo } from './blockstore/blockstore-source.js';
import { LedgerToolBlockstoreSource } from './blockstore/ledger-tool-source.js';
import { ManualBlockstoreSource } from './blockstore/manual-source.js';
import type { Inventory } from './inventory.js';
import { LedgerTool } from './ledger-tool/ledger-tool.js';
import { locateLedgerTool } from './ledger-tool/locate.js';
import type { Plan } from './plan-model.js';
import { chooseBase, planRestartSnapshot, visibleArchives } from './planner.js';
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
  readonly plan: Plan;
}

/**
 * The `plan` service: scan (read-only) → learn the ledger-tool version → read the blockstore
 * range → plan (pure). `plan`, `apply` and the TUI all call this, so they agree.
 */
export async function preparePlan(options: PlanServiceOptions, environment: PlanEnvironment): Promise<PlanOutcome> {
  const folders = resolveFolders(options.folders, environment.cwd);
  const scanned = scanLedger(folders);

  const { tool, info } = await findLedgerTool(options, environment);
  const version = info?.version ?? null;

  // The base decides which chain a native source walks; compute it with the same
  // visibility rule the planner applies.
  const base = chooseBase(visibleArchives(scanned.archives, version), options.target);
  const baseSlot = base ? (base.incremental?.slot ?? base.full.slot) : null;
  // Sizes matter for the archives the plan uses or moves (reports, free-space checks).
  const X = options.target;
  const inventory = measureArchives(
    scanned,
    (a) => a === base?.full || a === base?.incremental || a.slot >= X || (a.baseSlot !== undefined && a.baseSlot > X),
  );

  let source: BlockstoreSource;
  if (options.blocks) source = new ManualBlockstoreSource(options.blocks);
  // The RocksDB reader and its codecs load only when used.
  else if (options.boundsFrom === 'native') source = new (await import('./blockstore/native-source.js')).NativeBlockstoreSource();
  else if (tool && info) source = new LedgerToolBlockstoreSource(tool, info);
  else throw new BugError('findLedgerTool returned no tool although bounds come from ledger-tool.');

  const blockstore = await source.read({
    ledger: folders.ledger,
    target: options.target,
    base: baseSlot,
    count: options.count,
    onCountProgress: options.onCountProgress,
    signal: environment.signal,
  });

  const plan = planRestartSnapshot(inventory, blockstore, {
    target: options.target,
    ledgerToolVersion: version,
    ledgerToolCommand: tool ? path.basename(tool.path) : 'agave-ledger-tool',
    backupDir: options.backupDir ? path.resolve(environment.cwd, options.backupDir) : path.join(folders.ledger, 'snapplan-quarantine'),
    now: environment.now,
  });
  return { inventory, blockstore, ledgerTool: info, plan };
}

/**
 * When the tool answers `bounds` it is required. Otherwise (native reader, --blocks) it is
 * optional: its version only picks the folder flags of the printed command, so a missing or
 * broken tool is not an error then, unless the operator named it with --ledger-tool.
 */
async function findLedgerTool(
  options: PlanServiceOptions,
  environment: PlanEnvironment,
): Promise<{ tool: LedgerTool | null; info: LedgerToolInfo | null }> {
  const locate = () => locateLedgerTool({ explicit: options.ledgerTool, env: environment.env, cwd: environment.cwd });
  const make = (toolPath: string) =>
    new LedgerTool({ path: toolPath, timeoutMs: options.ledgerToolTimeoutMs, env: environment.env, signal: environment.signal });

  const toolAnswersBounds = !options.blocks && options.boundsFrom === 'ledger-tool';
  if (toolAnswersBounds || options.ledgerTool !== undefined) {
    const tool = make(await locate());
    return { tool, info: await tool.info() };
  }
  try {
    const tool = make(await locate());
    return { tool, info: await tool.info() };
  } catch {
    return { tool: null, info: null };
  }
}
