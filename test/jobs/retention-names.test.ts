import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromName } from '../../src/jobs/retention.js';
import type { BackupSet } from '../../src/plugins/plugin.js';
import { CHAINS, getPlugin } from '../../src/plugins/registry.js';

describe('retention names archives by asking each chain plugin', () => {
  it('recognises every name a plugin writes, as the node that wrote it, at the time it was written', async () => {
    const plugins = await Promise.all(CHAINS.map((c) => getPlugin(c)));
    const now = new Date('2026-11-21T12:34:56Z');
    const info = { now, dataDir: '/var/lib/node-data', host: 'vm1', set: 'data' as BackupSet, version: '3.1.0.0.8', network: 'mainnet' };
    const expected: Record<string, { node: string; createdAt: string }> = {
      stacks: { node: 'stacks mainnet', createdAt: '2026-11-21T00:00:00.000Z' },
      loom: { node: 'loom vm1', createdAt: '2026-11-21T12:34:56.000Z' },
      generic: { node: `generic ${path.basename(info.dataDir)} vm1`, createdAt: '2026-11-21T12:34:56.000Z' },
    };
    for (const plugin of plugins) {
      // A plugin that renames its archives is followed by retention, with no copy to update.
      expect(fromName(plugin.archiveName(info), plugins)).toEqual(expected[plugin.id]);
    }
  });

  it.each(['notes.tar.zst', 'mainnet-stacks-blockchain-3.1-latest.tar.zst'])('leaves %s alone (no chain writes it)', async (name) => {
    const plugins = await Promise.all(CHAINS.map((c) => getPlugin(c)));
    expect(fromName(name, plugins)).toBeNull();
  });
});
