import type { CommandDefinition } from '../define-command.js';

/** The interactive app's commands (src/ui). */
export const uiCommands: readonly CommandDefinition<never>[] = [];
