import path from 'node:path';
import { LOCK_FILE } from '../../agave/apply/apply-service.js';
import { backupDirOf } from '../../agave/apply/undo-service.js';
import { partialUndoReason } from '../../agave/restart-boot-state.js';
import { ExitCode } from '../../core/exit-codes.js';
import { readLock } from '../../ops/lock.js';
import { liveness } from '../../ops/process-identity.js';
import { listQuarantines, type QuarantineSummary } from '../../ops/quarantine-status.js';
import { formatBytes } from '../../core/format.js';
import { toJson } from '../../core/json.js';
import type { CliContext } from '../context.js';
import { problemsJson, writeListingHeader } from '../options/quarantine-options.js';
import type { StatusArgs } from './status.js';
import { requireDirectory } from '../path-checks.js';

export async function statusHandler(args: StatusArgs, ctx: CliContext): Promise<number> {
  if (args.ledger !== undefined) await requireDirectory(ctx.cwd, args.ledger, '--ledger', 'the validator\'s ledger folder');
  if (args.backupDir !== undefined) await requireDirectory(ctx.cwd, args.backupDir, '--backup-dir', 'the folder apply moved items into (nothing has been moved aside there yet if it does not exist)');
  const backupDir = backupDirOf(args, ctx.cwd);
  const { quarantines, problems } = await listQuarantines(backupDir);
  const lockPath = args.ledger === undefined ? null : path.join(path.resolve(ctx.cwd, args.ledger), LOCK_FILE);
  const lock = lockPath === null ? null : await readLock(lockPath);
  // A lock whose process is gone is stale: the next snapplan takes it over. Say so, never "held".
  const stale = lock !== null && lock !== 'unreadable' && liveness(lock) === 'dead';
  // Only a quarantine that still holds items can be undone, and only then partly.
  const partial = await Promise.all(quarantines.map((q) => (q.items.quarantined > 0 ? partialUndoReason(q) : null)));
  if (args.json) {
    ctx.stdout.write(
      toJson({
        schemaVersion: 1,
        command: 'status',
        backupDir,
        lock: lock === null || lock === 'unreadable' ? lock : { ...lock, stale },
        quarantines: quarantines.map((q) => ({
          dir: q.dir,
          journal: q.journalPath,
          createdAt: q.createdAt,
          targetSlot: q.targetSlot,
          state: q.state,
          createSnapshot: { state: q.tool.state, created: q.tool.created, logFile: q.tool.logFile },
          items: q.items,
          bytes: q.bytes,
          kept: q.kept.length,
          tornLine: q.tornLine,
          damaged: q.damaged.length > 0,
          damagedLines: q.damaged,
          undoPartial: partial[quarantines.indexOf(q)] ?? null,
        })),
        problems: problemsJson(problems),
      }) + '\n',
    );
    return ExitCode.Ok;
  }
  writeListingHeader(ctx.stdout, backupDir, quarantines.length, problems.length);
  for (const q of quarantines) {
    const held = `${q.items.quarantined}/${q.items.total} held${q.items.unfinished > 0 ? `, ${q.items.unfinished} unfinished` : ''}${q.items.undone > 0 ? `, ${q.items.undone} put back` : ''}${q.items.conflicts > 0 ? `, ${q.items.conflicts} refused` : ''}${q.items.createdAside > 0 ? `, ${q.items.createdAside} made by create-snapshot set aside` : ''}`;
    ctx.stdout.write(`  ${path.basename(q.dir)}  slot ${q.targetSlot}  ${q.state.padEnd(13)} ${held}, ${formatBytes(q.bytes.quarantined)}, ${q.kept.length} kept\n`);
    const tool = describeTool(q);
    if (tool) ctx.stdout.write(`      ${tool}\n`);
    for (const d of q.damaged) ctx.stdout.write(`      ✘ damaged: journal line ${d.line} cannot be read (${d.reason}); the quarantine may hold more than listed\n`);
    const why = partial[quarantines.indexOf(q)];
    if (why) ctx.stdout.write(`      ⚠ undo would be partial: ${why}\n`);
    const next = nextStep(q);
    if (next) ctx.stdout.write(`      next: ${next}\n`);
  }
  for (const p of problems) ctx.stdout.write(`  ✘ ${path.basename(p.dir)}: ${p.error.message}\n`);
  if (lock === 'unreadable') ctx.stdout.write('Lock: present but unreadable.\n');
  else if (lock && stale) ctx.stdout.write(`Lock: stale: pid ${lock.pid} on ${lock.hostname}${lock.purpose ? ` (${lock.purpose})` : ''} is gone since ${lock.startedAt}; the next snapplan run takes it over.\n`);
  else if (lock) ctx.stdout.write(`Lock: held by pid ${lock.pid} on ${lock.hostname} since ${lock.startedAt}${lock.purpose ? ` (${lock.purpose})` : ''}.\n`);
  return ExitCode.Ok;
}

/** create-snapshot's phase as the journal tells it. */
function describeTool(q: QuarantineSummary): string | null {
  switch (q.tool.state) {
    case 'not-run':
      return q.state === 'complete' || q.state === 'in-progress' ? null : 'create-snapshot did not run';
    case 'running':
      return 'create-snapshot is running';
    case 'succeeded':
      return `create-snapshot succeeded: slot ${q.tool.created?.slot ?? '?'}, ${q.tool.created?.archivePath ?? ''}`;
    case 'failed':
      return `create-snapshot failed (log: ${q.tool.logFile ?? 'none'})`;
    case 'timed-out':
      return `create-snapshot was stopped at its time limit (log: ${q.tool.logFile ?? 'none'})`;
    case 'interrupted':
      return `create-snapshot interrupted${q.state === 'crashed' ? ' (snapplan itself was killed)' : ''} (log: ${q.tool.logFile ?? 'none'})`;
  }
}

/** The command that moves this quarantine on, when one is due. */
function nextStep(q: QuarantineSummary): string | null {
  const holds = q.items.quarantined + q.items.unfinished + q.items.conflicts > 0 || q.damaged.length > 0;
  if (!holds || q.state === 'in-progress') return null;
  if (q.tool.state === 'succeeded' && q.items.createdAside === 0) return `keep it until the validator has restarted; to give up this restart: snapplan undo --journal ${q.journalPath} --include-new`;
  return `snapplan undo --journal ${q.journalPath} puts the moved items back`;
}
