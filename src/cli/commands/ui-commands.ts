import type { CommandDefinition } from '../define-command.js';
import { tuiCommand } from './tui.js';

/** The interactive app's commands (src/ui). */
export const uiCommands: readonly CommandDefinition<never>[] = [tuiCommand as CommandDefinition<never>];
