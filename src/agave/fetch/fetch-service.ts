import { statfsSync, statSync } from 'node:fs';
import path from 'node:path';
import { isSnapplanError, OperationCancelledError, UserError, type SnapplanError } from '../../core/errors.js';
import { U64_MAX } from '../../core/slot.js';
import type { LedgerFolders, SnapshotArchive } from '../inventory.js';
import { preparePlan, type PlanOutcome, type PlanServiceOptions } from '../plan-service.js';
import { chooseBase, visibleArchives } from '../planner.js';
import { resolveFolders, scanLedger, type FolderOptions } from '../scanner.js';
import { addToBlacklist, blacklistPath, readBlacklist } from './blacklist.js';
import { downloadToPartial, type DownloadProgress } from './download.js';
import type { FetchTarget } from './fetch-target.js';
import { partialPath, removePartial } from './partial-file.js';
import { placeArchive } from './place-archive.js';
import { mapPool } from './pool.js';
import { sourceKey } from './redact-url.js';
import { getClusterNodes, RpcCallError } from './rpc-client.js';
import { judgeSources, localReach, rankCandidates, withRejection, withSpeed, type Candidate, type LocalReach, type SelectionFilters } from './select-candidates.js';
import { probeSource, type RemoteArchive, type SourceInfo } from './source-probe.js';
import { measureSpeed } from './speed-test.js';
import { verifyDownload } from './verify-download.js';

export interface FetchOptions {
  readonly folders: FolderOptions;
  readonly target: FetchTarget;
  readonly rpcUrls: readonly string[];
  /** Also ask the first RPC for getClusterNodes and probe the RPC addresses it lists. */
  readonly discover: boolean;
  /** At most this many discovered sources are probed. */
  readonly discoverLimit: number;
  readonly filters: SelectionFilters;
  /** Bytes per second; null: no minimum (a stalled source is still abandoned). */
  readonly minSpeed: number | null;
  readonly speedWindowMs: number;
  /** Time-out of each probe request (RPC call, HEAD). */
  readonly probeTimeoutMs: number;
  /** The speed test: how many of the best candidates, and how long and how much of each. */
  readonly speedTestCount: number;
  readonly speedTestMs: number;
  readonly speedTestBytes: number;
  /** How many times a dropped connection is resumed per file. */
  readonly retries: number;
  readonly dryRun: boolean;
  /** The plan run after the fetch (base target): the same options as `snapplan plan`. */
  readonly plan: Omit<PlanServiceOptions, 'folders' | 'target'>;
}

export interface FetchEnvironment {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
  readonly signal?: AbortSignal | undefined;
  readonly onEvent?: ((event: FetchEvent) => void) | undefined;
}

export type FetchEvent =
  | { readonly type: 'probing'; readonly sources: number }
  | { readonly type: 'download-start'; readonly name: string; readonly source: string; readonly size: number | null; readonly dir: string }
  | { readonly type: 'progress'; readonly name: string; readonly progress: DownloadProgress }
  | { readonly type: 'note'; readonly name: string; readonly text: string }
  | { readonly type: 'verify-start'; readonly name: string }
  | { readonly type: 'download-end'; readonly attempt: DownloadAttempt };

/** One file from one source, and how it ended. */
export interface DownloadAttempt {
  readonly source: string;
  readonly name: string;
  readonly path: string;
  readonly kind: 'full' | 'incremental';
  /** done: in place; corrupt: failed the check (removed, source blacklisted); slow: abandoned for the speed; failed: HTTP or connection error. */
  readonly outcome: 'done' | 'corrupt' | 'slow' | 'failed';
  readonly message: string | null;
  readonly bytes: number;
  /** Bytes already there from an earlier run (resumed with HTTP Range), 0 when downloaded from the start. */
  readonly resumedFrom: number;
}

export interface FetchOutcome {
  readonly target: FetchTarget;
  readonly folders: LedgerFolders;
  readonly blacklistFile: string;
  /** Every source with its verdict, in the order given (then discovered). */
  readonly candidates: readonly Candidate[];
  /** The fitting candidates, best first. */
  readonly ranked: readonly Candidate[];
  /** What the node had before, for the target. */
  readonly localBefore: LocalReach | null;
  /** Set when no download is needed: the local archives are as good as any candidate. */
  readonly skipped: string | null;
  readonly attempts: readonly DownloadAttempt[];
  /** The candidate whose archives are now in place, or null. */
  readonly fetchedFrom: Candidate | null;
  readonly discoveryProblem: string | null;
  /** After the fetch, base target: the plan, as `snapplan plan` prints it. */
  readonly plan: PlanOutcome | null;
  /** After the fetch, restart target: what the validator will load at start-up (highest full, its highest incremental). */
  readonly startup: { readonly full: SnapshotArchive; readonly incremental: SnapshotArchive | null } | null;
  /** The plan after the fetch could not be made (e.g. no blockstore yet): the archives stay in place. */
  readonly planError: SnapplanError | null;
}

/**
 * `snapplan fetch`: probe the sources → judge each against the target and what is on disk →
 * measure the best few → download full, then incremental, from the best, falling back to the
 * next on a slow, failed or corrupt download → check → put in place → plan again.
 */
export async function fetchSnapshot(options: FetchOptions, environment: FetchEnvironment): Promise<FetchOutcome> {
  try {
    return await runFetch(options, environment);
  } catch (error) {
    // Ctrl-C while probing or planning surfaces as the signal's own reason: say it as a cancel.
    if (environment.signal?.aborted && !isSnapplanError(error)) {
      throw new OperationCancelledError('fetch was interrupted; a download in progress stays as its .partial file.', { hint: 'Run the same snapplan fetch again to resume it.' });
    }
    throw error;
  }
}

async function runFetch(options: FetchOptions, environment: FetchEnvironment): Promise<FetchOutcome> {
  const folders = resolveFolders(options.folders, environment.cwd);
  let local = visibleArchives(scanLedger(folders).archives, null);
  const blacklist = readBlacklist(folders.ledger);
  const { sources: sourceList, problem: discoveryProblem } = await listSources(options, environment.signal);
  environment.onEvent?.({ type: 'probing', sources: sourceList.length });

  const infos = await mapPool(sourceList, 8, (s) => probeSource(s.url, { timeoutMs: options.probeTimeoutMs, signal: environment.signal, identity: s.identity }));
  let candidates = judgeSources(infos, options.target, options.filters, blacklist, local);
  candidates = await measureCandidates(candidates, options, environment.signal);
  let ranked = rankCandidates(candidates);
  const localBefore = localReach(local, options.target);

  const best = ranked[0];
  const skipped =
    localBefore !== null && (best === undefined || (best.reach !== null && best.reach <= localBefore.reach))
      ? `the local archives already reach ${localBefore.reach}${best ? `; the best source reaches ${best.reach}` : ''}`
      : null;

  const attempts: DownloadAttempt[] = [];
  let fetchedFrom: Candidate | null = null;
  const outcomeBase = { target: options.target, folders, blacklistFile: blacklistPath(folders.ledger), localBefore, skipped, discoveryProblem };
  if (options.dryRun || skipped !== null || ranked.length === 0) {
    if (options.dryRun || (ranked.length === 0 && skipped === null)) return { ...outcomeBase, candidates, ranked, attempts, fetchedFrom, plan: null, startup: null, planError: null };
  } else {
    checkFreeSpace(ranked[0] as Candidate, folders);
    const failed = new Set<SourceInfo>();
    for (let candidate = ranked[0]; candidate !== undefined; candidate = ranked.find((c) => !failed.has(c.source))) {
      if (await downloadCandidate(candidate, options, environment, folders, attempts)) {
        fetchedFrom = candidate;
        break;
      }
      failed.add(candidate.source);
      // A full may be in place now (its incremental failed), and the blacklist may have grown:
      // judge the others again against the disk as it is now.
      local = visibleArchives(scanLedger(folders).archives, null);
      const rejudged = judgeSources(candidates.map((c) => c.source), options.target, options.filters, readBlacklist(folders.ledger), local);
      candidates = candidates.map((c, i) => {
        const now = rejudged[i] as Candidate;
        return { ...now, speed: c.speed, rejections: mergeRejections(c, now, attempts) };
      });
      ranked = rankCandidates(candidates);
    }
  }

  const after = await afterFetch(options, environment, folders, fetchedFrom !== null || skipped !== null);
  return { ...outcomeBase, candidates, ranked: rankCandidates(candidates), attempts, fetchedFrom, ...after };
}

interface SourceEntry {
  readonly url: string;
  readonly identity?: string | undefined;
}

async function listSources(options: FetchOptions, signal: AbortSignal | undefined): Promise<{ sources: SourceEntry[]; problem: string | null }> {
  const seen = new Set<string>();
  const sources: SourceEntry[] = [];
  const add = (entry: SourceEntry) => {
    const key = sourceKey(entry.url) + new URL(entry.url).pathname;
    if (seen.has(key)) return;
    seen.add(key);
    sources.push(entry);
  };
  for (const url of options.rpcUrls) add({ url });
  let problem: string | null = null;
  const first = options.rpcUrls[0];
  if (options.discover && first !== undefined) {
    try {
      const nodes = await getClusterNodes(first, { timeoutMs: options.probeTimeoutMs, signal });
      for (const node of nodes.slice(0, options.discoverLimit)) add({ url: node.rpcUrl, identity: node.pubkey });
    } catch (error) {
      signal?.throwIfAborted();
      if (!(error instanceof RpcCallError)) throw error;
      problem = `--discover: ${error.message}`;
    }
  }
  return { sources, problem };
}

/** Speed-tests the best few fitting candidates one after the other (they would share the link). */
async function measureCandidates(candidates: Candidate[], options: FetchOptions, signal: AbortSignal | undefined): Promise<Candidate[]> {
  const order = rankCandidates(candidates).slice(0, options.speedTestCount);
  const result = [...candidates];
  for (const candidate of order) {
    const archive = candidate.full && !candidate.fullLocal ? candidate.full : (candidate.incremental ?? candidate.full);
    if (archive === null) continue;
    const measured = await measureSpeed(archive.url, { maxBytes: options.speedTestBytes, maxMs: options.speedTestMs, timeoutMs: options.probeTimeoutMs, signal });
    const index = result.indexOf(candidate);
    result[index] = measured.ok ? withSpeed(candidate, measured.speed, options.minSpeed) : withRejection(candidate, measured.message);
  }
  return result;
}

/**
 * Free space first: every byte still to come (size minus a resumable partial) must fit on the
 * file system of its folder, both files together where they share one. Refused before any change.
 */
function checkFreeSpace(candidate: Candidate, folders: LedgerFolders): void {
  const needs = new Map<number, { dir: string; bytes: number }>();
  for (const [archive, dir] of plannedFiles(candidate, folders)) {
    if (archive.size === null) continue;
    let have = 0;
    try {
      have = statSync(partialPath(path.join(dir, archive.name))).size;
    } catch {
      have = 0;
    }
    const device = statSync(dir).dev;
    const entry = needs.get(device) ?? { dir, bytes: 0 };
    entry.bytes += Math.max(archive.size - have, 0);
    needs.set(device, entry);
  }
  for (const { dir, bytes } of needs.values()) {
    const fs = statfsSync(dir);
    const free = fs.bavail * fs.bsize;
    if (free < bytes) {
      throw new UserError(`Not enough free space in ${dir} for the download: ${bytes} bytes needed, ${free} free.`, {
        hint: 'Free some space (old archives, logs) or pass --full-snapshot-archive-path / --incremental-snapshot-archive-path on a larger file system.',
      });
    }
  }
}

function plannedFiles(candidate: Candidate, folders: LedgerFolders): Array<[RemoteArchive, string]> {
  const files: Array<[RemoteArchive, string]> = [];
  if (candidate.full && !candidate.fullLocal) files.push([candidate.full, folders.fullArchives]);
  if (candidate.incremental) files.push([candidate.incremental, folders.incrementalArchives]);
  return files;
}

async function downloadCandidate(candidate: Candidate, options: FetchOptions, environment: FetchEnvironment, folders: LedgerFolders, attempts: DownloadAttempt[]): Promise<boolean> {
  const source = sourceKey(candidate.source.url);
  for (const [archive, dir] of plannedFiles(candidate, folders)) {
    const finalPath = path.join(dir, archive.name);
    const record = (outcome: DownloadAttempt['outcome'], message: string | null, bytes: number, resumedFrom: number): DownloadAttempt => {
      const attempt: DownloadAttempt = { source: candidate.source.display, name: archive.name, path: finalPath, kind: archive.archive.kind, outcome, message, bytes, resumedFrom };
      attempts.push(attempt);
      environment.onEvent?.({ type: 'download-end', attempt });
      return attempt;
    };
    if (exists(finalPath)) continue; // the same name is the same slot and hash: never overwritten
    environment.onEvent?.({ type: 'download-start', name: archive.name, source: candidate.source.display, size: archive.size, dir });
    const result = await downloadToPartial({
      url: archive.url,
      finalPath,
      source,
      expectedSize: archive.size,
      minSpeed: options.minSpeed,
      speedWindowMs: options.speedWindowMs,
      retries: options.retries,
      signal: environment.signal,
      onProgress: (progress) => environment.onEvent?.({ type: 'progress', name: archive.name, progress }),
      onNote: (text) => environment.onEvent?.({ type: 'note', name: archive.name, text }),
    });
    if (!result.ok) {
      record(result.reason, result.message, 0, 0);
      return false;
    }
    environment.onEvent?.({ type: 'verify-start', name: archive.name });
    const problem = await verifyDownload(partialPath(finalPath), { name: archive.name, archive: archive.archive, size: result.announcedSize ?? archive.size }, { signal: environment.signal });
    environment.signal?.throwIfAborted();
    const wrongSlot = options.target.kind === 'restart' && archive === (candidate.incremental ?? candidate.full) && archive.archive.slot !== options.target.slot;
    if (problem !== null || wrongSlot) {
      const reason = problem ?? `its slot ${archive.archive.slot} is not the restart slot ${options.target.slot}`;
      await removePartial(finalPath);
      await addToBlacklist(folders.ledger, { source, identity: candidate.source.identity, archive: archive.name, reason, at: environment.now().toISOString() });
      record('corrupt', reason, result.bytes, result.resumedFrom);
      return false;
    }
    await placeArchive(finalPath);
    record('done', null, result.bytes, result.resumedFrom);
  }
  return true;
}

function mergeRejections(before: Candidate, now: Candidate, attempts: readonly DownloadAttempt[]): string[] {
  const failed = attempts.filter((a) => a.source === before.source.display && a.outcome !== 'done').map((a) => `the download of ${a.name} ${a.outcome === 'corrupt' ? 'was corrupt' : a.outcome === 'slow' ? 'was too slow' : 'failed'}: ${a.message}`);
  return [...new Set([...before.rejections, ...now.rejections, ...failed])];
}

async function afterFetch(
  options: FetchOptions,
  environment: FetchEnvironment,
  folders: LedgerFolders,
  inPlace: boolean,
): Promise<{ plan: PlanOutcome | null; startup: FetchOutcome['startup']; planError: SnapplanError | null }> {
  if (!inPlace) return { plan: null, startup: null, planError: null };
  if (options.target.kind === 'restart') {
    const archives = visibleArchives(scanLedger(folders).archives, null);
    // What Agave loads at start-up: the highest full, then its highest incremental (no upper bound).
    return { plan: null, startup: chooseBase(archives, U64_MAX + 1n), planError: null };
  }
  environment.signal?.throwIfAborted();
  try {
    const plan = await preparePlan(
      { ...options.plan, folders: options.folders, target: options.target.slot },
      { cwd: environment.cwd, env: environment.env, now: environment.now(), signal: environment.signal },
    );
    return { plan, startup: null, planError: null };
  } catch (error) {
    // The download is done and checked; a plan that cannot be made (a fresh machine has no
    // blockstore yet) is reported beside it, not instead of it.
    if (!isSnapplanError(error) || error instanceof OperationCancelledError) throw error;
    return { plan: null, startup: null, planError: error };
  }
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

