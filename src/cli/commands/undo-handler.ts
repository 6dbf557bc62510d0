import { undoQuarantine } from '../../agave/apply/undo-service.js';
import { ExitCode } from '../../core/exit-codes.js';
import { toJson } from '../../output/json.js';
import type { CliContext } from '../context.js';
import type { UndoArgs } from './undo.js';

/** Exit 0 when everything is back; 2 when an item was refused (something took its place); 1 when one is missing. */
export async function undoHandler(args: UndoArgs, ctx: CliContext): Promise<number> {
  const { quarantine, result, recreated } = await undoQuarantine(
    { journal: args.journal, ledger: args.ledger, backupDir: args.backupDir, forceCopy: args.forceCopy },
    { cwd: ctx.cwd, signal: ctx.signal, onProgress: args.json ? undefined : (text) => ctx.stderr.write(`  ${text}\n`) },
  );
  if (args.json) {
    ctx.stdout.write(
      toJson({
        schemaVersion: 1,
        command: 'undo',
        ok: result.conflicts.length === 0 && result.missing.length === 0,
        journal: result.journalPath,
        restored: result.restored,
        items: result.items.map((i) => ({ source: i.source, from: i.destination, outcome: i.outcome })),
        conflicts: result.conflicts.map((c) => ({ path: c.source, inTheWay: c.paths, message: c.message })),
        missing: result.missing,
        kept: result.kept.map((k) => ({ source: k.source, copy: k.destination })),
        recreated: recreated.map((r) => ({ path: r.source, from: r.from, method: r.method })),
        state: quarantine.state,
      }) + '\n',
    );
  } else {
    ctx.stdout.write(`Put back ${result.restored} item(s) from ${quarantine.dir} (state: ${quarantine.state}).\n`);
    for (const c of result.conflicts) ctx.stdout.write(`✘ not put back: ${c.message}\n`);
    for (const m of result.missing) ctx.stdout.write(`✘ missing: ${m} is neither in its place nor in the quarantine\n`);
    for (const r of recreated) ctx.stdout.write(`✔ re-created ${r.source} from its safety copy (it had disappeared)\n`);
    if (result.kept.length > 0) ctx.stdout.write(`The safety copies of the base archives stay in ${quarantine.dir}/kept (delete the folder when done).\n`);
  }
  if (result.missing.length > 0) return ExitCode.Failed;
  if (result.conflicts.length > 0) {
    ctx.stderr.write('snapplan: some items were not put back because something now occupies their place.\n');
    ctx.stderr.write('Move what is in the way aside (compare it first), then run undo again: finished items are skipped.\n');
    return ExitCode.Usage;
  }
  return ExitCode.Ok;
}
