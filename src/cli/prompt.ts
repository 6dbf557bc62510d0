import { createInterface } from 'node:readline/promises';
import { UserError } from '../core/errors.js';
import { canPrompt, type CliContext } from './context.js';

/**
 * Asks a yes/no question on the terminal; the default is no. Without a terminal it never
 * waits: it refuses and names the flag that answers the question.
 */
export async function confirm(ctx: CliContext, question: string, flag: string): Promise<boolean> {
  if (!canPrompt(ctx) || !ctx.stdin) {
    throw new UserError(`Refusing to ask "${question}" without a terminal.`, { hint: `Pass ${flag} to confirm from a script (or --dry-run to only see the steps).` });
  }
  const rl = createInterface({ input: ctx.stdin, output: { write: (t: string) => (ctx.stderr.write(t), true) } as unknown as NodeJS.WritableStream });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
