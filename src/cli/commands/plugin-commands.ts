import type { CommandDefinition } from '../define-command.js';

/** Backup, restore and volume-snapshot commands for the chain plugins (src/plugins). */
export const pluginCommands: readonly CommandDefinition<never>[] = [];
