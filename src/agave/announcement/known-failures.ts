// Subpath imports, as in ledger-tool/version.ts: semver's index loads every helper.
import semverSatisfies from 'semver/functions/satisfies.js';
import type { Slot } from '../../core/slot.js';
import type { Finding, Severity } from '../findings.js';

/** What snapplan does when a row applies. */
export type FailureAction = 'refuse' | 'warn' | 'steer';

/** The facts about the planned restart a row's condition looks at. */
export interface FailureContext {
  /** ledger-tool's release (semver). Rows are only checked when it is known. */
  readonly version: string;
  readonly snapshotSlot: Slot;
  /** The slot the new snapshot will have (X, or X+1 after a state edit). */
  readonly predictedSlot: Slot;
  /** create-snapshot builds a child bank (a state edit). */
  readonly childBank: boolean;
  readonly incremental: boolean;
  /** The base ledger-tool will load: a full archive alone, or with an incremental. */
  readonly base: { readonly fullSlot: Slot; readonly incrementalSlot: Slot | null } | null;
  /** A full + incremental pair below X that ledger-tool would load once the base full is moved aside, if any. */
  readonly betterBase: { readonly fullSlot: Slot; readonly incrementalSlot: Slot } | null;
  readonly extraArgs: readonly string[];
}

export interface KnownFailure {
  /** The upstream issue, e.g. agave#3198. */
  readonly reference: string;
  readonly summary: string;
  /** Releases that have the bug, as a semver range (prereleases of those releases included). */
  readonly affected: string;
  /** The first release that carries the fix, or null when it could not be pinned down. */
  readonly fixedIn: string | null;
  /** How the range was found, and what is inferred rather than read. */
  readonly evidence: string;
  readonly action: FailureAction;
  /** Null when the row does not apply to this plan; else the severity to report it with. */
  readonly condition: (ctx: FailureContext) => Severity | null;
  readonly message: (ctx: FailureContext) => string;
  readonly remedy: (ctx: FailureContext) => string;
}

const SEVERITY: Record<FailureAction, Severity> = { refuse: 'error', warn: 'warning', steer: 'warning' };
const when = (row: FailureAction, test: boolean): Severity | null => (test ? SEVERITY[row] : null);

/**
 * Known restart failures by ledger-tool release (research: docs/announcement.md; sources are the
 * upstream issues and the pull requests that fixed them). One row each; `affected` is checked
 * with semver, prereleases included. Where the fix release could not be pinned down the range is
 * open-ended from the first affected release, so every later release is warned about.
 */
export const KNOWN_FAILURES: readonly KnownFailure[] = [
  {
    reference: 'agave#3198',
    summary: 'ledger-tool 1.18.26 emptied the snapshot folder during create-snapshot',
    affected: '>=1.18.26 <2.0.0',
    fixedIn: null,
    evidence: 'Reported on 1.18.26 (testnet restart, Oct 2024); closed without a fix, the advice being to use 2.x. Not reported on 2.x.',
    action: 'warn',
    condition: () => 'warning',
    message: (c) => `ledger-tool ${c.version} has emptied the snapshot folder during create-snapshot (agave#3198).`,
    remedy: () => 'apply keeps hard links (or copies) of the base archives in the quarantine folder; use ledger-tool 2.x or later if the announcement allows it.',
  },
  {
    reference: 'agave#11935',
    summary: 'create-snapshot --incremental panics (latest_full_snapshot_slot().is_some()) on 3.1 and 4.0',
    affected: '>=3.1.0-0 <4.1.0-0',
    fixedIn: '4.1.0',
    evidence: 'Issue: "Bug is present on 4.0 and 3.1" (agave#11942, merged 2026-04-14 while master was v4.1, so 4.1.0 carries it). Backports to 3.1.x and 4.0.x not pinned down: every 3.1.x and 4.0.x counts as affected.',
    action: 'refuse',
    condition: (c) => when('refuse', c.incremental),
    message: (c) => `create-snapshot --incremental panics after the replay on ledger-tool ${c.version} (agave#11935, fixed by agave#11942 in 4.1.0).`,
    remedy: () => 'Create a full snapshot (drop --incremental), or use a ledger-tool release with the fix if the announcement allows it.',
  },
  {
    reference: 'agave#9496',
    summary: 'a restart snapshot made from a full archive alone failed at boot: "accounts lattice hashes do not match"',
    affected: '<4.0.0-0',
    fixedIn: '4.0.0',
    evidence: 'Dec 2025 testnet restart; fixed by agave#10064 (merged 2026-01-15 while master was v4.0). A 3.1.x backport is likely (the Jan 2026 restart pinned 3.1.7) but not pinned down, and the first affected release is unknown: every release before 4.0.0 counts as affected.',
    action: 'steer',
    condition: (c) => when('steer', c.base !== null && c.base.incrementalSlot === null),
    message: (c) => `The base is the full archive at ${c.base?.fullSlot} alone: with ledger-tool ${c.version} such restart snapshots have failed at boot with "accounts lattice hashes do not match" (agave#9496, fixed by agave#10064 in 4.0.0).`,
    remedy: (c) => c.betterBase
      ? `Move the full archive at ${c.base?.fullSlot} aside as well: ledger-tool then loads the full ${c.betterBase.fullSlot} + incremental ${c.betterBase.incrementalSlot} pair, which worked (check the blockstore holds slots from ${c.betterBase.incrementalSlot + 1n}).`
      : 'Get an incremental archive on the base full below X (or a full + incremental pair), or use ledger-tool 4.0.0 or later if the announcement allows it.',
  },
  {
    reference: 'agave#7287',
    summary: 'after a state edit the snapshot slot X+1 has no shreds in the blockstore (a gap in block history)',
    affected: '<4.2.0-0',
    fixedIn: '4.2.0',
    evidence: 'Fixed by agave#13150 (merged 2026-06-11; the v4.1 release candidate was already on testnet on 2026-06-15, so 4.2.0 is the first release carrying it). Backports not pinned down.',
    action: 'warn',
    condition: (c) => when('warn', c.childBank),
    message: (c) => `ledger-tool ${c.version} writes no shreds for the child bank at ${c.predictedSlot}, so the blockstore will have a gap at the restart slot (agave#7287, fixed by agave#13150).`,
    remedy: () => 'Expected with this release; the restart itself works. Peers that need the slot repair it from nodes that have it.',
  },
  {
    reference: 'agave#15012',
    summary: 'the child bank at X+1 keeps the parent\'s leader; from v4.1 a start-up check rejects the snapshot when X+1 opens a new leader window',
    affected: '>=4.1.0-0',
    fixedIn: null,
    evidence: 'The start-up leader check came with v4.1; agave#15012 (merged 2026-09-01) fixes ledger-tool, but the first release carrying it could not be pinned down: every release from 4.1.0 is warned about.',
    action: 'warn',
    condition: (c) => when('warn', c.childBank && c.predictedSlot % 4n === 0n),
    message: (c) => `The snapshot slot ${c.predictedSlot} opens a new 4-slot leader window, and ledger-tool ${c.version} gives the child bank the parent's leader: validators from v4.1 reject such a snapshot at start-up (agave#15012).`,
    remedy: () => 'Use a ledger-tool build that carries agave#15012, or confirm with the restart coordinators before replaying.',
  },
  {
    reference: 'agave#8296',
    summary: 'ledger-tool 3.0 with --snapshot-archive-path reads only the full-archive folder, so incrementals are ignored',
    affected: '>=3.0.0-0 <3.1.0-0',
    fixedIn: '3.1.0',
    evidence: 'agave#8296 removed --snapshot-archive-path in 3.1 because 3.0 fed it only to the full-archive folder (agave#7469).',
    action: 'steer',
    condition: (c) => (c.extraArgs.some((a) => a === '--snapshot-archive-path' || a.startsWith('--snapshot-archive-path=')) ? 'error' : c.base?.incrementalSlot != null || c.incremental ? 'info' : null),
    message: (c) => c.extraArgs.some((a) => a.startsWith('--snapshot-archive-path'))
      ? `The arguments after -- pass --snapshot-archive-path, which ledger-tool ${c.version} applies to full archives only: the incremental archives would be ignored (agave#8296).`
      : `ledger-tool ${c.version} ignores incremental archives when given --snapshot-archive-path (agave#8296); snapplan's command names --snapshots, --full-snapshot-archive-path and --incremental-snapshot-archive-path instead.`,
    remedy: (c) => c.extraArgs.some((a) => a.startsWith('--snapshot-archive-path'))
      ? 'Drop --snapshot-archive-path after --; snapplan passes the folder flags itself.'
      : 'Nothing to do: the printed command already avoids it.',
  },
];

export interface KnownFailureHit {
  readonly row: KnownFailure;
  readonly severity: Severity;
}

/** The rows that apply to this ledger-tool release and plan. */
export function knownFailuresFor(ctx: FailureContext, table: readonly KnownFailure[] = KNOWN_FAILURES): KnownFailureHit[] {
  const hits: KnownFailureHit[] = [];
  for (const row of table) {
    if (!semverSatisfies(ctx.version, row.affected, { includePrerelease: true })) continue;
    const severity = row.condition(ctx);
    if (severity !== null) hits.push({ row, severity });
  }
  return hits;
}

/** A hit as a plan finding: the reference in the message, the remedy as the row says. */
export function knownFailureFinding(hit: KnownFailureHit, ctx: FailureContext): Finding {
  return {
    code: 'known-restart-failure',
    severity: hit.severity,
    message: hit.row.message(ctx),
    remedy: hit.row.remedy(ctx),
  };
}
