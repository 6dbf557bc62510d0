// Benchmark of the native blockstore reader on a real-sized Agave 3.1+ ledger (issue 12): a
// blockstore written by Debian's `ldb` with 400,000 SlotMeta values in the 3.1+ layout (4,161+
// bytes each, 1.7 GB of `meta`), real next_slots, forks, incomplete slots, a purged range (range
// tombstones over data not compacted away), a WAL tail, and 2,000+ table files in other column
// families. Measured in the same run against its baselines:
//   - `snapplan plan --json` (range edges by seeking + chain walk over 25,000 slots + the
//     live-file check) against bare `node -e ''`: targets under 1 s and under 3×;
//   - the exact count (`snapplan blockstore --json`: meta and root) against `ldb scan` of the same
//     columns: target under 1.5×;
//   - peak RSS of both at two ledger sizes (100,000 and 400,000 slots): flat.
// Usage: npm run build && node bench/blockstore.mjs [slots…]   (default: 100000 400000)
// Needs Debian's rocksdb-tools (ldb). The database is generated once (a minute or two; on
// /dev/shm when there is one, since ldb fsyncs every flush) and cached under the OS temp dir as
// snapplan-bench-blockstore-v2-<slots>; `npm test` never generates it.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import bs58 from 'bs58';
import { encodeSlotMeta, slotKey } from '../scripts/fixtures/blockstore-scenario.mjs';

/**
 * A real zstd frame of an empty tar (two zero blocks), made by Debian's zstd: plan checks the
 * base archive's frame header, so a text stand-in would be a bad archive.
 */
const STAND_IN_ARCHIVE = (() => {
  const r = spawnSync('zstd', ['-q', '-c'], { input: Buffer.alloc(1024) });
  if (r.status !== 0) throw new Error(`zstd is needed for the bench: ${r.stderr}`);
  return r.stdout;
})();

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'snapplan.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const CHAIN = 25_000;
const FIRST_SLOT = 300_000_000;
const PURGED = 20_000; // lowest slots deleted by range (as Agave's cleanup does), still in tables
const WAL_TAIL = 2_000; // newest slots only in the WAL
const SHRED_ROWS = 300_000; // per shred column family (data_shred, code_shred): ~1,150 tables of ~128 KiB each
const FAMILIES = ['meta', 'dead_slots', 'duplicate_slots', 'erasure_meta', 'orphans', 'bank_hashes', 'root', 'index', 'data_shred', 'code_shred', 'transaction_status', 'address_signatures', 'transaction_memos', 'rewards', 'blocktime', 'perf_samples', 'block_height', 'optimistic_slots', 'merkle_root_meta'];

/**
 * The ledger's slots: every tenth slot number is not on the main chain; every hundredth of
 * those is a fork (child of the slot before, every other one incomplete), the rest skipped by
 * their leader; a few main-chain slots in the older half are incomplete; the newest 3 too.
 */
function* ledgerSlots(n) {
  let prevMain = FIRST_SLOT - 1;
  let written = 0;
  for (let s = FIRST_SLOT; written < n; s++) {
    const offMain = s % 10 === 3;
    const fork = offMain && s % 1000 === 3;
    if (offMain && !fork) continue;
    const parent = fork ? s - 1 : prevMain;
    const children = [];
    if (!fork) {
      const next = s % 10 === 2 ? s + 2 : s + 1;
      children.push(next);
      if ((s + 1) % 1000 === 3) children.push(s + 1);
    }
    const incomplete = (fork && s % 2000 === 3) || (!fork && written < n / 2 && written % 49_999 === 7) || written >= n - 3;
    yield { slot: s, parent, children, fork, incomplete, index: written };
    if (!fork) prevMain = s;
    written++;
  }
}

function metaValue({ slot, parent, children, incomplete }) {
  const shreds = 700 + (slot % 300);
  return encodeSlotMeta(
    {
      slot: BigInt(slot),
      consumed: BigInt(incomplete ? shreds - 40 : shreds),
      received: BigInt(shreds),
      firstShredTimestamp: 1_760_000_000_000n + BigInt(slot - FIRST_SLOT) * 400n,
      lastIndex: BigInt(shreds - 1),
      parentSlot: BigInt(parent),
      nextSlots: children.map(BigInt),
      connectedFlags: incomplete ? 0x80 : 0x81,
      completedDataIndexes: Array.from({ length: Math.floor(shreds / 32) }, (_, i) => i * 32 + 31),
    },
    'v2',
  );
}

const hex = (b) => `0x${b.toString('hex')}`;

/** `ldb load` reading lines from a generator, without holding gigabytes of hex in memory. */
function ldbLoad(db, column, lines, extra = []) {
  const input = Readable.from(
    (function* () {
      let chunk = [];
      for (const line of lines) {
        chunk.push(line);
        if (chunk.length === 2000) {
          yield chunk.join('\n') + '\n';
          chunk = [];
        }
      }
      if (chunk.length > 0) yield chunk.join('\n') + '\n';
    })(),
  );
  return new Promise((resolve, reject) => {
    const child = spawn('ldb', [`--db=${db}`, `--column_family=${column}`, '--key_hex', '--value_hex', ...extra, 'load'], { stdio: ['pipe', 'ignore', 'inherit'] });
    input.pipe(child.stdin);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ldb load ${column} exited ${code}`))));
  });
}

function ldb(db, ...args) {
  execFileSync('ldb', [`--db=${db}`, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Edits the newest OPTIONS file: RocksDB reads it back on every ldb open. */
function setOptions(db, perFamily) {
  const file = join(db, readdirSync(db).filter((f) => f.startsWith('OPTIONS-')).sort().at(-1));
  const sections = readFileSync(file, 'utf8').split(/(?=^\[)/m);
  const out = sections.map((section) => {
    const name = /^\[CFOptions "([^"]+)"\]/.exec(section)?.[1];
    const db = /^\[DBOptions\]/.test(section);
    const changes = { ...(name === undefined ? {} : perFamily['*']), ...(name === undefined ? {} : perFamily[name]), ...(db ? perFamily.DBOptions : {}) };
    let text = section;
    for (const [key, value] of Object.entries(changes)) text = text.replace(new RegExp(`^(\\s*)${key}=.*$`, 'm'), `$1${key}=${value}`);
    return text;
  });
  writeFileSync(file, out.join(''));
}

async function generate(dir, n) {
  const shm = existsSync('/dev/shm') ? join('/dev/shm', `snapplan-bench-gen-${process.pid}`) : null;
  const work = shm ?? dir;
  rmSync(work, { recursive: true, force: true });
  const db = join(work, 'ledger', 'rocksdb');
  mkdirSync(db, { recursive: true });
  ldb(db, '--create_if_missing', 'put', 'x', 'x');
  for (const cf of FAMILIES) ldb(db, 'create_column_family', cf);
  // never stall writes on level-0 files; the shred families flush every ~128 KiB and never
  // compact, which leaves thousands of small live tables listed in the MANIFEST
  const noStall = { level0_stop_writes_trigger: 1_000_000, level0_slowdown_writes_trigger: 1_000_000 };
  const tiny = { write_buffer_size: 131072, arena_block_size: 16384, disable_auto_compactions: 'true' };
  setOptions(db, { '*': { ...noStall, compression: 'kNoCompression' }, data_shred: tiny, code_shred: tiny });

  const all = [...ledgerSlots(n)];
  const tableSlots = all.slice(0, n - WAL_TAIL);
  const walSlots = all.slice(n - WAL_TAIL);
  const meta = (list) => list.map((m) => `${hex(slotKey(m.slot))} ==> ${hex(metaValue(m))}`);
  const roots = (list) => list.filter((m) => !m.fork && !m.incomplete).map((m) => `${hex(slotKey(m.slot))} ==> 0x01`);
  process.stderr.write(`  meta: ${tableSlots.length} values into tables…\n`);
  await ldbLoad(db, 'meta', (function* () {
    for (let i = 0; i < tableSlots.length; i += 10_000) yield* meta(tableSlots.slice(i, i + 10_000));
  })());
  await ldbLoad(db, 'root', roots(tableSlots.slice(0, -1000)));
  process.stderr.write(`  data_shred, code_shred: ${SHRED_ROWS} rows each, flushed every ~128 KiB…\n`);
  for (const cf of ['data_shred', 'code_shred']) {
    await ldbLoad(db, cf, (function* () {
      for (let i = 0; i < SHRED_ROWS; i++) {
        const key = Buffer.concat([slotKey(FIRST_SLOT + Math.floor(i / 8)), slotKey(i % 8)]);
        yield `${hex(key)} ==> 0x${'5a'.repeat(500)}`;
      }
    })());
  }
  // the purge: range deletes over the oldest slots, flushed into a tombstone-only table by the next open
  const purgeEnd = hex(slotKey(all[PURGED].slot));
  ldb(db, '--column_family=meta', '--key_hex', 'deleterange', hex(slotKey(FIRST_SLOT)), purgeEnd);
  ldb(db, '--column_family=root', '--key_hex', 'deleterange', hex(slotKey(FIRST_SLOT)), purgeEnd);
  ldb(db, '--column_family=meta', '--key_hex', 'get', hex(slotKey(all[PURGED].slot)));
  // from here on an open must not flush what it recovers: the newest slots stay in the WAL
  setOptions(db, { DBOptions: { avoid_flush_during_recovery: 'true' } });
  process.stderr.write(`  WAL tail: ${walSlots.length} values…\n`);
  await ldbLoad(db, 'meta', meta(walSlots));
  await ldbLoad(db, 'root', roots(all.slice(n - WAL_TAIL - 1000, n - 10)));
  for (const f of readdirSync(db)) if (f === 'LOG' || f.startsWith('LOG.old')) rmSync(join(db, f));

  const target = all.filter((m) => !m.fork).at(-100);
  const main = all.filter((m) => !m.fork && m.slot <= target.slot);
  const base = main.at(-1 - CHAIN);
  const hash = bs58.encode(createHash('sha256').update(`bench-${base.slot}`).digest());
  writeFileSync(join(work, 'ledger', `snapshot-${base.slot}-${hash}.tar.zst`), STAND_IN_ARCHIVE);
  writeFileSync(join(work, 'meta.json'), JSON.stringify({ slots: n, base: base.slot, target: target.slot, first: all[PURGED].slot, last: all.at(-1).slot }));
  if (shm !== null) {
    rmSync(dir, { recursive: true, force: true });
    cpSync(work, dir, { recursive: true });
    rmSync(work, { recursive: true, force: true });
  }
  writeFileSync(join(dir, 'done'), '');
}

/** Median wall time and peak RSS (GNU time: a fresh small parent, so the child's own peak) of a command. */
function measure(command, args, env = process.env) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', command, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 30 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0 && r.status !== 3) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    const [rss, user, sys] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
    runs.push({ ms, rssMiB: rss / 1024, cpuMs: (user + sys) * 1000, stdout: r.stdout });
  }
  // medians of each measure on its own: the machine may be shared, and the two move apart
  const median = (key) => runs.map((r) => r[key]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  return { ms: median('ms'), cpuMs: median('cpuMs'), rssMiB: median('rssMiB'), stdout: runs[0].stdout };
}

async function main() {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const env = { PATH: process.env.PATH, NO_COLOR: '1' };
  const rows = [];
  const node = measure(process.execPath, ['-e', '']);
  rows.push(['bare `node -e \'\'` (baseline)', node, '1.00×', '']);
  const results = [];
  for (const n of sizes.length > 0 ? sizes : [100_000, 400_000]) {
    const dir = join(tmpdir(), `snapplan-bench-blockstore-v2-${n}`);
    if (!existsSync(join(dir, 'done'))) {
      process.stderr.write(`generating ${n} slots in ${dir} (once)…\n`);
      const t0 = Date.now();
      await generate(dir, n);
      process.stderr.write(`  done in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    }
    const info = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
    const L = join(dir, 'ledger');
    // plan reads the base archive's header (issue 11): a ledger generated before that holds a
    // plain-text stand-in, which plan rightly refuses. Rewrite it as a real, tiny archive.
    for (const f of readdirSync(L)) if (f.startsWith('snapshot-')) writeFileSync(join(L, f), STAND_IN_ARCHIVE);
    const tables = readdirSync(join(L, 'rocksdb')).filter((f) => f.endsWith('.sst')).length;
    const plan = measure(process.execPath, [BIN, 'plan', '--ledger', L, '--slot', String(info.target), '--json'], env);
    const doc = JSON.parse(plan.stdout);
    if (doc.blocks.available?.first !== info.first || doc.blocks.available?.last !== info.last || !doc.blocks.chain?.complete) {
      throw new Error(`plan answered ${JSON.stringify(doc.blocks.available)} chain ${doc.blocks.chain?.complete}, expected ${info.first}..${info.last} complete`);
    }
    const count = measure(process.execPath, [BIN, 'blockstore', '--ledger', L, '--json'], env);
    const counted = JSON.parse(count.stdout);
    // ldb opens read-write (it would flush the WAL): scan a copy, made once
    const copy = join(tmpdir(), `snapplan-bench-ldb-copy-${n}`);
    rmSync(copy, { recursive: true, force: true });
    cpSync(join(L, 'rocksdb'), copy, { recursive: true });
    const ldbMeta = measure('ldb', [`--db=${copy}`, '--column_family=meta', '--key_hex', 'scan', '--no_value']);
    const ldbRoot = measure('ldb', [`--db=${copy}`, '--column_family=root', '--key_hex', 'scan', '--no_value']);
    const ldbKeys = ldbMeta.stdout.split('\n').filter((l) => l.startsWith('0x')).length;
    rmSync(copy, { recursive: true, force: true });
    if (Number(counted.slots.total) !== ldbKeys) throw new Error(`count ${counted.slots.total} but ldb scan saw ${ldbKeys} keys`);
    const ldbBoth = { ms: ldbMeta.ms + ldbRoot.ms, cpuMs: ldbMeta.cpuMs + ldbRoot.cpuMs, rssMiB: Math.max(ldbMeta.rssMiB, ldbRoot.rssMiB) };
    const note = `${n.toLocaleString('en-US')} slots, ${tables} tables`;
    const ratio = (a, b) => `${(a.ms / b.ms).toFixed(2)}× (CPU ${(a.cpuMs / b.cpuMs).toFixed(2)}×)`;
    rows.push([`\`plan --json\`: edges + chain walk over ${CHAIN.toLocaleString('en-US')} slots + live-file check (${note})`, plan, ratio(plan, node), 'vs bare Node']);
    rows.push([`\`ldb scan\` meta + root of a copy (${note}, baseline)`, ldbBoth, '1.00×', '']);
    rows.push([`\`blockstore --json\`: exact count of meta + root (${note})`, count, ratio(count, ldbBoth), 'vs ldb scan']);
    results.push({ n, plan, count, ldbBoth, node });
  }
  console.log(`\n### Native blockstore reader on an Agave 3.1+ ledger (bench/blockstore.mjs, median of ${RUNS})\n`);
  console.log(`Load average at the end: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (CPU time is what the work costs when the machine is shared).\n`);
  console.log('| what | wall time | CPU time | peak RSS | ratio (wall, CPU) |');
  console.log('|---|---|---|---|---|');
  for (const [what, m, ratio, against] of rows) console.log(`| ${what} | ${m.ms.toFixed(1)} ms | ${m.cpuMs.toFixed(0)} ms | ${m.rssMiB.toFixed(1)} MiB | ${ratio}${against ? ` ${against}` : ''} |`);
  const last = results.at(-1);
  const first = results[0];
  const planOk = last.plan.ms < 1000 && last.plan.ms < 3 * node.ms;
  const planCpuOk = last.plan.cpuMs < 1000 && last.plan.cpuMs < 3 * node.cpuMs;
  const countOk = last.count.ms < 1.5 * last.ldbBoth.ms;
  const countCpuOk = last.count.cpuMs < 1.5 * last.ldbBoth.cpuMs;
  const flat = results.length < 2 || (last.plan.rssMiB < first.plan.rssMiB * 1.25 && last.count.rssMiB < first.count.rssMiB * 1.25);
  const verdict = (ok) => (ok ? '**met**' : '**missed**');
  console.log(`\nTargets on the largest ledger: plan under 1 s and under 3× bare Node: wall ${verdict(planOk)}, CPU ${verdict(planCpuOk)}; count under 1.5× ldb scan: wall ${verdict(countOk)}, CPU ${verdict(countCpuOk)}; peak RSS flat across sizes (within 25%): ${verdict(flat)}.`);
}

await main();
