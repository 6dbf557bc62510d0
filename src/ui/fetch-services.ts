import { fetchSnapshot, type FetchEvent, type FetchOptions, type FetchOutcome } from '../agave/fetch/fetch-service.js';
import type { BoundsFrom } from '../agave/plan-service.js';
import type { FolderOptions } from '../agave/scanner.js';
import type { Slot } from '../core/slot.js';

/** What the app's fetch screen calls: the candidate table (a dry run), then the download. */
export interface FetchServices {
  /** The RPC URLs the app was started with (`snapplan tui --rpc`), as the screen may show them. */
  readonly sources: number;
  candidates(target: Slot): Promise<FetchOutcome>;
  download(target: Slot, onEvent: (event: FetchEvent) => void, signal: AbortSignal): Promise<FetchOutcome>;
}

export interface FetchServiceOptions {
  readonly folders: FolderOptions;
  readonly rpc: readonly string[];
  readonly boundsFrom: BoundsFrom;
  readonly ledgerTool?: string | undefined;
  readonly ledgerToolTimeoutMs: number;
}

/** The same service and defaults as `snapplan fetch --slot X --rpc …` (a base below X). */
export function createFetchServices(
  options: FetchServiceOptions,
  environment: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly now: () => Date; readonly signal?: AbortSignal | undefined },
): FetchServices {
  const request = (target: Slot, dryRun: boolean): FetchOptions => ({
    folders: options.folders,
    target: { kind: 'base', slot: target, source: 'the app' },
    rpcUrls: options.rpc,
    discover: false,
    discoverLimit: 50,
    filters: { knownValidators: null, nodeVersion: null, fullOnly: false, maxLatencyMs: null },
    minSpeed: null,
    speedWindowMs: 20_000,
    probeTimeoutMs: 5_000,
    speedTestCount: 5,
    speedTestMs: 3_000,
    speedTestBytes: 256 << 20,
    retries: 3,
    dryRun,
    plan: { boundsFrom: options.boundsFrom, ledgerTool: options.ledgerTool, ledgerToolTimeoutMs: options.ledgerToolTimeoutMs },
  });
  return {
    sources: options.rpc.length,
    candidates: (target) => fetchSnapshot(request(target, true), { ...environment }),
    download: (target, onEvent, signal) =>
      fetchSnapshot(request(target, false), { ...environment, signal: environment.signal ? AbortSignal.any([signal, environment.signal]) : signal, onEvent }),
  };
}
