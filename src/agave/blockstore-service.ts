import type { Slot } from '../core/slot.js';
import { UserError } from '../core/errors.js';
import type { BlockstoreReport, BlockstoreSource } from './blockstore/blockstore-source.js';
import { LedgerToolBlockstoreSource } from './blockstore/ledger-tool-source.js';
import { LedgerTool } from './ledger-tool/ledger-tool.js';
import { locateLedgerTool } from './ledger-tool/locate.js';
import type { BoundsFrom, PlanEnvironment } from './plan-service.js';
import { checkArchiveHeader } from './archive-check.js';
import { chooseUsableBase } from './planner.js';
import { resolveFolders, scanLedger, type FolderOptions } from './scanner.js';

export interface BlockstoreServiceOptions {
  readonly folders: FolderOptions;
  readonly boundsFrom: BoundsFrom;
  /** Walk the parent chain down from this slot… */
  readonly target?: Slot | undefined;
  /** …to this one; default: the base snapshot `plan` would use for the target. */
  readonly base?: Slot | undefined;
  readonly ledgerTool?: string | undefined;
  readonly ledgerToolTimeoutMs: number;
  readonly onCountProgress?: ((column: string, keys: bigint) => void) | undefined;
}

export interface BlockstoreOutcome {
  readonly ledger: string;
  readonly report: BlockstoreReport;
  /** Where the base came from when a chain was walked. */
  readonly baseFrom: 'flag' | 'snapshots' | null;
  /** Set when --slot asked for the chain but the source could not walk it: why, in one sentence. */
  readonly chainNotChecked: string | null;
}

/** `snapplan blockstore`: what the blockstore holds, and optionally the chain X → S. */
export async function inspectBlockstore(options: BlockstoreServiceOptions, environment: PlanEnvironment): Promise<BlockstoreOutcome> {
  const folders = resolveFolders(options.folders, environment.cwd);
  let base: Slot | null = null;
  let baseFrom: BlockstoreOutcome['baseFrom'] = null;
  if (options.target !== undefined) {
    if (options.base !== undefined) {
      if (options.base >= options.target) {
        throw new UserError(`--base ${options.base} is not below --slot ${options.target}.`, { hint: 'The base snapshot slot must be older than the target.' });
      }
      base = options.base;
      baseFrom = 'flag';
    } else {
      // The base plan would use: archives Agave could not load (checked at their header) are passed over.
      const { base: chosen } = chooseUsableBase(scanLedger(folders).archives, options.target, (a) => Boolean(a.problem) || checkArchiveHeader(a.path, a.format) !== null);
      if (chosen === null) {
        throw new UserError(`No snapshot archive below slot ${options.target} to walk the chain down to.`, {
          hint: 'Give the base with --base S, or check the snapshot folder flags.',
        });
      }
      base = chosen.incremental?.slot ?? chosen.full.slot;
      baseFrom = 'snapshots';
    }
  } else if (options.base !== undefined) {
    throw new UserError('--base needs --slot: the chain is walked from the slot down to the base.', { hint: 'Add --slot X.' });
  }

  let source: BlockstoreSource;
  if (options.boundsFrom === 'native') {
    source = new (await import('./blockstore/native-source.js')).NativeBlockstoreSource();
  } else {
    const tool = new LedgerTool({
      path: await locateLedgerTool({ explicit: options.ledgerTool, env: environment.env, cwd: environment.cwd }),
      timeoutMs: options.ledgerToolTimeoutMs,
      env: environment.env,
      signal: environment.signal,
    });
    source = new LedgerToolBlockstoreSource(tool, await tool.info());
  }
  // `snapplan blockstore` is where the exact counts are asked for
  const report = await source.read({ ledger: folders.ledger, target: options.target ?? 0n, base, count: true, onCountProgress: options.onCountProgress, signal: environment.signal });
  const chainNotChecked =
    base !== null && report.chain === undefined
      ? `The parent chain from ${options.target} down to ${base} was not checked: agave-ledger-tool bounds reports only the slot range, which can hide missing or incomplete slots inside it.`
      : null;
  return { ledger: folders.ledger, report, baseFrom, chainNotChecked };
}
