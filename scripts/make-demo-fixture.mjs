#!/usr/bin/env node
// Regenerates fixtures/demo/: a testnet-restart ledger as a validator leaves it when it ran
// past the restart slot (the Aug 2024 testnet restart at slot 289624982). Archives are small
// but real tar.zst files (one `version` entry, made by GNU tar and zstd: plan checks the header
// of every archive it may use as a base) with real names; hashes are base58 of 32 deterministic bytes.
// The blockstore (rocksdb/) is a real RocksDB written by Debian's `ldb` (rocksdb-tools):
// slots 289624000..289625410 with Agave's column families, every 13th slot skipped by its
// leader, roots up to 289625380. The stand-in ledger tool's `bounds` answer is derived from
// the same data, so both sources agree.
// Usage: node scripts/make-demo-fixture.mjs      (needs: apt-get install -y rocksdb-tools tar zstd)
//        node scripts/make-demo-fixture.mjs --archives-only   (rewrites the archives, nothing else)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import bs58 from 'bs58';
import { encodeSlotMeta, slotKey } from './fixtures/blockstore-scenario.mjs';

const root = path.resolve(import.meta.dirname, '../fixtures/demo');
const ledger = path.join(root, 'ledger');
const archivesOnly = process.argv.includes('--archives-only');
if (!archivesOnly) rmSync(ledger, { recursive: true, force: true });
const hash = (seed) => bs58.encode(createHash('sha256').update(seed).digest());
const file = (rel, body = `stand-in for ${path.basename(rel)}\n`) => {
  mkdirSync(path.dirname(path.join(ledger, rel)), { recursive: true });
  writeFileSync(path.join(ledger, rel), body);
};
// A real archive: tar (fixed owner and time, so the bytes do not change between runs) | zstd.
const archive = (rel) => {
  const staging = mkdtempSync(path.join(os.tmpdir(), 'snapplan-demo-'));
  writeFileSync(path.join(staging, 'version'), `stand-in for ${path.basename(rel)}\n`);
  const tar = execFileSync('tar', ['--format=ustar', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@1723000000', '-C', staging, '-cf', '-', 'version']);
  rmSync(staging, { recursive: true });
  file(rel, execFileSync('zstd', ['-q', '-19', '-c'], { input: tar }));
};
const full = (slot) => `snapshot-${slot}-${hash(`full-${slot}`)}.tar.zst`;
const incr = (base, slot) => `incremental-snapshot-${base}-${slot}-${hash(`inc-${base}-${slot}`)}.tar.zst`;
const bank = (slot) => {
  file(`snapshots/${slot}/version`, '1.2.0');
  file(`snapshots/${slot}/${slot}`, 'stand-in bank\n');
  file(`snapshots/${slot}/status_cache`, 'stand-in status cache\n');
};

archive(full(289600000));
archive(full(289625000)); // taken after the restart slot: cause 3
archive(incr(289600000, 289624800));
archive(incr(289600000, 289624900)); // the base: highest incremental on 289600000 below X
archive(incr(289625000, 289625100));
archive(incr(289625000, 289625200));
archive(`remote/${full(289550000)}`); // downloaded at bootstrap, long ago
if (archivesOnly) process.exit(0);
file('tmp-snapshot-archive-289625300.tar.zst'); // an archive being written when the node stopped
file(`remote/${full(289500000)}.tmp`, ''); // an interrupted download
bank(289624900);
bank(289625100); // newer than X: the restarted validator would fast-boot from it
file('genesis.bin', 'stand-in genesis\n');

// The blockstore: a chain of full slots, skipping every 13th slot (no SlotMeta at all).
const FIRST = 289624000;
const LAST = 289625410;
const LAST_ROOT = 289625380;
const slots = [];
for (let s = FIRST; s <= LAST; s++) if (s % 13 !== 0) slots.push(s);
const hex = (buffer) => `0x${buffer.toString('hex')}`;
const meta = slots.map((slot, i) => {
  const parent = i === 0 ? slot - 1 : slots[i - 1];
  const value = encodeSlotMeta({
    slot: BigInt(slot), consumed: 64n, received: 64n, firstShredTimestamp: 1_723_000_000_000n + BigInt(slot - FIRST) * 400n,
    lastIndex: 63n, parentSlot: BigInt(parent), nextSlots: i + 1 < slots.length ? [BigInt(slots[i + 1])] : [],
    connectedFlags: 1, completedDataIndexes: [31, 63],
  });
  return `${hex(slotKey(slot))} ==> ${hex(value)}`;
});
const roots = slots.filter((s) => s <= LAST_ROOT).map((s) => `${hex(slotKey(s))} ==> 0x01`);
const db = path.join(ledger, 'rocksdb');
const ldb = (args, input) => execFileSync('ldb', [`--db=${db}`, ...args], { input, stdio: ['pipe', 'ignore', 'inherit'] });
ldb(['--create_if_missing', '--key_hex', '--value_hex', 'put', '0x00', '0x00']);
for (const cf of ['meta', 'dead_slots', 'duplicate_slots', 'erasure_meta', 'orphans', 'bank_hashes', 'root', 'index', 'data_shred', 'code_shred', 'transaction_status', 'address_signatures', 'transaction_memos', 'rewards', 'blocktime', 'perf_samples', 'block_height', 'optimistic_slots', 'merkle_root_meta']) {
  ldb(['create_column_family', cf]);
}
ldb(['--column_family=meta', '--key_hex', '--value_hex', 'load'], meta.join('\n') + '\n');
ldb(['--column_family=root', '--key_hex', '--value_hex', 'load'], roots.join('\n') + '\n');
// Keep the folder small: no info logs, only the newest OPTIONS file.
const options = readdirSync(db).filter((n) => n.startsWith('OPTIONS-')).sort().slice(0, -1);
for (const name of readdirSync(db)) if (name === 'LOG' || name.startsWith('LOG.old') || options.includes(name)) rmSync(path.join(db, name));

writeFileSync(
  path.join(root, 'bin/ledger-tool.json'),
  JSON.stringify(
    {
      version: 'agave-ledger-tool 2.0.21 (src:8ba8e1cb; feat:607245837, client:Agave)',
      bounds: {
        slots: { total: slots.length, first: slots[0], last: slots.at(-1) },
        roots: { total: roots.length, first: slots[0], last: LAST_ROOT, numAfterLastRoot: slots.filter((s) => s > LAST_ROOT).length },
      },
    },
    null,
    2,
  ) + '\n',
);
console.log(`wrote ${ledger}`);
