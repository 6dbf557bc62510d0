import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LedgerTool } from '../../src/agave/ledger-tool/ledger-tool.js';
import { parseLatestOptimisticSlots } from '../../src/agave/ledger-tool/latest-optimistic-slots.js';
import { installFakeLedgerTool, VERSIONS } from '../support/fake-ledger-tool.js';
import { tempDir } from '../support/temp-dir.js';

const HASH = '5rCMtQsbjyT5Zd4x4Mt2KdSdnKfmT7gRCGWkRX63hCXf';
// println!("{:>20} {:>44} {:>32} {:>13}", …) as ledger-tool/src/blockstore.rs prints it.
const row = (a: string, b: string, c: string, d: string) => `${a.padStart(20)} ${b.padStart(44)} ${c.padStart(32)} ${d.padStart(13)}`;

describe('parseLatestOptimisticSlots', () => {
  it('reads the rows newest first, with Unknown as null', () => {
    const text = [
      row('Slot', 'Hash', 'Timestamp', 'Vote Only?'),
      row('289625410', HASH, '2024-03-07T12:00:01.250+00:00', 'false'),
      row('289625409', 'Unknown', 'Unknown', 'true'),
      '',
    ].join('\n');
    expect(parseLatestOptimisticSlots(text)).toEqual([
      { slot: 289625410n, bankHash: HASH, timestamp: '2024-03-07T12:00:01.250+00:00', voteOnly: false },
      { slot: 289625409n, bankHash: null, timestamp: null, voteOnly: true },
    ]);
  });

  it('accepts the "Bank Hash" header, an empty table, and keeps u64 slots exact', () => {
    const text = `${row('Slot', 'Bank Hash', 'Timestamp', 'Vote Only?')}\n${row('18446744073709551615', HASH, 'Unknown', 'false')}\n`;
    expect(parseLatestOptimisticSlots(text)?.[0]?.slot).toBe(18446744073709551615n);
    expect(parseLatestOptimisticSlots(`${row('Slot', 'Hash', 'Timestamp', 'Vote Only?')}\n`)).toEqual([]);
  });

  it('returns null for output without the header', () => {
    expect(parseLatestOptimisticSlots('')).toBeNull();
    expect(parseLatestOptimisticSlots('error: The subcommand wasn\'t recognized\n')).toBeNull();
  });
});

describe('LedgerTool.latestOptimisticSlots (stand-in tool)', () => {
  it('asks the tool and parses its table', async () => {
    const root = await tempDir();
    const bin = await installFakeLedgerTool(root, { version: VERSIONS.agave2 });
    // The field is the stand-in's own; FakeToolConfig does not list it.
    const config = { version: VERSIONS.agave2, latestOptimisticSlots: [
      { slot: 289624981, hash: HASH, timestampMs: 1709812800000, voteOnly: false },
      { slot: 289624982, hash: null, timestampMs: null, voteOnly: true },
    ] };
    await writeFile(path.join(bin, 'ledger-tool.json'), JSON.stringify(config));
    const tool = new LedgerTool({ path: path.join(bin, 'agave-ledger-tool'), timeoutMs: 10_000 });
    expect(await tool.latestOptimisticSlots(path.join(root, 'ledger'), 5)).toEqual([
      { slot: 289624982n, bankHash: null, timestamp: null, voteOnly: true },
      { slot: 289624981n, bankHash: HASH, timestamp: '2024-03-07T12:00:00+00:00', voteOnly: false },
    ]);
  });

  it('fails with the tool\'s error when the release has no such subcommand', async () => {
    const root = await tempDir();
    const bin = await installFakeLedgerTool(root, { version: VERSIONS.agave2 });
    const tool = new LedgerTool({ path: path.join(bin, 'agave-ledger-tool'), timeoutMs: 10_000 });
    await expect(tool.latestOptimisticSlots(path.join(root, 'ledger'))).rejects.toThrow(/latest-optimistic-slots/);
  });
});
