import { open } from 'node:fs/promises';
import path from 'node:path';
import { undoQuarantine } from '../../agave/apply/undo-service.js';
import { ExitCode } from '../../core/exit-codes.js';
import { toJson } from '../../output/json.js';
import type { CliContext } from '../context.js';
import type { UndoArgs } from './undo.js';
import { requireDirectory, requireQuarantineJournal } from '../path-checks.js';
import { defaultArgs } from '../define-command.js';
import { k8sUndoOptions } from './k8s.js';

/** Exit 0 when everything is back; 2 when an item was refused (something took its place); 1 when one is missing. */
export async function undoHandler(args: UndoArgs, ctx: CliContext): Promise<number> {
  // One `undo` for every journal snapplan writes: a k8s job's journal scales its StatefulSet back.
  if (args.journal !== undefined && (await isK8sJobJournal(path.resolve(ctx.cwd, args.journal)))) {
    const { k8sUndoHandler } = await import('./k8s-handler.js');
    return k8sUndoHandler({ ...defaultArgs(k8sUndoOptions), journal: path.resolve(ctx.cwd, args.journal), json: args.json }, ctx);
  }
  if (args.journal !== undefined) await requireQuarantineJournal(ctx.cwd, args.journal);
  else if (args.ledger !== undefined) await requireDirectory(ctx.cwd, args.ledger, '--ledger', 'the validator\'s ledger folder');
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

/** A k8s job journal starts with `{"type":"begin","schemaVersion":1,"job":…}` (src/plugins/k8s/replica-journal.ts). */
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
