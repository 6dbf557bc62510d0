import type { CommandDefinition } from './define-command.js';
import { applyCommand } from './commands/apply.js';
import { blockstoreCommand } from './commands/blockstore.js';
import { planCommand } from './commands/plan.js';
import { statusCommand } from './commands/status.js';
import { undoCommand } from './commands/undo.js';

/** Every command, in the order `--help` lists them. */
export const commands: readonly CommandDefinition<never>[] = [
  planCommand as CommandDefinition<never>,
  applyCommand as CommandDefinition<never>,
  undoCommand as CommandDefinition<never>,
  statusCommand as CommandDefinition<never>,
  blockstoreCommand as CommandDefinition<never>,
];
