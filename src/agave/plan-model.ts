import type { Slot, SlotRange } from '../core/slot.js';
import type { BlockstoreSourceId, ChainCheck } from './blockstore/blockstore-source.js';
import type { Finding } from './findings.js';
import type { IgnoredEntry, LedgerFolders, SnapshotArchive } from './inventory.js';
import type { FlagEra } from './ledger-tool/version.js';

export interface PlanRequest {
  readonly target: Slot;
  /** Detected ledger-tool version (semver), or null when unknown. */
  readonly ledgerToolVersion: string | null;
  /** The binary to name in the printed commands. */
  readonly ledgerToolCommand: string;
  /** Folder that receives moved-aside items (`--backup-dir`). */
  readonly backupDir: string;
  /** Wall-clock time, injected so the planner stays pure; names the quarantine folder. */
  readonly now: Date;
  /** For the printed create-snapshot command: the decided hard forks (default X) and the state edits. */
  readonly hardForks?: readonly Slot[] | undefined;
  readonly createSnapshotExtra?: readonly string[] | undefined;
}

export interface QuarantineItem {
  readonly path: string;
  readonly kind: 'full' | 'incremental' | 'bank-snapshot';
  readonly slot: Slot;
  readonly reason: string;
  /** The scanned folder it belongs to (archive folder or bank snapshot folder). */
  readonly root: string;
  /** Its path under `root` (e.g. `remote/snapshot-….tar.zst`, `289625100`). */
  readonly relativePath: string;
  /** Where the plan puts it. */
  readonly destination: string;
}

export interface BlocksVerdict {
  /** (S, X] as an inclusive range, or null without a base. */
  readonly needed: SlotRange | null;
  readonly available: SlotRange | null;
  readonly missing: readonly SlotRange[];
  readonly source: BlockstoreSourceId;
  readonly chain?: ChainCheck | undefined;
}

export interface Plan {
  readonly targetSlot: Slot;
  readonly reachable: boolean;
  readonly base: { readonly full: SnapshotArchive; readonly incremental: SnapshotArchive | null } | null;
  readonly baseSlot: Slot | null;
  readonly blocks: BlocksVerdict;
  readonly quarantineDir: string;
  readonly quarantine: readonly QuarantineItem[];
  readonly findings: readonly Finding[];
  readonly ignored: readonly IgnoredEntry[];
  readonly commands: readonly string[];
  readonly folders: LedgerFolders;
  readonly flagEra: FlagEra;
}
