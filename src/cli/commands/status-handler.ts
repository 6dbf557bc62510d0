import path from 'node:path';
import { LOCK_FILE } from '../../agave/apply/apply-service.js';
import { backupDirOf } from '../../agave/apply/undo-service.js';
import { ExitCode } from '../../core/exit-codes.js';
import { readLock } from '../../ops/lock.js';
import { listQuarantines } from '../../ops/quarantine-status.js';
import { formatBytes } from '../../output/format.js';
import { toJson } from '../../output/json.js';
import type { CliContext } from '../context.js';
import type { StatusArgs } from './status.js';
import { requireDirectory } from '../path-checks.js';

export async function statusHandler(args: StatusArgs, ctx: CliContext): Promise<number> {
  if (args.ledger !== undefined) await requireDirectory(ctx.cwd, args.ledger, '--ledger', 'the validator\'s ledger folder');
  if (args.backupDir !== undefined) await requireDirectory(ctx.cwd, args.backupDir, '--backup-dir', 'the folder apply moved items into (nothing has been moved aside there yet if it does not exist)');
  const backupDir = backupDirOf(args, ctx.cwd);
  const { quarantines, problems } = await listQuarantines(backupDir);
  const lock = args.ledger === undefined ? null : await readLock(path.join(path.resolve(ctx.cwd, args.ledger), LOCK_FILE));
  if (args.json) {
    ctx.stdout.write(
      toJson({
        schemaVersion: 1,
        command: 'status',
        backupDir,
        lock,
        quarantines: quarantines.map((q) => ({
          dir: q.dir,
          journal: q.journalPath,
          createdAt: q.createdAt,
          targetSlot: q.targetSlot,
          state: q.state,
          items: q.items,
          bytes: q.bytes,
          kept: q.kept.length,
          tornLine: q.tornLine,
        })),
        problems: problems.map((p) => ({ dir: p.dir, message: p.error.message })),
      }) + '\n',
    );
    return ExitCode.Ok;
  }
  ctx.stdout.write(`Quarantines in ${backupDir}\n`);
  if (quarantines.length === 0) ctx.stdout.write('  none\n');
  for (const q of quarantines) {
    const held = `${q.items.quarantined}/${q.items.total} held${q.items.unfinished > 0 ? `, ${q.items.unfinished} unfinished` : ''}${q.items.undone > 0 ? `, ${q.items.undone} put back` : ''}`;
    ctx.stdout.write(`  ${path.basename(q.dir)}  slot ${q.targetSlot}  ${q.state.padEnd(13)} ${held}, ${formatBytes(q.bytes.quarantined)}, ${q.kept.length} kept\n`);
  }
  for (const p of problems) ctx.stdout.write(`  ✘ ${path.basename(p.dir)}: ${p.error.message}\n`);
  if (lock === 'unreadable') ctx.stdout.write('Lock: present but unreadable.\n');
  else if (lock) ctx.stdout.write(`Lock: held by pid ${lock.pid} on ${lock.hostname} since ${lock.startedAt}${lock.purpose ? ` (${lock.purpose})` : ''}.\n`);
  return ExitCode.Ok;
}
