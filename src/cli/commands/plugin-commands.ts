import type { CommandDefinition } from '../define-command.js';
import { backupCommand } from './backup.js';
import { restoreCommand } from './restore.js';

/** Backup, restore and volume-snapshot commands for the chain plugins (src/plugins). */
export const pluginCommands: readonly CommandDefinition<never>[] = [backupCommand, restoreCommand] as readonly CommandDefinition<never>[];
