import { chmod, mkdir, symlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { QuarantineItem } from '../../src/ops/quarantine.js';
import { writeRandom } from './helpers.js';

/**
 * A small ledger-like tree: two archive folders and a bank-snapshot-like folder, with the items
 * a plan would quarantine (files, a folder with a nested folder and a symlink, a symlink).
 */
export async function makeLedger(ledger: string): Promise<{ items: QuarantineItem[]; roots: string[] }> {
  const snapshots = path.join(ledger, 'snapshots');
  const incremental = path.join(ledger, 'incremental');
  const bank = path.join(ledger, 'bank');
  await writeRandom(path.join(snapshots, 'snapshot-100-AAA.tar.zst'), 300_000);
  await writeRandom(path.join(snapshots, 'snapshot-200-BBB.tar.zst'), 5_000_000);
  await writeRandom(path.join(snapshots, 'keep-me.txt'), 100);
  await writeRandom(path.join(incremental, 'incremental-snapshot-100-150-CCC.tar.zst'), 50_000);
  await writeRandom(path.join(incremental, 'nested', 'deep', 'incremental-snapshot-100-160-DDD.tar.zst'), 10_000);
  await writeRandom(path.join(bank, '300', 'state', 'status_cache'), 70_000);
  await writeRandom(path.join(bank, '300', '300'), 1_234);
  await writeRandom(path.join(bank, '300', 'empty-file'), 0);
  await mkdir(path.join(bank, '300', 'empty-dir'), { recursive: true });
  await symlink('../state/status_cache', path.join(bank, '300', 'link-in-dir'));
  await symlink('snapshot-200-BBB.tar.zst', path.join(snapshots, 'latest'));
  await chmod(path.join(bank, '300', '300'), 0o640);
  await utimes(path.join(snapshots, 'snapshot-200-BBB.tar.zst'), new Date('2024-05-01T00:00:00Z'), new Date('2024-05-01T00:00:00Z'));
  const item = (root: string, relativePath: string, label?: string): QuarantineItem => ({
    source: path.join(root, relativePath),
    root,
    relativePath,
    label,
  });
  return {
    roots: [snapshots, incremental, bank],
    items: [
      item(snapshots, 'snapshot-200-BBB.tar.zst', 'full archive 200'),
      item(snapshots, 'latest'),
      item(incremental, 'incremental-snapshot-100-150-CCC.tar.zst'),
      item(incremental, 'nested/deep/incremental-snapshot-100-160-DDD.tar.zst'),
      item(bank, '300', 'bank snapshot 300'),
    ],
  };
}
