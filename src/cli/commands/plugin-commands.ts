import type { CommandEntry } from '../define-command.js';
import { backupCommand } from './backup.js';
import { restoreCommand } from './restore.js';

/** Backup, restore and volume-snapshot commands for the chain plugins (src/plugins). */
export const pluginCommands: readonly CommandEntry[] = [backupCommand, restoreCommand];
