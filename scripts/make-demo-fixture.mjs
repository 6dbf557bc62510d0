#!/usr/bin/env node
// Regenerates fixtures/demo/: a testnet-restart ledger as a validator leaves it when it ran
// past the restart slot (the Aug 2024 testnet restart at slot 289624982). Archives are small
// stand-in files with real names; hashes are base58 of 32 deterministic bytes.
// Usage: node scripts/make-demo-fixture.mjs
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import bs58 from 'bs58';

const root = path.resolve(import.meta.dirname, '../fixtures/demo');
const ledger = path.join(root, 'ledger');
rmSync(ledger, { recursive: true, force: true });
const hash = (seed) => bs58.encode(createHash('sha256').update(seed).digest());
const file = (rel, body = `stand-in for ${path.basename(rel)}\n`) => {
  mkdirSync(path.dirname(path.join(ledger, rel)), { recursive: true });
  writeFileSync(path.join(ledger, rel), body);
};
const full = (slot) => `snapshot-${slot}-${hash(`full-${slot}`)}.tar.zst`;
const incr = (base, slot) => `incremental-snapshot-${base}-${slot}-${hash(`inc-${base}-${slot}`)}.tar.zst`;
const bank = (slot) => {
  file(`snapshots/${slot}/version`, '1.2.0');
  file(`snapshots/${slot}/${slot}`, 'stand-in bank\n');
  file(`snapshots/${slot}/status_cache`, 'stand-in status cache\n');
};

file(full(289600000));
file(full(289625000)); // taken after the restart slot: cause 3
file(incr(289600000, 289624800));
file(incr(289600000, 289624900)); // the base: highest incremental on 289600000 below X
file(incr(289625000, 289625100));
file(incr(289625000, 289625200));
file(`remote/${full(289550000)}`); // downloaded at bootstrap, long ago
file('tmp-snapshot-archive-289625300.tar.zst'); // an archive being written when the node stopped
file(`remote/${full(289500000)}.tmp`, ''); // an interrupted download
bank(289624900);
bank(289625100); // newer than X: the restarted validator would fast-boot from it
file('genesis.bin', 'stand-in genesis\n');
file('rocksdb/README', 'The stand-in agave-ledger-tool answers `bounds` from ../bin/ledger-tool.json.\n');

writeFileSync(
  path.join(root, 'bin/ledger-tool.json'),
  JSON.stringify(
    {
      version: 'agave-ledger-tool 2.0.21 (src:8ba8e1cb; feat:607245837, client:Agave)',
      bounds: {
        slots: { total: 34912, first: 289590120, last: 289625410 },
        roots: { total: 34870, first: 289590120, last: 289625380, numAfterLastRoot: 30 },
      },
    },
    null,
    2,
  ) + '\n',
);
console.log(`wrote ${ledger}`);
