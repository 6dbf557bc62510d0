import { renderError } from '../output/render-error.js';
import type { CliContext } from './context.js';
import { versionInfo } from './version.js';

/**
 * Writes an error to stderr the one way (output/render-error.ts): thrown errors in main(), and
 * the failures that jobs report in their result documents.
 */
export function writeError(ctx: Pick<CliContext, 'stderr' | 'env' | 'cwd'>, error: unknown, command?: string): void {
  const debug = ctx.env['SNAPPLAN_DEBUG'] !== undefined && ctx.env['SNAPPLAN_DEBUG'] !== '' && ctx.env['SNAPPLAN_DEBUG'] !== '0';
  ctx.stderr.write(renderError(error, { versions: versionInfo, debug, command, cwd: ctx.cwd }));
}
