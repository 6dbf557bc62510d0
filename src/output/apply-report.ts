import type { ChalkInstance } from 'chalk';
import type { ApplyOutcome } from '../agave/apply/apply-model.js';
import { shellJoin } from '../core/shell-quote.js';

export const APPLY_SCHEMA_VERSION = 1;

/**
 * The way back, as argv. After a snapshot was created a plain undo is a trap: the older
 * snapshots it puts back sit next to the new one, and the validator would load the newest of
 * them. So then the way back also moves the new archive aside (`--include-new`).
 */
export function undoCommand(o: ApplyOutcome): string[] | null {
  if (!o.quarantine) return null;
  const createdAndLoadable = o.created !== null && (o.setAside ?? []).length === 0;
  return ['snapplan', 'undo', '--journal', o.quarantine.journalPath, ...(createdAndLoadable ? ['--include-new'] : [])];
}

/** `snapplan apply --json`. */
export function applyDocument(o: ApplyOutcome) {
  return {
    schemaVersion: APPLY_SCHEMA_VERSION,
    command: 'apply',
    ok: o.error === null,
    dryRun: o.dryRun,
    targetSlot: o.plan.targetSlot,
    baseSlot: o.plan.baseSlot,
    hardFork: o.hardFork,
    // From the command itself (no bigint list on the outcome: the app passes it as a prop).
    hardForks: o.command.flatMap((arg, i) => (arg === '--hard-fork' && o.command[i + 1] !== undefined ? [BigInt(o.command[i + 1] as string)] : [])),
    restartSlot: o.restartSlot ?? null,
    createSnapshotCommand: o.command,
    planned: o.plan.quarantine.map((q) => ({ path: q.path, kind: q.kind, slot: q.slot, reason: q.reason, destination: q.destination })),
    quarantine: o.quarantine
      ? {
          dir: o.quarantine.dir,
          journal: o.quarantine.journalPath,
          moved: o.quarantine.moved.map((m) => ({ source: m.source, destination: m.destination, method: m.method, size: m.size })),
          kept: o.quarantine.kept.map((k) => ({ source: k.source, destination: k.destination, method: k.method, size: k.size })),
          setAside: (o.setAside ?? []).map((m) => ({ source: m.source, destination: m.destination, method: m.method, size: m.size })),
        }
      : null,
    undoCommand: undoCommand(o),
    logFile: o.logFile,
    created: o.created
      ? {
          slot: o.created.slot,
          bankHash: o.created.bankHash,
          shredVersion: o.created.shredVersion,
          archivePath: o.created.archivePath,
          baseSlot: o.created.baseSlot,
          capitalizationChange: o.created.capitalizationChange,
        }
      : null,
    checks: o.checks,
    restartFlags: o.restartFlags,
    advice: o.advice,
    error: o.error,
  };
}

export function renderApplyText(o: ApplyOutcome, c: ChalkInstance): string {
  const out: string[] = [];
  if (o.dryRun) {
    out.push(c.bold(`Dry run for a snapshot at slot ${o.plan.targetSlot}: nothing was changed.`));
    out.push(`Would move ${o.plan.quarantine.length} item(s) aside into ${o.plan.quarantineDir}:`);
    for (const q of o.plan.quarantine) out.push(`  ${q.path}\n    → ${q.destination}`);
    out.push('Would keep safety links to the base archive(s), then run:');
    out.push(`  ${shellJoin(o.command)}`);
    return out.join('\n') + '\n';
  }
  const created = o.created;
  if (created) {
    const shifted = created.slot !== o.plan.targetSlot ? c.dim(` (target ${o.plan.targetSlot}; state edits make it the next slot)`) : '';
    out.push(c.bold(`${o.error ? c.yellow('⚠') : c.green('✔')} Snapshot created at slot ${created.slot}`) + shifted);
    out.push(`  archive        ${created.archivePath}`);
    out.push(`  bank hash      ${created.bankHash}${verdict(o.checks.bankHash, c)}`);
    out.push(`  shred version  ${created.shredVersion ?? 'not printed'}${verdict(o.checks.shredVersion, c)}`);
    if (created.capitalizationChange) out.push(`  capitalization changed by ${created.capitalizationChange} lamports`);
  } else {
    out.push(c.red.bold(`✘ No snapshot was created at slot ${o.plan.targetSlot}.`));
  }
  if (o.quarantine) {
    const aside = (o.setAside ?? []).length;
    out.push(`  quarantine     ${o.quarantine.dir} (${o.quarantine.moved.length} moved, ${o.quarantine.kept.length} kept${aside > 0 ? `, ${aside} made by create-snapshot set aside` : ''})`);
    const back = shellJoin(undoCommand(o) ?? []);
    if (o.created !== null && aside === 0) {
      out.push('                 the moved snapshots stay there until the validator has restarted from the new one;');
      out.push(`                 to give up this restart instead: ${back}`);
      out.push('                 (it moves the new archive aside too; a plain undo would make the validator load an old snapshot)');
    } else {
      out.push(`                 ${back}  puts the moved items back`);
    }
  }
  if (o.logFile) out.push(`  ledger-tool log ${o.logFile}`);
  if (o.restartFlags.length > 0 && !o.error) {
    out.push('');
    out.push(c.bold('Restart the validator with:'));
    out.push(`  ${o.restartFlags.join(' ')}`);
    out.push(c.dim(`  (remove ${temporaryFlagList(o.restartFlags)} once the cluster is running again; snapplan restart-flags --revert does it for a patched start script)`));
  }
  for (const a of o.advice) out.push(`${c.blue('ℹ')} ${a}`);
  return out.join('\n') + '\n';
}

function verdict(check: ApplyOutcome['checks']['bankHash'], c: ChalkInstance): string {
  return check === 'match' ? c.green('  ✔ matches the announcement') : check === 'mismatch' ? c.red('  ✘ differs from the announcement') : '';
}

/**
 * The restart-only flags among those printed, as "--a, --b and --c": only what was given.
 * --expected-shred-version stays: it guards every later start too (with the new value).
 */
export function temporaryFlagList(flags: readonly string[]): string {
  const names = [...new Set(flags.filter((f) => f.startsWith('--') && f !== '--expected-shred-version'))];
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
