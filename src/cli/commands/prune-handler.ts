import path from 'node:path';
import { LOCK_FILE } from '../../agave/apply/apply-service.js';
import { backupDirOf } from '../../agave/apply/undo-service.js';
import { UserError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { withLock } from '../../ops/lock.js';
import { choosePrunable, deleteQuarantine, type PruneDecision } from '../../ops/prune.js';
import { listQuarantines } from '../../ops/quarantine-status.js';
import { formatBytes } from '../../core/format.js';
import { toJson } from '../../core/json.js';
import type { CliContext } from '../context.js';
import { problemsJson, writeListingHeader } from '../options/quarantine-options.js';
import type { PruneArgs } from './prune.js';

const DAY_MS = 86_400_000;

export async function pruneHandler(args: PruneArgs, ctx: CliContext): Promise<number> {
  if (!Number.isFinite(args.olderThan) || args.olderThan < 0) {
    throw new UserError(`--older-than ${String(args.olderThan)} is not a number of days.`, { hint: 'For example --older-than 7 (0: any age).' });
  }
  if (!Number.isInteger(args.keep) || args.keep < 0) {
    throw new UserError(`--keep ${String(args.keep)} is not a whole number.`, { hint: 'For example --keep 1 (the newest finished quarantine stays).' });
  }
  const backupDir = backupDirOf(args, ctx.cwd);
  const rules = { olderThan: new Date(ctx.now().getTime() - args.olderThan * DAY_MS), keep: args.keep };
  const decide = async () => {
    const { quarantines, problems } = await listQuarantines(backupDir);
    return { decisions: await choosePrunable(quarantines, rules), problems };
  };
  let { decisions, problems } = await decide();
  const deleted: PruneDecision[] = [];
  if (args.yes && decisions.some((d) => d.prune)) {
    // Under the ledger's lock, and decided again under it: an apply or undo may have started.
    const ledgers = new Set(decisions.filter((d) => d.prune).map((d) => d.quarantine.ledger));
    if (ledgers.size > 1) throw new UserError(`${backupDir} holds quarantines of ${ledgers.size} ledgers; prune one ledger at a time.`, { hint: 'Use --ledger L.' });
    const [ledger] = ledgers;
    await withLock(path.join(ledger ?? backupDir, LOCK_FILE), { purpose: 'prune' }, async () => {
      ({ decisions, problems } = await decide());
      for (const d of decisions.filter((x) => x.prune)) {
        await deleteQuarantine(d.quarantine.dir);
        deleted.push(d);
      }
    });
  }
  const going = decisions.filter((d) => d.prune);
  const bytes = going.reduce((sum, d) => sum + d.bytes, 0);
  if (args.json) {
    ctx.stdout.write(
      toJson({
        schemaVersion: 1,
        command: 'prune',
        backupDir,
        deleted: args.yes,
        quarantines: decisions.map((d) => ({ dir: d.quarantine.dir, state: d.quarantine.state, createdAt: d.quarantine.createdAt, prune: d.prune, reason: d.reason, bytes: d.bytes })),
        problems: problemsJson(problems),
      }) + '\n',
    );
    return ExitCode.Ok;
  }
  writeListingHeader(ctx.stdout, backupDir, decisions.length, problems.length);
  for (const d of decisions) {
    const verb = d.prune ? (args.yes ? 'deleted ' : 'would delete') : 'keeps   ';
    ctx.stdout.write(`  ${verb.padEnd(12)}  ${path.basename(d.quarantine.dir)}  ${d.quarantine.state.padEnd(13)} ${formatBytes(d.bytes).padStart(9)}  ${d.reason}\n`);
  }
  for (const p of problems) ctx.stdout.write(`  keeps         ${path.basename(p.dir)}: cannot be read (${p.error.message})\n`);
  if (going.length === 0) ctx.stdout.write('Nothing to delete.\n');
  else if (args.yes) ctx.stdout.write(`Deleted ${deleted.length} quarantine(s), up to ${formatBytes(bytes)} (safety copies that are hard links free space only with their original).\n`);
  else ctx.stdout.write(`Would delete ${going.length} quarantine(s), up to ${formatBytes(bytes)}. Run again with --yes to delete them.\n`);
  return ExitCode.Ok;
}
