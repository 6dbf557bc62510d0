import { inspectBlockstore } from '../../agave/blockstore-service.js';
import { ExitCode } from '../../core/exit-codes.js';
import { parseSlotArg } from '../../core/slot.js';
import { toJson } from '../../core/json.js';
import { blockstoreDocument } from '../../output/blockstore-report.js';
import { countProgress } from '../../output/count-progress.js';
import { folderOptions } from '../options/ledger-options.js';
import { colorLevel, type CliContext } from '../context.js';
import type { BlockstoreArgs } from './blockstore.js';
import { ledgerToolTimeoutMs } from './shared-args.js';

/** Exit 0 when read (and the chain, if asked, is complete); 3 when the chain is broken. */
export async function blockstoreHandler(args: BlockstoreArgs, ctx: CliContext): Promise<number> {
  const outcome = await inspectBlockstore(
    {
      folders: folderOptions(args),
      boundsFrom: args.boundsFrom,
      target: args.slot === undefined ? undefined : parseSlotArg(args.slot, '--slot'),
      base: args.base === undefined ? undefined : parseSlotArg(args.base, '--base'),
      ledgerTool: args.ledgerTool,
      ledgerToolTimeoutMs: ledgerToolTimeoutMs(args.ledgerToolTimeout),
      onCountProgress: countProgress(() => ctx.now().getTime(), (line) => ctx.stderr.write(line)),
    },
    { cwd: ctx.cwd, env: ctx.env, now: ctx.now(), signal: ctx.signal },
  );
  if (args.json) ctx.stdout.write(toJson(blockstoreDocument(outcome)) + '\n');
  else {
    const [{ Chalk }, { renderBlockstoreText }] = await Promise.all([import('chalk'), import('../../output/blockstore-report.js')]);
    ctx.stdout.write(renderBlockstoreText(outcome, new Chalk({ level: colorLevel(ctx) })));
  }
  return outcome.report.chain && !outcome.report.chain.complete ? ExitCode.NotReachable : ExitCode.Ok;
}
