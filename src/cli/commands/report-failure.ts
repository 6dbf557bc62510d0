import type { ErrorReport } from '../../jobs/steps.js';
import type { CliContext } from '../context.js';

/** The error of a job that still produced a result document: one sentence, the tool's tail, the hint. */
export function reportFailure(ctx: CliContext, error: ErrorReport): void {
  ctx.stderr.write(`snapplan: ${error.message}\n`);
  if (error.outputTail) ctx.stderr.write(error.outputTail.split('\n').map((l) => `  | ${l}`).join('\n') + '\n');
  if (error.hint) ctx.stderr.write(`${error.hint}\n`);
}
