import type { Argv } from 'yargs';
import type { CliContext } from './context.js';

/**
 * A command as data: yargs wiring (`builder`) and a handler that maps parsed flags to a
 * service call and returns the exit code. Only `register.ts` turns these into yargs calls.
 */
export interface CommandDefinition<A = Record<string, unknown>> {
  readonly command: string;
  readonly aliases?: readonly string[];
  readonly describe: string;
  readonly builder: (yargs: Argv) => Argv;
  /** Loaded lazily so that `plan` never pays for what other commands import. */
  readonly handler: () => Promise<(args: A, ctx: CliContext) => Promise<number>>;
}

export function defineCommand<A>(definition: CommandDefinition<A>): CommandDefinition<A> {
  return definition;
}
