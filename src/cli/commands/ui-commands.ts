import type { CommandEntry } from '../define-command.js';
import { tuiCommand } from './tui.js';

/** The interactive app's commands (src/ui). */
export const uiCommands: readonly CommandEntry[] = [tuiCommand];
