import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const FAKE_TOOL_SCRIPT = path.resolve(import.meta.dirname, '../../fixtures/bin/agave-ledger-tool.mjs');

export interface FakeToolConfig {
  version: string;
  bounds?: {
    slots: { total: number | string; first: number | string; last: number | string } | null;
    roots: { total: number | string; first: number | string; last: number | string; numAfterLastRoot?: number } | null;
  };
  textOnly?: boolean;
  hangSeconds?: number;
  fail?: { exitCode: number; stderr: string };
  rawBounds?: string;
  genesisHash?: string;
  hardForks?: Array<[number, number]>;
  createSeconds?: number;
  capitalizationChange?: number;
  emptiesSnapshotFolder?: boolean;
  /** Rows for `latest-optimistic-slots`: the subcommand answers only when this is set. */
  latestOptimisticSlots?: Array<{ slot: number; hash: string | null; timestampMs: number | null; voteOnly: boolean }>;
}

/** Real `--version` lines by release (agave#3198 log; version/src/v4.rs format). */
export const VERSIONS = {
  solana114: 'solana-ledger-tool 1.14.17 (src:b29a37cf; feat:3488713414)',
  agave118: 'agave-ledger-tool 1.18.26 (src:c2b35002; feat:3241752014, client:Agave)',
  agave2: 'agave-ledger-tool 2.1.13 (src:67412607; feat:1725507508, client:Agave)',
  agave3: 'agave-ledger-tool 3.0.6 (src:a1b2c3d4; feat:3604001754, client:Agave)',
  agave4: 'agave-ledger-tool 4.0.0-rc.1 (src:0b0cc5c7; feat:d6f1a2b3, client:Agave)',
} as const;

/**
 * Puts the stand-in ledger tool into `<dir>/bin/<name>` with its config beside it and
 * returns the bin folder, to be put first on PATH (or named with --ledger-tool).
 */
export async function installFakeLedgerTool(dir: string, config: FakeToolConfig, name = 'agave-ledger-tool'): Promise<string> {
  const bin = path.join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  await symlink(FAKE_TOOL_SCRIPT, path.join(bin, name));
  await writeFile(path.join(bin, 'ledger-tool.json'), JSON.stringify(config));
  return bin;
}
