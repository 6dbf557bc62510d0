import type { CommandEntry } from './define-command.js';
import { applyCommand } from './commands/apply.js';
import { blockstoreCommand } from './commands/blockstore.js';
import { clusterCommands } from './commands/cluster-commands.js';
import { fetchCommand } from './commands/fetch.js';
import { maintenanceCommands } from './commands/maintenance-commands.js';
import { planCommand } from './commands/plan.js';
import { restartFlagsCommand } from './commands/restart-flags.js';
import { pluginCommands } from './commands/plugin-commands.js';
import { pruneCommand } from './commands/prune.js';
import { statusCommand } from './commands/status.js';
import { uiCommands } from './commands/ui-commands.js';
import { undoCommand } from './commands/undo.js';
import { watchCommand } from './commands/watch.js';

const agaveCommands: readonly CommandEntry[] = [planCommand, applyCommand, undoCommand, statusCommand, blockstoreCommand, fetchCommand, pruneCommand, restartFlagsCommand, watchCommand];

/** Every command, in the order `--help` lists them: the Agave restart first, then the app, then the plugins. */
export const commands: readonly CommandEntry[] = [
  ...agaveCommands,
  ...uiCommands,
  ...pluginCommands,
  ...maintenanceCommands,
  ...clusterCommands,
];
