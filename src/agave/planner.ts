import path from 'node:path';
import { compareSlots, subtractRange, type Slot, type SlotRange } from '../core/slot.js';
import { compareText } from '../core/compare-text.js';
import { shellJoin } from '../core/shell-quote.js';
import type { BlockstoreReport } from './blockstore/blockstore-source.js';
import { sortFindings, type Finding } from './findings.js';
import type { Inventory, SnapshotArchive } from './inventory.js';
import { quarantineFolderName } from '../ops/quarantine-name.js';
import { rootKeys } from '../ops/root-key.js';
import { createSnapshotArgs } from './ledger-tool/create-snapshot-args.js';
import { flagEraOf, loadsLegacyArchives } from './ledger-tool/version.js';
import type { BlocksVerdict, Plan, PlanRequest, QuarantineItem } from './plan-model.js';

/**
 * Decides, as Agave will once the plan is applied, whether a snapshot at the target slot X can
 * be created: which base ledger-tool will load, which blocks it must replay, and what must be
 * moved aside first. Pure: no I/O, no clock (the time comes in the request).
 */
export function planRestartSnapshot(inventory: Inventory, blockstore: BlockstoreReport, request: PlanRequest): Plan {
  const X = request.target;
  const legacyLoads = loadsLegacyArchives(request.ledgerToolVersion);
  const visible = visibleArchives(inventory.archives, request.ledgerToolVersion);
  const findings: Finding[] = [];

  const { base, blocking } = chooseUsableBase(visible, X);
  const baseSlot = base ? (base.incremental?.slot ?? base.full.slot) : null;
  const blocks = judgeBlocks(blockstore, baseSlot, X);
  const quarantineDir = path.join(request.backupDir, quarantineFolderName(request.now, X));
  const quarantine = chooseQuarantine(inventory, visible, blocking, X, quarantineDir);

  findings.push(...badArchiveFindings(visible, blocking, base, quarantine, X));
  const usable = blocking.length === 0 ? visible : visible.filter((a) => !blocking.includes(a));
  findings.push(...baseFindings(inventory, usable, base, X, legacyLoads));
  findings.push(...blockFindings(blocks, baseSlot, X));
  findings.push(...quarantineFindings(quarantine, X));
  findings.push(...housekeepingFindings(inventory, visible, legacyLoads));

  const era = flagEraOf(request.ledgerToolVersion);
  if (era === null) {
    findings.push({
      code: 'ledger-tool-version-unknown',
      severity: 'info',
      message: 'The ledger-tool version is unknown, so the commands use the folder flags of Agave >= 3.0.',
      remedy: 'Run with agave-ledger-tool on PATH (or --ledger-tool PATH) to get flags for your release.',
    });
  } else if (era === 'v2' && inventory.folders.snapshots !== inventory.folders.fullArchives) {
    findings.push({
      code: 'folder-layout-unsupported',
      severity: 'warning',
      message: `ledger-tool ${request.ledgerToolVersion} takes one folder for full archives and bank snapshots; the command passes the full-archive folder ${inventory.folders.fullArchives}.`,
      remedy: 'Check that no bank snapshot at or after the target sits in that folder\'s snapshots/, or use ledger-tool >= 3.0.',
    });
  }

  const sorted = sortFindings(findings);
  const reachable = base !== null && blocks.missing.length === 0 && !sorted.some((f) => f.severity === 'error');
  const effectiveEra = era ?? 'v3';
  const commands = reachable
    ? [
        ...moveCommands(quarantine),
        shellJoin([
          request.ledgerToolCommand,
          ...createSnapshotArgs({ era: effectiveEra, folders: inventory.folders, slot: X, outputDir: inventory.folders.fullArchives, hardForks: request.hardForks, extra: request.createSnapshotExtra }),
        ]),
      ]
    : [];

  return {
    targetSlot: X,
    reachable,
    base,
    baseSlot,
    blocks,
    quarantineDir,
    quarantine,
    findings: sorted,
    ignored: inventory.ignored,
    commands,
    folders: inventory.folders,
    flagEra: effectiveEra,
  };
}

type Base = NonNullable<Plan['base']>;

/**
 * The archives the given ledger-tool release can see: Agave >= 3.0 does not even match
 * tar/tar.gz/tar.bz2 names. With the version unknown, all count (the cautious choice: they
 * are moved aside when newer, and a legacy base gets a warning).
 */
export function visibleArchives(archives: readonly SnapshotArchive[], ledgerToolVersion: string | null): SnapshotArchive[] {
  const legacyLoads = loadsLegacyArchives(ledgerToolVersion);
  return archives.filter((a) => !a.legacy || legacyLoads !== false);
}

/** Highest full below X, then the highest incremental on that full below X (bank_forks_utils). */
export function chooseBase(archives: readonly SnapshotArchive[], X: Slot): Base | null {
  let full: SnapshotArchive | null = null;
  for (const a of archives) {
    if (a.kind === 'full' && a.slot < X && (full === null || a.slot > full.slot)) full = a;
  }
  if (full === null) return null;
  let incremental: SnapshotArchive | null = null;
  for (const a of archives) {
    if (a.kind === 'incremental' && a.baseSlot === full.slot && a.slot < X && (incremental === null || a.slot > incremental.slot)) {
      incremental = a;
    }
  }
  return { full, incremental };
}

/**
 * Agave's choice (chooseBase) once every bad archive it would pick first is moved aside: the
 * full archives below X from the highest slot down, then the incrementals on the chosen full
 * from the highest down; at each slot every twin is judged (which twin Agave takes is
 * unspecified), the bad ones are set aside (`blocking`, in the order Agave would have tried
 * them) and the first good one is taken. One sort and one pass, whatever the number of bad
 * archives. `isBad` defaults to the archive's `problem`; plan-service passes its header check,
 * so that exactly the archives Agave would try are read, in Agave's order.
 */
export function chooseUsableBase(
  archives: readonly SnapshotArchive[],
  X: Slot,
  isBad: (archive: SnapshotArchive) => boolean = (a) => Boolean(a.problem),
): { base: Base | null; blocking: SnapshotArchive[] } {
  const blocking: SnapshotArchive[] = [];
  const firstGood = (kind: 'full' | 'incremental', baseSlot?: Slot): SnapshotArchive | null => {
    // Stable sort: among twins, archive order is kept, as chooseBase takes the first of them.
    const ordered = archives
      .filter((a) => a.kind === kind && a.slot < X && (kind === 'full' || a.baseSlot === baseSlot))
      .sort((a, b) => compareSlots(b.slot, a.slot));
    for (let i = 0; i < ordered.length; ) {
      const slot = (ordered[i] as SnapshotArchive).slot;
      let good: SnapshotArchive | null = null;
      for (; i < ordered.length && (ordered[i] as SnapshotArchive).slot === slot; i++) {
        const a = ordered[i] as SnapshotArchive;
        if (isBad(a)) blocking.push(a);
        else good ??= a;
      }
      if (good) return good;
    }
    return null;
  };
  const full = firstGood('full');
  if (full === null) return { base: null, blocking };
  return { base: { full, incremental: firstGood('incremental', full.slot) }, blocking };
}

/** Every archive Agave may load in place of the chosen base: the base and its twins (same kind and slots). */
export function baseCandidates(archives: readonly SnapshotArchive[], base: Base): SnapshotArchive[] {
  const same = (a: SnapshotArchive, b: SnapshotArchive | null) => b !== null && a.kind === b.kind && a.slot === b.slot && a.baseSlot === b.baseSlot;
  return archives.filter((a) => same(a, base.full) || same(a, base.incremental));
}

function judgeBlocks(report: BlockstoreReport, baseSlot: Slot | null, X: Slot): BlocksVerdict {
  const available = report.slots ? { first: report.slots.first, last: report.slots.last } : null;
  if (baseSlot === null) return { needed: null, available, missing: [], source: report.source, chain: report.chain };
  const needed = { first: baseSlot + 1n, last: X };
  const outsideRange = subtractRange(needed, available);
  // When the range already lacks blocks, its edges say exactly which; otherwise a source that
  // walked the parent chain knows about holes and unfinished slots inside the range too.
  const chainFits = report.chain && report.chain.base === baseSlot && report.chain.target === X;
  const missing = outsideRange.length === 0 && chainFits && report.chain ? [...report.chain.missing] : outsideRange;
  return { needed, available, missing, source: report.source, chain: report.chain };
}

function chooseQuarantine(
  inventory: Inventory,
  visible: readonly SnapshotArchive[],
  blocking: readonly SnapshotArchive[],
  X: Slot,
  dir: string,
): QuarantineItem[] {
  const picked: Array<Omit<QuarantineItem, 'destination' | 'relativePath'>> = [];
  for (const a of visible) {
    let reason: string | null = null;
    if (a.kind === 'incremental' && a.baseSlot !== undefined && a.baseSlot > X) {
      reason = `incremental on a full snapshot at ${a.baseSlot}, after the target`;
    } else if (a.slot > X) {
      reason = `newer than the target: ledger-tool would load it and start after slot ${X}`;
    } else if (a.slot === X) {
      reason = 'already at the target slot: ledger-tool will not overwrite it (agave#15164)';
    } else if (blocking.includes(a)) {
      reason = `not loadable (${a.problem?.message ?? 'bad archive'}): Agave would pick it as the base and fail`;
    }
    // Moved for its slot, but also not an archive Agave could read: say so, never silently.
    if (reason && a.problem && !blocking.includes(a)) reason += `; it also ${a.problem.message}`;
    if (reason) picked.push({ path: a.path, kind: a.kind, slot: a.slot, reason, root: a.root });
  }
  for (const b of inventory.bankSnapshots) {
    if (b.slot >= X) {
      picked.push({
        path: b.path,
        kind: 'bank-snapshot',
        slot: b.slot,
        reason: 'bank snapshot at or after the target: the restarted validator would boot from it instead of the new snapshot',
        root: b.root,
      });
    }
  }
  // The layout the move engine uses (src/ops): <quarantine>/<root key>/<path under the root>,
  // so the printed commands and `apply` put every item in the same place.
  const keys = rootKeys(picked.map((p) => p.root));
  const items = picked.map((p) => {
    const relativePath = underRoot(p.root, p.path);
    return { ...p, relativePath, destination: path.join(dir, keys.get(p.root) ?? '', relativePath) };
  });
  // Archives first, then bank snapshots; each by slot, then path: a stable order to review.
  const group = (q: QuarantineItem) => (q.kind === 'bank-snapshot' ? 1 : 0);
  return items.sort((a, b) => group(a) - group(b) || compareSlots(a.slot, b.slot) || compareText(a.path, b.path));
}

function baseFindings(
  inventory: Inventory,
  visible: readonly SnapshotArchive[],
  base: Base | null,
  X: Slot,
  legacyLoads: boolean | null,
): Finding[] {
  const findings: Finding[] = [];
  if (base === null) {
    const newer = visible.filter((a) => a.slot >= X);
    const invisibleLegacy = inventory.archives.filter((a) => a.legacy && a.kind === 'full' && a.slot < X && legacyLoads === false);
    const lowest = newer.reduce<SnapshotArchive | null>((min, a) => (min === null || a.slot < min.slot ? a : min), null);
    if (X === 0n) {
      findings.push({
        code: 'no-base-snapshot',
        severity: 'error',
        message: 'Slot 0 is the genesis slot: no snapshot can lie below it, so none can be replayed up to it.',
        remedy: 'Check --slot: it must be the restart slot from the announcement (a slot after the last optimistically confirmed block), not 0.',
      });
      return findings;
    }
    findings.push({
      code: 'no-base-snapshot',
      severity: 'error',
      message:
        lowest !== null
          ? `Every snapshot archive is at or after slot ${X} (lowest: ${path.basename(lowest.path)}); a snapshot cannot be replayed backwards.`
          : `No usable full snapshot archive was found in ${describeArchiveFolders(inventory)}.`,
      remedy:
        invisibleLegacy.length > 0
          ? `Only legacy-format archives lie below ${X}, and this ledger-tool cannot load them: recompress one as .tar.zst (e.g. bzip2 -dc NAME.tar.bz2 | zstd -o NAME.tar.zst, same NAME), or use a ledger-tool < 3.0.`
          : `Get a full snapshot (or full + incremental) at a slot below ${X} from a trusted operator and put it in ${inventory.folders.fullArchives}; the blockstore must then hold every block after it up to ${X}. Next time, halt the validator at the restart slot (--halt-at-slot) so newer snapshots are not taken.`,
    });
    return findings;
  }
  if (base.incremental === null) {
    findings.push({
      code: 'full-only-base',
      severity: 'warning',
      message: `The base is the full archive at ${base.full.slot} alone, with no incremental on top; restart snapshots created from a full archive alone have been invalid (agave#9496).`,
      remedy: `If an incremental on ${base.full.slot} below ${X} can be had, put it in ${inventory.folders.incrementalArchives}; otherwise compare the resulting bank hash with the restart announcement before using it.`,
    });
  }
  if (base.full.legacy && legacyLoads === null) {
    findings.push({
      code: 'legacy-archive-format',
      severity: 'warning',
      message: `The base archive ${path.basename(base.full.path)} is in the legacy ${base.full.format} format, which Agave >= 3.0 cannot load.`,
      remedy: 'Use a ledger-tool < 3.0, or recompress it as .tar.zst under the same name before running ledger-tool >= 3.0.',
    });
  }
  for (const chosen of [base.full, base.incremental]) {
    if (chosen === null) continue;
    const twins = visible.filter((a) => a !== chosen && a.kind === chosen.kind && a.slot === chosen.slot && a.baseSlot === chosen.baseSlot);
    if (twins.some((t) => t.hash !== chosen.hash)) {
      findings.push({
        code: 'duplicate-archive-slot',
        severity: 'warning',
        message: `There are ${twins.length + 1} ${chosen.kind} archives at slot ${chosen.slot} with different hashes (${[chosen, ...twins].map((a) => a.path).join(', ')}); which one Agave loads is unspecified.`,
        remedy: 'Keep the one you trust (compare with the restart announcement or a known validator) and move the others out of the snapshot folders.',
      });
    }
  }
  return findings;
}

/**
 * `bad-archive`: an error for each archive Agave would pick as the base but could not load
 * (moved aside by the plan, the next one taking its place once the operator has moved it);
 * info for the entries with a problem that Agave would not pick, so none goes unmentioned.
 */
function badArchiveFindings(
  visible: readonly SnapshotArchive[],
  blocking: readonly SnapshotArchive[],
  base: Base | null,
  quarantine: readonly QuarantineItem[],
  X: Slot,
): Finding[] {
  const findings: Finding[] = [];
  const after = base
    ? `the base is then the full archive at ${base.full.slot}${base.incremental ? ` with the incremental at ${base.incremental.slot}` : ''}`
    : `no usable archive below ${X} remains then`;
  // One finding each for the first few; a folder of thousands of broken files gets one more.
  const SHOWN = 5;
  for (const a of blocking.slice(0, SHOWN)) {
    const item = quarantine.find((q) => q.path === a.path);
    findings.push({
      code: 'bad-archive',
      severity: 'error',
      message: `The ${a.kind} archive ${a.path} ${a.problem?.message ?? 'cannot be loaded'}; Agave would pick it as the base and fail.`,
      remedy: `Replace it with a good copy, or move it aside${item ? ` (${shellJoin(['mv', '-n', '--', item.path, item.destination])}, after mkdir -p of its folder)` : ''} and plan again: ${after}.`,
    });
  }
  if (blocking.length > SHOWN) {
    const rest = blocking.slice(SHOWN);
    findings.push({
      code: 'bad-archive',
      severity: 'error',
      message: `${rest.length} more archives that Agave would pick in turn cannot be loaded either (${rest.slice(0, 3).map((a) => `${path.basename(a.path)} ${a.problem?.message}`).join('; ')}${rest.length > 3 ? '; …' : ''}).`,
      remedy: `Replace them with good copies, or move them aside (all are on the quarantine list, each with its reason) and plan again: ${after}.`,
    });
  }
  const quiet = visible.filter((a) => a.problem && !blocking.includes(a) && a.slot < X && !quarantine.some((q) => q.path === a.path));
  if (quiet.length > 0) {
    findings.push({
      code: 'bad-archive',
      severity: 'info',
      message: `${quiet.length} ${quiet.length === 1 ? 'entry' : 'entries'} named like an archive below ${X} cannot be loaded (${quiet.map((a) => `${path.basename(a.path)} ${a.problem?.message}`).slice(0, 3).join('; ')}${quiet.length > 3 ? '; …' : ''}); Agave does not pick ${quiet.length === 1 ? 'it' : 'them'} while a newer usable archive is there.`,
      remedy: `Remove or replace ${quiet.length === 1 ? 'it' : 'them'} when convenient: ${quiet.length === 1 ? 'it becomes' : 'they become'} the base once the newer archives are gone.`,
    });
  }
  return findings;
}

function blockFindings(blocks: BlocksVerdict, baseSlot: Slot | null, X: Slot): Finding[] {
  if (baseSlot === null || blocks.missing.length === 0 || blocks.needed === null) return [];
  const missingText = blocks.missing.map(rangeText).join(', ');
  const { available, chain } = blocks;
  let why: string;
  let remedy = '';
  const rangeCovers = available !== null && available.first <= blocks.needed.first && available.last >= X;
  if (rangeCovers && chain?.firstProblem && chain.base === baseSlot && chain.target === X) {
    const p = chain.firstProblem;
    why = `walking parents down from ${X}, slot ${p.slot} is ${p.problem === 'incomplete' ? 'not full' : p.problem === 'missing' ? 'missing' : p.problem === 'no-parent' ? 'without a known parent' : `below the base without passing it`}`;
    remedy = `Copy the missing or incomplete slots from another validator's blockstore, or get a snapshot at a slot on the chain at or above ${p.slot} from a trusted operator.`;
  } else if (available === null) {
    why = 'the blockstore is empty';
    remedy = `Restore the blockstore (rocksdb/) the validator had, or get the restart snapshot at ${X} from a trusted operator.`;
  } else {
    const reasons: string[] = [];
    if (available.first > baseSlot + 1n) {
      reasons.push(`the blockstore starts at ${available.first}, after the base at ${baseSlot}: the blocks between were purged or never received`);
      remedy = `Get a snapshot at a slot from ${available.first - 1n} to ${X - 1n} from a trusted operator (or the missing blocks from another validator's blockstore).`;
    }
    if (available.last < X) {
      reasons.push(`the blockstore ends at ${available.last}, before the target: the validator stopped before the cluster reached ${X} (cause 2 in the Agave snapshot guide)`);
      // Blocks after the node stopped cannot come from any older snapshot: this remedy wins.
      remedy = `Get the snapshot at ${X} (or the blocks up to ${X}) from the restart coordinators or a trusted operator; next time keep the node running until told to stop.`;
    }
    why = reasons.join('; and ');
  }
  return [
    {
      code: 'blocks-missing',
      severity: 'error',
      message: `A snapshot at ${X} needs every block in (${baseSlot}, ${X}], but ${missingText} ${blocks.missing.length === 1 && blocks.missing[0]?.first === blocks.missing[0]?.last ? 'is' : 'are'} missing: ${why}.`,
      remedy,
    },
  ];
}

function quarantineFindings(quarantine: readonly QuarantineItem[], X: Slot): Finding[] {
  const findings: Finding[] = [];
  const newer = quarantine.filter((q) => q.kind !== 'bank-snapshot' && q.slot > X);
  if (newer.length > 0) {
    const highest = newer.reduce((max, q) => (q.slot > max ? q.slot : max), 0n);
    findings.push({
      code: 'newer-snapshots',
      severity: 'warning',
      message: `${count(newer.length, 'snapshot archive')} ${newer.length === 1 ? 'is' : 'are'} newer than ${X} (highest: ${highest}); agave-ledger-tool always loads the newest, so it would start after ${X} and fail (cause 3 in the Agave snapshot guide).`,
      remedy: `Move ${newer.length === 1 ? 'it' : 'them'} to a backup folder first (the mv commands below); they can be put back after the restart.`,
    });
  }
  const atTarget = quarantine.filter((q) => q.kind !== 'bank-snapshot' && q.slot === X);
  if (atTarget.length > 0) {
    findings.push({
      code: 'target-snapshot-exists',
      severity: 'warning',
      message: `An archive at exactly slot ${X} already exists (${atTarget.map((q) => path.basename(q.path)).join(', ')}); ledger-tool will not overwrite it (agave#15164).`,
      remedy: 'If it is the snapshot announced for this restart (check its bank hash), you may not need to create one; otherwise it is moved aside with the others.',
    });
  }
  const banks = quarantine.filter((q) => q.kind === 'bank-snapshot');
  if (banks.length > 0) {
    findings.push({
      code: 'bank-snapshot-at-or-after-target',
      severity: 'warning',
      message: `${count(banks.length, 'bank snapshot folder')} at or after ${X} (in ${[...new Set(banks.map((b) => b.root))].join(', ')}); a validator started with the default --use-snapshot-archives-at-startup when-newest would boot from ${banks.length === 1 ? 'it' : 'them'} instead of the new snapshot.`,
      remedy: 'Move them aside (below), and start the restarted validator once with --use-snapshot-archives-at-startup always.',
    });
  }
  return findings;
}

function housekeepingFindings(inventory: Inventory, visible: readonly SnapshotArchive[], legacyLoads: boolean | null): Finding[] {
  const findings: Finding[] = [];
  const legacy = inventory.archives.filter((a) => a.legacy);
  if (legacy.length > 0 && legacyLoads !== null) {
    findings.push({
      code: 'legacy-archive-format',
      severity: 'info',
      message: legacyLoads
        ? `${count(legacy.length, 'archive')} in a legacy format (tar, tar.gz, tar.bz2): this ledger-tool loads ${legacy.length === 1 ? 'it' : 'them'}, Agave >= 3.0 will not.`
        : `${count(legacy.length, 'archive')} in a legacy format (tar, tar.gz, tar.bz2) ${legacy.length === 1 ? 'is' : 'are'} ignored: Agave >= 3.0 cannot load them.`,
      remedy: 'Recompress as .tar.zst under the same name if you need them, or remove them.',
    });
  }
  const fullSlots = new Set(visible.filter((a) => a.kind === 'full').map((a) => a.slot));
  const orphans = visible.filter((a) => a.kind === 'incremental' && a.baseSlot !== undefined && !fullSlots.has(a.baseSlot));
  if (orphans.length > 0) {
    findings.push({
      code: 'orphan-incremental',
      severity: 'info',
      message: `${count(orphans.length, 'incremental archive')} ${orphans.length === 1 ? 'has' : 'have'} no full archive at ${orphans.length === 1 ? 'its' : 'their'} base slot (${[...new Set(orphans.map((o) => o.baseSlot))].join(', ')}); Agave cannot use ${orphans.length === 1 ? 'it' : 'them'}.`,
      remedy: 'Put the matching full archive in the full-archive folder, or remove the orphans.',
    });
  }
  // A file this user cannot read says nothing about whether the validator's user can.
  const unreadable = inventory.bankSnapshots.filter((b) => b.problems.some((p) => p.includes('cannot be read')));
  if (unreadable.length > 0) {
    findings.push({
      code: 'incomplete-bank-snapshot',
      severity: 'info',
      message: `${count(unreadable.length, 'bank snapshot folder')} cannot be fully read by this user (${unreadable[0]?.path}: ${unreadable[0]?.problems.join(', ')}${unreadable.length > 1 ? '; …' : ''}), so whether Agave would use ${unreadable.length === 1 ? 'it' : 'them'} is unknown.`,
      remedy: 'Run snapplan as the validator\'s user to judge them; those at or after the target are moved aside either way.',
    });
  }
  const incomplete = inventory.bankSnapshots.filter((b) => !b.complete && !unreadable.includes(b));
  if (incomplete.length > 0) {
    findings.push({
      code: 'incomplete-bank-snapshot',
      severity: 'info',
      message: `${count(incomplete.length, 'bank snapshot folder')} ${incomplete.length === 1 ? 'is' : 'are'} incomplete (${incomplete[0]?.problems.join(', ')}${incomplete.length > 1 ? ', …' : ''}); Agave ignores and purges them at start-up.`,
      remedy: 'Nothing to do; they are not used.',
    });
  }
  return findings;
}

function moveCommands(quarantine: readonly QuarantineItem[]): string[] {
  if (quarantine.length === 0) return [];
  const parents = [...new Set(quarantine.map((q) => path.dirname(q.destination)))];
  return [
    shellJoin(['mkdir', '-p', '--', ...parents]),
    ...quarantine.map((q) => shellJoin(['mv', '-n', '--', q.path, q.destination])),
  ];
}

function describeArchiveFolders(inventory: Inventory): string {
  return inventory.scannedArchiveFolders.join(', ');
}

function rangeText(range: SlotRange): string {
  return range.first === range.last ? `slot ${range.first}` : `slots ${range.first}–${range.last}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * `path.relative(root, file)` for a file the scanner found under root (`root/…`, both already
 * resolved): a slice, since this runs for every item moved (thousands in a deep plan).
 */
function underRoot(root: string, file: string): string {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return file.startsWith(prefix) ? file.slice(prefix.length) : path.relative(root, file);
}
