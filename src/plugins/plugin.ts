import type { ArchiveGroup } from '../ops/archive.js';
import type { Placement } from '../ops/restore-swap.js';

/**
 * One chain, described for the shared steps (src/ops): where its data and config live, how to
 * tell its version and health, what an archive is named, what a restore must check. Plugins do
 * no stopping, archiving or uploading themselves; the jobs (src/jobs/backup.ts, restore.ts) do,
 * the same way for every chain.
 */
export type ChainId = 'stacks' | 'loom' | 'generic';
export type BackupSet = 'data' | 'config';

/** A step's or a check's result: done, not applicable (and why), or failed with a stable code. */
export type Outcome<T> =
  | { readonly status: 'ok'; readonly value: T }
  | { readonly status: 'skipped'; readonly reason: string }
  | { readonly status: 'failed'; readonly code: string; readonly message: string };

export const ok = <T>(value: T): Outcome<T> => ({ status: 'ok', value });
export const skipped = <T>(reason: string): Outcome<T> => ({ status: 'skipped', reason });
export const failed = <T>(code: string, message: string): Outcome<T> => ({ status: 'failed', code, message });

export interface NodeHealth {
  /** The chain height the node reports (Stacks: stacks_tip_height; Loom: latest_block_height). */
  readonly height: number | null;
  readonly burnHeight?: number | null | undefined;
  readonly serverVersion?: string | null | undefined;
  /** mainnet / testnet, when the node says. */
  readonly network?: string | null | undefined;
}

export interface PluginEnv {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly signal?: AbortSignal | undefined;
}

export interface NameInfo {
  readonly now: Date;
  readonly dataDir: string;
  readonly host: string;
  readonly set: BackupSet;
  readonly version: string | null;
  readonly network: string | null;
}

/** What a restore found out about the archive (from its manifest or its name). */
export interface ArchiveFacts {
  readonly name: string;
  readonly manifest: Readonly<Record<string, unknown>> | null;
}

export interface Finding {
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly remedy?: string | undefined;
}

export interface ChainPlugin {
  readonly id: ChainId;
  /** systemd unit (or container) used when --service is not given; undefined: must be named. */
  readonly defaultService: string | undefined;
  /** Health endpoint used when --rpc is not given; undefined: no health check. */
  readonly defaultRpc: string | undefined;
  readonly sets: readonly BackupSet[];
  /** The data folder from the flag or the chain's own setting; throws a UserError when neither. */
  dataDir(given: string | undefined, env: PluginEnv): string;
  /** What goes into the archive of a set: tar groups (relative paths), and how a restore places it. */
  layout(dataDir: string, set: BackupSet, options: { unitFile?: string | undefined }): { groups: ArchiveGroup[]; restore: 'folder' | 'members' };
  /** Where each extracted entry goes (`topLevel` is what the archive holds at its root). */
  placements(dataDir: string, set: BackupSet, topLevel: readonly string[]): Outcome<Placement[]>;
  version(env: PluginEnv): Promise<Outcome<string>>;
  health(rpc: string, env: PluginEnv): Promise<Outcome<NodeHealth>>;
  archiveName(info: NameInfo): string;
  /** The set and time an archive holds, from its manifest or name, for ordering and refusals. */
  describeArchive(facts: ArchiveFacts): { set: BackupSet | null; createdAt: Date | null; version: string | null };
  /**
   * Which node made an archive and when, from its name alone (retention groups and orders the
   * archives that have no manifest this way); null when the name is not one this chain writes.
   */
  identifyArchive(name: string): { node: string; createdAt: string } | null;
  /** Before anything is stopped: refusals (archive newer than the binary…). */
  checkBeforeRestore(facts: ArchiveFacts, env: PluginEnv): Promise<Finding[]>;
  /** After the swap, before the start (Loom: node key against the unit's peers). */
  checkAfterSwap(dataDir: string, env: PluginEnv, options: { unitFile?: string | undefined; restoredUnit?: string | undefined }): Promise<Finding[]>;
  /** After the start: healthy, and (Stacks) the tip height growing. */
  confirmRestored(rpc: string, env: PluginEnv, options: { timeoutMs: number; growBlocks: number }): Promise<Outcome<NodeHealth>>;
}
