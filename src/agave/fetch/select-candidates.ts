import semver from 'semver';
import type { Slot } from '../../core/slot.js';
import type { SnapshotArchive } from '../inventory.js';
import { chooseBase } from '../planner.js';
import type { BlacklistEntry } from './blacklist.js';
import type { FetchTarget } from './fetch-target.js';
import { sourceKey } from './redact-url.js';
import type { RemoteArchive, SourceInfo } from './source-probe.js';

export interface SelectionFilters {
  readonly knownValidators: ReadonlySet<string> | null;
  /** A semver range the source's `solana-core` version must satisfy. */
  readonly nodeVersion: string | null;
  readonly fullOnly: boolean;
  readonly maxLatencyMs: number | null;
}

/** One source judged against the target: what it would give, what to download, or why not. */
export interface Candidate {
  readonly source: SourceInfo;
  /** The full archive this candidate rests on (downloaded unless `fullLocal`). */
  readonly full: RemoteArchive | null;
  /** The local full archive with the same slot and hash, when there is one: not downloaded again. */
  readonly fullLocal: SnapshotArchive | null;
  readonly incremental: RemoteArchive | null;
  /** The slot the node can start from after this download (incremental slot, or full slot). */
  readonly reach: Slot | null;
  /** Empty when the candidate fits. Each entry is one reason, without the URL. */
  readonly rejections: readonly string[];
  /** Context that is not a rejection (e.g. "its incremental is above X: full only"). */
  readonly notes: readonly string[];
  /** Measured download speed in bytes per second, when measured. */
  readonly speed: number | null;
}

/**
 * Judges every source against the target, the filters, the blacklist and what is already on
 * disk. Pure: no I/O, so each rule has a table test.
 */
export function judgeSources(
  sources: readonly SourceInfo[],
  target: FetchTarget,
  filters: SelectionFilters,
  blacklist: readonly BlacklistEntry[],
  local: readonly SnapshotArchive[],
): Candidate[] {
  return sources.map((source) => judgeSource(source, target, filters, blacklist, local));
}

function judgeSource(
  source: SourceInfo,
  target: FetchTarget,
  filters: SelectionFilters,
  blacklist: readonly BlacklistEntry[],
  local: readonly SnapshotArchive[],
): Candidate {
  const rejections: string[] = [];
  const notes: string[] = [];
  const listed = blacklist.find((entry) => entry.source === sourceKey(source.url) || (source.identity !== null && entry.identity === source.identity));
  if (listed) rejections.push(`on the blacklist since ${listed.at}: ${listed.reason}`);
  if (filters.knownValidators) {
    if (source.identity === null) rejections.push('its identity is unknown, so it cannot be matched against --known-validator');
    else if (!filters.knownValidators.has(source.identity)) rejections.push(`its identity ${source.identity} is not a --known-validator`);
  }
  if (filters.nodeVersion !== null) {
    if (source.version === null) rejections.push(`its version is unknown, so it cannot be matched against --node-version ${filters.nodeVersion}`);
    else if (!semver.satisfies(semver.coerce(source.version, { includePrerelease: true }) ?? source.version, filters.nodeVersion, { includePrerelease: true })) {
      rejections.push(`its version ${source.version} does not satisfy --node-version ${filters.nodeVersion}`);
    }
  }
  if (filters.maxLatencyMs !== null && source.latencyMs !== null && source.latencyMs > filters.maxLatencyMs) {
    rejections.push(`latency ${source.latencyMs} ms is above --max-latency ${filters.maxLatencyMs}`);
  }

  const none = (reason: string[]): Candidate => ({ source, full: null, fullLocal: null, incremental: null, reach: null, rejections: [...rejections, ...reason], notes, speed: null });
  const full = source.full;
  if (full === null) {
    return none(source.problems.length > 0 ? [...source.problems] : ['it serves no full archive (/snapshot.tar.bz2 answered 404)']);
  }
  let incremental = filters.fullOnly ? null : source.incremental;
  if (incremental && incremental.archive.baseSlot !== full.archive.slot) {
    notes.push(`its incremental ${incremental.name} is not based on its full archive at ${full.archive.slot}; full only`);
    incremental = null;
  }
  const X = target.slot;
  let reach: Slot;
  if (target.kind === 'restart') {
    if (incremental && incremental.archive.slot === X) reach = X;
    else if (full.archive.slot === X) {
      reach = X;
      incremental = null;
    } else {
      const offered = incremental ? `a full archive at ${full.archive.slot} and an incremental at ${incremental.archive.slot}` : `a full archive at ${full.archive.slot}`;
      return none([`it serves ${offered}, none at the restart slot ${X}`]);
    }
  } else {
    if (full.archive.slot >= X) {
      return none([`its full archive is at ${full.archive.slot}, not below ${X} (a snapshot cannot be replayed backwards)`]);
    }
    if (incremental && incremental.archive.slot >= X) {
      notes.push(`its incremental at ${incremental.archive.slot} is not below ${X}: full archive only`);
      incremental = null;
    }
    reach = incremental ? incremental.archive.slot : full.archive.slot;
  }
  if (full.archive.legacy) notes.push(`${full.archive.format} is a legacy format: Agave 3.0 and later cannot load it`);

  // The same full already on disk is not downloaded again; another archive at the same slot
  // would sit beside it with a different hash, and Agave's choice between them is unspecified.
  const sameSlot = local.filter((a) => a.kind === 'full' && a.slot === full.archive.slot);
  const fullLocal = sameSlot.find((a) => a.hash === full.archive.hash) ?? null;
  if (fullLocal === null && sameSlot.length > 0) {
    rejections.push(`a local full archive at slot ${full.archive.slot} has another hash (${sameSlot[0]?.hash}); move it aside first or it would sit beside this one`);
  }
  return { source, full, fullLocal, incremental, reach, rejections, notes, speed: null };
}

/** What the node already has for the target: the slot it reaches, and the archives. */
export interface LocalReach {
  readonly reach: Slot;
  readonly full: SnapshotArchive;
  readonly incremental: SnapshotArchive | null;
}

/** The local archives Agave would take for this target (restart: at R exactly; base: below X). */
export function localReach(local: readonly SnapshotArchive[], target: FetchTarget): LocalReach | null {
  if (target.kind === 'base') {
    const base = chooseBase(local, target.slot);
    return base ? { reach: base.incremental?.slot ?? base.full.slot, full: base.full, incremental: base.incremental } : null;
  }
  const R = target.slot;
  const full = local.find((a) => a.kind === 'full' && a.slot === R);
  if (full) return { reach: R, full, incremental: null };
  for (const inc of local) {
    if (inc.kind !== 'incremental' || inc.slot !== R) continue;
    const base = local.find((a) => a.kind === 'full' && a.slot === inc.baseSlot);
    if (base) return { reach: R, full: base, incremental: inc };
  }
  return null;
}

/**
 * Orders the fitting candidates: the highest reach first (closest to X), then the fewest bytes
 * to download (a full already on disk saves most), then the measured speed, then latency.
 */
export function rankCandidates(candidates: readonly Candidate[]): Candidate[] {
  const fitting = candidates.filter((c) => c.rejections.length === 0 && c.reach !== null);
  return [...fitting].sort((a, b) => {
    const byReach = compareDesc(a.reach ?? 0n, b.reach ?? 0n);
    if (byReach !== 0) return byReach;
    const byLocal = Number(b.fullLocal !== null) - Number(a.fullLocal !== null);
    if (byLocal !== 0) return byLocal;
    const bySpeed = (b.speed ?? -1) - (a.speed ?? -1);
    if (bySpeed !== 0) return bySpeed;
    return (a.source.latencyMs ?? Infinity) - (b.source.latencyMs ?? Infinity);
  });
}

function compareDesc(a: Slot, b: Slot): number {
  return a > b ? -1 : a < b ? 1 : 0;
}

export function withSpeed(candidate: Candidate, speed: number | null, minSpeed: number | null): Candidate {
  const rejections = [...candidate.rejections];
  if (minSpeed !== null && speed !== null && speed < minSpeed) {
    rejections.push(`measured ${(speed / 1e6).toFixed(1)} MB/s, below --min-speed ${(minSpeed / 1e6).toFixed(1)} MB/s`);
  }
  return { ...candidate, speed, rejections };
}

export function withRejection(candidate: Candidate, reason: string): Candidate {
  return { ...candidate, rejections: [...candidate.rejections, reason] };
}
