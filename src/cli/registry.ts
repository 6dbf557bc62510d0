import type { CommandEntry } from './define-command.js';
import { applyCommand } from './commands/apply.js';
import { blockstoreCommand } from './commands/blockstore.js';
import { clusterCommands } from './commands/cluster-commands.js';
import { maintenanceCommands } from './commands/maintenance-commands.js';
import { planCommand } from './commands/plan.js';
import { pluginCommands } from './commands/plugin-commands.js';
import { statusCommand } from './commands/status.js';
import { uiCommands } from './commands/ui-commands.js';
import { undoCommand } from './commands/undo.js';

const agaveCommands: readonly CommandEntry[] = [planCommand, applyCommand, undoCommand, statusCommand, blockstoreCommand];

/** Every command, in the order `--help` lists them: the Agave restart first, then the app, then the plugins. */
export const commands: readonly CommandEntry[] = [
  ...agaveCommands,
  ...uiCommands,
  ...pluginCommands,
  ...maintenanceCommands,
  ...clusterCommands,
];
