import type { ReportedError } from '../../output/render-error.js';
import type { CliContext } from '../context.js';
import { writeError } from '../write-error.js';

/** The error of a job that still produced a result document: one sentence, the tool's tail, the hint. */
export function reportFailure(ctx: CliContext, error: ReportedError): void {
  writeError(ctx, error);
}
