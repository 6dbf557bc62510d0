import type { FetchOutcome } from '../agave/fetch/fetch-service.js';
import type { Candidate } from '../agave/fetch/select-candidates.js';
import type { RemoteArchive } from '../agave/fetch/source-probe.js';
import { planDocument } from './plan-json.js';

/** The `--json` document of `snapplan fetch`; its JSON Schema is src/output/fetch.schema.json. */
export function fetchDocument(outcome: FetchOutcome, run: { dryRun: boolean; exitCode: number }) {
  const chosen = outcome.fetchedFrom ?? (outcome.skipped === null && run.dryRun ? (outcome.ranked[0] ?? null) : null);
  return {
    schemaVersion: 1,
    command: 'fetch',
    ok: run.exitCode === 0,
    exitCode: run.exitCode,
    dryRun: run.dryRun,
    target: { kind: outcome.target.kind, slot: outcome.target.slot, source: outcome.target.source },
    folders: { ledger: outcome.folders.ledger, fullArchives: outcome.folders.fullArchives, incrementalArchives: outcome.folders.incrementalArchives },
    blacklistFile: outcome.blacklistFile,
    candidates: outcome.candidates.map((c) => candidateJson(c, outcome.ranked.findIndex((r) => r.source === c.source))),
    discoveryProblem: outcome.discoveryProblem,
    local: outcome.localBefore
      ? { reach: outcome.localBefore.reach, full: outcome.localBefore.full.path, incremental: outcome.localBefore.incremental?.path ?? null }
      : null,
    skipped: outcome.skipped,
    choice: chosen
      ? { source: chosen.source.display, full: chosen.full?.name ?? null, fullOnDisk: chosen.fullLocal?.path ?? null, incremental: chosen.incremental?.name ?? null, reach: chosen.reach }
      : null,
    downloads: outcome.attempts.map((a) => ({ ...a })),
    startup: outcome.startup
      ? {
          full: outcome.startup.full.path,
          incremental: outcome.startup.incremental?.path ?? null,
          slot: (outcome.startup.incremental ?? outcome.startup.full).slot,
        }
      : null,
    planError: outcome.planError ? { message: outcome.planError.message, hint: outcome.planError.hint ?? null, exitCode: outcome.planError.exitCode } : null,
    plan: outcome.plan ? planDocument(outcome.plan.plan, outcome.plan.inventory, outcome.plan.blockstore, outcome.plan.ledgerTool) : null,
  };
}

function candidateJson(c: Candidate, rank: number) {
  return {
    source: c.source.display,
    identity: c.source.identity,
    version: c.source.version,
    latencyMs: c.source.latencyMs,
    speedBytesPerSecond: c.speed === null ? null : Math.round(c.speed),
    highestSnapshotSlot: c.source.highest ? { full: c.source.highest.full, incremental: c.source.highest.incremental } : null,
    full: remote(c.source.full),
    incremental: remote(c.source.incremental),
    fits: rank >= 0,
    rank: rank >= 0 ? rank + 1 : null,
    reach: c.reach,
    download: rank >= 0 ? { full: c.full && !c.fullLocal ? c.full.name : null, fullOnDisk: c.fullLocal?.path ?? null, incremental: c.incremental?.name ?? null } : null,
    rejections: c.rejections,
    notes: c.notes,
    problems: c.source.problems,
  };
}

function remote(archive: RemoteArchive | null) {
  if (archive === null) return null;
  const a = archive.archive;
  return { name: archive.name, kind: a.kind, slot: a.slot, baseSlot: a.baseSlot ?? null, hash: a.hash, format: a.format, size: archive.size, ranges: archive.ranges };
}
