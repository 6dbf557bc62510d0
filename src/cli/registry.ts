import type { CommandDefinition } from './define-command.js';
import { planCommand } from './commands/plan.js';

/** Every command, in the order `--help` lists them. */
export const commands: readonly CommandDefinition<never>[] = [planCommand as CommandDefinition<never>];
