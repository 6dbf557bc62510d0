import type { CommandDefinition } from './define-command.js';
import { blockstoreCommand } from './commands/blockstore.js';
import { planCommand } from './commands/plan.js';

/** Every command, in the order `--help` lists them. */
export const commands: readonly CommandDefinition<never>[] = [planCommand as CommandDefinition<never>, blockstoreCommand as CommandDefinition<never>];
