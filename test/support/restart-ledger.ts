import { cp } from 'node:fs/promises';
import path from 'node:path';
import { installFakeLedgerTool, VERSIONS, type FakeToolConfig } from './fake-ledger-tool.js';
import { archiveBytes, bankSnapshot, fullName, incrementalName, touch } from './ledger-tree.js';
import { tempDir } from './temp-dir.js';

// The demo's real RocksDB blockstore (written by ldb: scripts/make-demo-fixture.mjs) and what
// `agave-ledger-tool bounds` reports for it, so both sources describe the same ledger.
export const DEMO_ROCKSDB = path.resolve(import.meta.dirname, '../../fixtures/demo/ledger/rocksdb');
export const DEMO_BOUNDS: NonNullable<FakeToolConfig['bounds']> = {
  slots: { total: 1303, first: 289624000, last: 289625410 },
  roots: { total: 1275, first: 289624000, last: 289625380, numAfterLastRoot: 28 },
};
export const X = '289624982';

/**
 * A testnet-restart ledger where the validator ran past X (cause 3): base full 289600000 +
 * incremental 289624900, a newer full and incremental, a bank snapshot after X, an in-progress
 * archive, a real blockstore; and the stand-in ledger tool in `<root>/bin`, first on `env.PATH`.
 */
export async function restartLedger(config: Partial<FakeToolConfig> = {}, toolName = 'agave-ledger-tool') {
  const root = await tempDir();
  const L = path.join(root, 'ledger');
  await touch(L, fullName(289600000), archiveBytes(fullName(289600000), 'full archive 289600000\n'.repeat(50)));
  await touch(L, incrementalName(289600000, 289624900));
  await touch(L, fullName(289625000));
  await touch(L, incrementalName(289625000, 289625100));
  await touch(L, `remote/${fullName(289550000)}`);
  await touch(L, 'tmp-snapshot-archive-289625300.tar.zst');
  await cp(DEMO_ROCKSDB, path.join(L, 'rocksdb'), { recursive: true });
  await bankSnapshot(path.join(L, 'snapshots'), 289625100);
  const bin = await installFakeLedgerTool(root, { version: VERSIONS.agave2, bounds: DEMO_BOUNDS, ...config }, toolName);
  const env = { PATH: `${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin` };
  return { root, L, bin, env };
}
