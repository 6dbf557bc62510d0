import type { Slot } from '../core/slot.js';
import { utcStamp } from '../core/time.js';

// Apart from quarantine-dir.ts so that `plan`, which names the folder in its printed commands,
// does not load the journal and the move engine.

/** `snapplan-<UTC yyyymmddThhmmssZ>-slot-<X>`, with `-2`, `-3`… when two runs share a second. */
export const QUARANTINE_FOLDER_PATTERN = /^snapplan-([0-9]{8}T[0-9]{6}Z)-slot-([0-9]+)(?:-([0-9]+))?$/;

export function quarantineFolderName(now: Date, slot: Slot, sequence = 1): string {
  return `snapplan-${utcStamp(now)}-slot-${slot}${sequence > 1 ? `-${sequence}` : ''}`;
}
