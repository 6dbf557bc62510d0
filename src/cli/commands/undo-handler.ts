import { open } from 'node:fs/promises';
import path from 'node:path';
import { chooseJournal, previewUndoQuarantine, undoQuarantine, type UndoPreviewOutcome } from '../../agave/apply/undo-service.js';
import { partialUndoReason } from '../../agave/restart-boot-state.js';
import { UserError } from '../../core/errors.js';
import { quarantineStatus } from '../../ops/quarantine-status.js';
import { confirm } from '../prompt.js';
import { ExitCode } from '../../core/exit-codes.js';
import type { UndoAction } from '../../ops/undo.js';
import { formatBytes, plural } from '../../core/format.js';
import { toJson } from '../../core/json.js';
import type { CliContext } from '../context.js';
import type { UndoArgs } from './undo.js';
import { requireDirectory, requireQuarantineJournal } from '../path-checks.js';
import { defaultArgs } from '../define-command.js';
import { writeError } from '../write-error.js';
import { k8sUndoOptions } from './k8s.js';

/**
 * Exit 0 when everything is back; 2 when an item was refused because something took its place
 * (or a successful create-snapshot needs --include-new / --force); 1 when an item is missing, a
 * quarantined copy failed its sha256 check, or a damaged journal leaves files unexplained.
 */
export async function undoHandler(args: UndoArgs, ctx: CliContext): Promise<number> {
  // One `undo` for every journal snapplan writes: a k8s job's journal scales its StatefulSet back.
  if (args.journal !== undefined && (await isK8sJobJournal(path.resolve(ctx.cwd, args.journal)))) {
    if (args.dryRun) {
      // The preview below reads quarantine journals only; a k8s job has its own.
      throw new UserError(`${args.journal} is the journal of a k8s job, which undo --dry-run does not preview.`, { hint: `snapplan k8s undo --journal ${args.journal} --dry-run prints its kubectl calls without running them.` });
    }
    const { k8sUndoHandler } = await import('./k8s-handler.js');
    return k8sUndoHandler({ ...defaultArgs(k8sUndoOptions), journal: path.resolve(ctx.cwd, args.journal), json: args.json }, ctx);
  }
  if (args.journal !== undefined) await requireQuarantineJournal(ctx.cwd, args.journal);
  else if (args.ledger !== undefined) await requireDirectory(ctx.cwd, args.ledger, '--ledger', 'the validator\'s ledger folder');
  const options = { journal: args.journal, ledger: args.ledger, backupDir: args.backupDir, forceCopy: args.forceCopy, includeNew: args.includeNew, force: args.force };
  if (args.dryRun) return dryRun(await previewUndoQuarantine(options, { cwd: ctx.cwd, signal: ctx.signal }), args, ctx);
  // After the restart boot, blocks above R may be gone from the blockstore: undo is then partial.
  const partial = await partialUndoReason(await quarantineStatus(path.dirname(await chooseJournal(args, ctx.cwd))));
  if (partial !== null) {
    ctx.stderr.write(`snapplan: undo would be partial: ${partial}.\n`);
    if (!args.yes && !(await confirm(ctx, 'Put the archives back anyway?', '--yes'))) {
      throw new UserError('Nothing was changed: the operator declined the partial undo.', { hint: 'Pass --yes to undo anyway.' });
    }
  }
  const { quarantine, result, recreated, setAside = [], keptRefused = [] } = await undoQuarantine(options, {
    cwd: ctx.cwd,
    signal: ctx.signal,
    onProgress: args.json ? undefined : (text) => ctx.stderr.write(`  ${text}\n`),
  });
  const damaged = result.damaged.map((d) => `journal line ${d.line}: ${d.reason}`);
  if (args.json) {
    ctx.stdout.write(
      toJson({
        schemaVersion: 1,
        command: 'undo',
        ok: result.conflicts.length === 0 && result.missing.length === 0 && result.mismatches.length === 0 && result.unexplained.length === 0,
        journal: result.journalPath,
        restored: result.restored,
        items: result.items.map((i) => ({ source: i.source, from: i.destination, outcome: i.outcome, ...(i.mismatch ? { mismatch: i.mismatch } : {}) })),
        conflicts: result.conflicts.map((c) => ({ path: c.source, inTheWay: c.paths, message: c.message })),
        mismatches: result.mismatches.map((m) => ({ path: m.source, copy: m.destination, message: m.mismatch })),
        missing: result.missing,
        setAside: setAside.map((m) => ({ path: m.source, to: m.destination })),
        leftAside: result.leftAside.map((m) => ({ path: m.source, copy: m.destination })),
        kept: result.kept.map((k) => ({ source: k.source, copy: k.destination })),
        keptRefused,
        recreated: recreated.map((r) => ({ path: r.source, from: r.from, method: r.method })),
        damagedLines: result.damaged,
        unexplained: result.unexplained,
        state: quarantine.state,
      }) + '\n',
    );
  } else {
    for (const m of setAside) ctx.stdout.write(`✔ moved aside what create-snapshot made: ${m.source} → ${m.destination}\n`);
    ctx.stdout.write(`Put back ${result.restored} item(s) from ${quarantine.dir} (state: ${quarantine.state}).\n`);
    for (const c of result.conflicts) ctx.stdout.write(`✘ not put back: ${c.message}\n`);
    for (const m of result.mismatches) ctx.stdout.write(`✘ not put back, its copy changed in the quarantine: ${m.source}: ${m.mismatch}\n`);
    for (const m of result.missing) ctx.stdout.write(`✘ missing: ${m} is neither in its place nor in the quarantine\n`);
    for (const m of result.leftAside) ctx.stdout.write(`ℹ stays in the quarantine (made by create-snapshot): ${m.destination}\n`);
    for (const r of recreated) ctx.stdout.write(`✔ re-created ${r.source} from its safety copy (it had disappeared)\n`);
    for (const r of keptRefused) ctx.stdout.write(`✘ not re-created: ${r.source}: ${r.reason}\n`);
    for (const d of damaged) ctx.stdout.write(`⚠ damaged: ${d} (skipped; what it recorded was not acted on)\n`);
    for (const u of result.unexplained) ctx.stdout.write(`✘ still in the quarantine, no readable record for it: ${u}\n`);
    if (result.kept.length > 0) ctx.stdout.write(`The safety copies of the base archives stay in ${quarantine.dir}/kept (snapplan prune removes old ones).\n`);
  }
  if (result.missing.length > 0 || result.mismatches.length > 0 || result.unexplained.length > 0) {
    if (result.mismatches.length > 0) {
      writeError(ctx, {
        message: `${plural(result.mismatches.length, 'item')} did not go back: the copy in the quarantine no longer has the sha256 recorded when it was copied (first: ${result.mismatches[0]?.destination}).`,
        hint: 'Compare it with another copy (a backup, another validator) before using it; the item stays in the quarantine.',
      });
    }
    if (result.unexplained.length > 0) {
      writeError(ctx, {
        message: `the journal ${result.journalPath} is damaged (${damaged.join('; ')}): ${plural(result.unexplained.length, 'entry')} in the quarantine has no readable record.`,
        hint: 'Put them back by hand: below the root-key folders of the quarantine (e.g. ledger-574039e0/) each item keeps its path under its original folder.',
      });
    }
    return ExitCode.Failed;
  }
  if (result.conflicts.length > 0) {
    writeError(ctx, {
      message: 'some items were not put back because something now occupies their place.',
      hint: 'Move what is in the way aside (compare it first), then run undo again: finished items are skipped.',
    });
    return ExitCode.Usage;
  }
  return ExitCode.Ok;
}

const ACTION_TEXT: Record<UndoAction, string> = {
  'move-back': 'would move back',
  'merge-back': 'would merge back',
  'drop-copy': 'would drop a copy',
  'already-in-place': 'already in place',
  'never-moved': 'never moved',
  'was-undone': 'already put back',
  'left-aside': 'stays (made by create-snapshot)',
  missing: 'MISSING',
  conflict: 'REFUSED',
  'hash-mismatch': 'REFUSED (sha256)',
};

function dryRun(outcome: UndoPreviewOutcome, args: UndoArgs, ctx: CliContext): number {
  const { quarantine, preview, newEntries, refusal } = outcome;
  const wouldSetAside = args.includeNew ? newEntries : [];
  if (args.json) {
    ctx.stdout.write(
      toJson({
        schemaVersion: 1,
        command: 'undo',
        dryRun: true,
        journal: preview.journalPath,
        state: quarantine.state,
        wouldSetAside: wouldSetAside.map((e) => e.path),
        items: preview.items.map((i) => ({ source: i.source, from: i.destination, action: i.action, size: i.size, ...(i.detail ? { detail: i.detail } : {}) })),
        damagedLines: preview.damaged,
        refusal: refusal ? { message: refusal.message, hint: refusal.hint } : null,
      }) + '\n',
    );
  } else {
    ctx.stdout.write(`Dry run of undo for ${quarantine.dir} (state: ${quarantine.state}): nothing was changed.\n`);
    for (const e of wouldSetAside) ctx.stdout.write(`  would first move aside (made by create-snapshot)  ${e.path}\n`);
    for (const i of preview.items) {
      ctx.stdout.write(`  ${ACTION_TEXT[i.action].padEnd(32)} ${formatBytes(i.size).padStart(9)}  ${i.source}\n`);
      if (i.detail) ctx.stdout.write(`      ${i.detail}\n`);
    }
    for (const d of preview.damaged) ctx.stdout.write(`  ⚠ journal line ${d.line} unreadable (${d.reason}): what it recorded would not be acted on\n`);
    if (refusal) ctx.stdout.write(`✘ undo would refuse: ${refusal.message}\n  ${refusal.hint ?? ''}\n`);
  }
  const blocked = preview.items.some((i) => i.action === 'missing' || i.action === 'hash-mismatch');
  if (refusal || preview.items.some((i) => i.action === 'conflict')) return ExitCode.Usage;
  return blocked ? ExitCode.Failed : ExitCode.Ok;
}

/** A k8s job journal starts with `{"type":"begin","schemaVersion":1,"job":…}` (src/jobs/k8s/replica-journal.ts). */
async function isK8sJobJournal(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
    const buffer = Buffer.alloc(512);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const first = buffer.subarray(0, bytesRead).toString('utf8').split('\n')[0] ?? '';
    const record = JSON.parse(first) as { type?: unknown; job?: unknown };
    return record.type === 'begin' && typeof record.job === 'string';
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}
