import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
// The stand-in ledger tool's own value functions, so the announcement written here is one it can match.
import { bankHash, shredVersion } from '../../fixtures/bin/agave-values.mjs';
import { installFakeLedgerTool } from './fake-ledger-tool.js';
import { archiveBytes, fullName, incrementalName, touch } from './ledger-tree.js';
import { tempDir } from './temp-dir.js';

export const ANNOUNCEMENTS = path.resolve(import.meta.dirname, '../../fixtures/announcements');

/**
 * The two announcement shapes, with a genesis hash for each that makes compute_shred_version
 * over the announced hard fork give the announced shred version. Found by trying
 * base58(sha256("snapplan test genesis <date> N")) for N = 0, 1, … (N = 20477 and 24338); the
 * test in restart-e2e.test.ts checks it, and that a hard fork one slot off gives another value.
 */
export const SHAPES = {
  jan2026: {
    file: 'testnet-2026-01-22.yaml',
    X: 383520371n,
    R: 383520372n,
    hardFork: 383520372n,
    shredVersion: 27350,
    gate: '5syhxu91W32HXjswMSToKdj9o123MY7XRULdjfiXx54p',
    genesis: '5dwECKXx6HRKqhUSFifVWNfuMDLHbc54JUV5SjKz1CZD',
    version: 'agave-ledger-tool 3.1.7 (src:4f0c1e0b; feat:1620780344, client:Agave)',
    base: { full: 383400000, incremental: 383520000 },
  },
  feb2024: {
    file: 'testnet-2024-02-21.yaml',
    X: 254108256n,
    R: 254108257n,
    hardFork: 254108256n,
    shredVersion: 35459,
    gate: 'CYA132Tt19AYuUUA7YwBZ5R1bKLTHk5BwmWYYhh7vVGv',
    genesis: 'DM8B5ksttnpX2WwdbvvyvifuRw7aVDRawrjfApQgQ9Zx',
    version: 'solana-ledger-tool 1.17.22 (src:6d1c9a41; feat:3580551090, client:SolanaLabs)',
    base: { full: 254000000, incremental: 254108000 },
  },
} as const;

export type Shape = (typeof SHAPES)[keyof typeof SHAPES];

/** The bank hash the stand-in will print for this shape's announced run. */
export function expectedBankHash(shape: Shape): string {
  return bankHash(shape.R, shape.genesis, [[shape.hardFork, 1n]], ['--deactivate-feature-gate', shape.gate]);
}

export { shredVersion };

/**
 * A ledger ready for the announced restart: a full + incremental base below X, newer archives
 * after X to move aside, the stand-in ledger tool (with this cluster's genesis hash) answering
 * bounds, and the shipped announcement file copied next to it with the bank hash the stand-in
 * will produce (the shipped file's hash is illustrative). `edit` changes the announcement text.
 */
export async function announcementLedger(shape: Shape, options: { version?: string; edit?: (yaml: string) => string } = {}) {
  const root = await tempDir();
  const L = path.join(root, 'ledger');
  await touch(L, fullName(shape.base.full), archiveBytes(fullName(shape.base.full), 'full archive\n'.repeat(20)));
  await touch(L, incrementalName(shape.base.full, shape.base.incremental));
  await touch(L, fullName(Number(shape.X) + 500));
  await touch(L, incrementalName(Number(shape.X) + 500, Number(shape.X) + 700));
  const bin = await installFakeLedgerTool(root, {
    version: options.version ?? shape.version,
    bounds: {
      slots: { total: 120001, first: String(shape.base.incremental - 100000), last: String(shape.X + 20000n) },
      roots: { total: 119990, first: String(shape.base.incremental - 100000), last: String(shape.X + 19990n), numAfterLastRoot: 10 },
    },
    genesisHash: shape.genesis,
  });
  const shipped = await readFile(path.join(ANNOUNCEMENTS, shape.file), 'utf8');
  const yaml = shipped.replace(/^expected-bank-hash: .*$/m, `expected-bank-hash: ${expectedBankHash(shape)}`);
  const announcement = path.join(root, shape.file);
  await writeFile(announcement, options.edit ? options.edit(yaml) : yaml);
  const env = { PATH: `${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin` };
  return { root, L, bin, env, announcement };
}
