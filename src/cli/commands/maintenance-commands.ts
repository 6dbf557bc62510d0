import type { CommandEntry } from '../define-command.js';
import { retentionCommand } from './retention.js';
import { scheduleCommand } from './schedule.js';
import { volumeSnapshotCommand } from './volume-snapshot.js';

/** Volume snapshots, retention and scheduling around `backup` (issue 6). */
export const maintenanceCommands: readonly CommandEntry[] = [volumeSnapshotCommand, retentionCommand, scheduleCommand];
