// Benchmark of the native blockstore reader (issue 5): a generated blockstore of 200,000 slots
// across many SST files (plus a WAL tail), timed for the slot range (meta + root counts, as
// `agave-ledger-tool bounds`) and for a parent-chain walk over 50,000 slots, each in a fresh
// process so its peak RSS is its own; compared in the same run with `ldb scan` of the same keys.
//   npm run build && node bench/blockstore.mjs [slots]
// Needs Debian's rocksdb-tools (ldb) to generate the database; writes only under the OS temp dir.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const SCENARIO = join(ROOT, 'scripts', 'fixtures', 'blockstore-scenario.mjs');
const CHAIN = 50_000;

async function measure(kind, ledger, base, target) {
  const { RocksDbSnapshot } = await import(join(ROOT, 'dist', 'agave', 'rocksdb', 'rocksdb-snapshot.js'));
  const { countSlots, NativeBlockstoreSource } = await import(join(ROOT, 'dist', 'agave', 'blockstore', 'native-source.js'));
  const { walkChain } = await import(join(ROOT, 'dist', 'agave', 'blockstore', 'chain-walk.js'));
  const t0 = process.hrtime.bigint();
  let result;
  if (kind === 'range') {
    const db = await RocksDbSnapshot.open(join(ledger, 'rocksdb'), { columnFamilies: ['meta', 'root'] });
    const slots = countSlots(db, 'meta');
    const roots = countSlots(db, 'root');
    result = { slots: String(slots?.total), first: String(slots?.first), last: String(slots?.last), roots: String(roots?.total), blocks: db.stats.blocksRead, tables: db.stats.tablesOpened };
    db.close();
  } else if (kind === 'chain') {
    const db = await RocksDbSnapshot.open(join(ledger, 'rocksdb'), { columnFamilies: ['meta'] });
    const chain = walkChain(db, BigInt(base), BigInt(target));
    result = { walked: chain.chain.length, complete: chain.complete, blocks: db.stats.blocksRead, tables: db.stats.tablesOpened };
    db.close();
  } else {
    const report = await new NativeBlockstoreSource().read({ ledger, target: BigInt(target), base: BigInt(base) });
    result = { slots: String(report.slots?.total), walked: report.chain?.chain.length, complete: report.chain?.complete };
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, heapMiB: process.memoryUsage().heapUsed / 2 ** 20, ...result }));
}

const TIME = '/usr/bin/time';

/**
 * Runs one measurement in a fresh process. Linux keeps ru_maxrss across exec, so a child forked
 * from this (large) process would report this process's peak; GNU time's own small child does not.
 */
function run(kind, ledger, base, target) {
  const args = [fileURLToPath(import.meta.url), '--measure', kind, ledger, String(base), String(target)];
  if (existsSync(TIME)) {
    const r = spawnSync(TIME, ['-f', '%M', process.execPath, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`measure ${kind} failed: ${r.stderr}`);
    const result = JSON.parse(r.stdout);
    result.maxRssMiB = Number(r.stderr.trim().split('\n').at(-1)) / 1024;
    return result;
  }
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' }));
}

function generate(dir, slots) {
  const db = join(dir, 'rocksdb');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // small write buffers and target file sizes: many SSTs over several levels
  const ldb = ['--db=' + db, '--write_buffer_size=1048576', '--block_size=4096', '--compression_type=no'];
  execFileSync('ldb', [...ldb, '--create_if_missing', 'put', 'x', 'x']);
  for (const cf of ['meta', 'root', 'data_shred']) execFileSync('ldb', ['--db=' + db, 'create_column_family', cf]);
  const meta = execFileSync(process.execPath, [SCENARIO, 'bench', String(slots)], { maxBuffer: 1 << 30 });
  execFileSync('ldb', [...ldb, '--column_family=meta', '--key_hex', '--value_hex', 'load'], { input: meta, maxBuffer: 1 << 30 });
  const roots = execFileSync(process.execPath, [SCENARIO, 'bench', String(slots - 1000), 'roots'], { maxBuffer: 1 << 30 });
  execFileSync('ldb', [...ldb, '--column_family=root', '--key_hex', '--value_hex', 'load'], { input: roots, maxBuffer: 1 << 30 });
  writeFileSync(join(dir, 'done'), String(slots));
}

function timeLdb(dir, column) {
  const copy = join(tmpdir(), 'snapplan-bench-ldb-copy');
  rmSync(copy, { recursive: true, force: true });
  cpSync(join(dir, 'rocksdb'), copy, { recursive: true });
  const t0 = process.hrtime.bigint();
  const r = spawnSync(TIME, ['-f', '%M', 'ldb', `--db=${copy}`, `--column_family=${column}`, '--key_hex', 'scan', '--no_value'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  rmSync(copy, { recursive: true, force: true });
  const keys = r.stdout.split('\n').filter((l) => l.startsWith('0x')).length;
  const rss = Number(r.stderr.trim().split('\n').at(-1)) / 1024;
  return { ms, maxRssMiB: Number.isFinite(rss) ? rss : NaN, keys };
}

async function main() {
  const slots = Number(process.argv[2] ?? 200_000);
  const dir = join(tmpdir(), `snapplan-bench-blockstore-${slots}`);
  if (!existsSync(join(dir, 'done'))) {
    process.stderr.write(`generating ${slots} slots in ${dir} ...\n`);
    generate(dir, slots);
  }
  const ssts = readdirSync(join(dir, 'rocksdb')).filter((f) => f.endsWith('.sst')).length;
  const range = run('range', dir, 0, 0);
  const last = BigInt(range.last);
  // every fifth slot is skipped, so 62,500 slot numbers hold a 50,000-slot chain
  const base = last - BigInt(Math.ceil((CHAIN * 5) / 4));
  const chain = run('chain', dir, base, last);
  const full = run('read', dir, base, last);
  const ldbMeta = timeLdb(dir, 'meta');
  const ldbRoot = timeLdb(dir, 'root');
  const rows = [
    ['native: range (meta + root)', range.ms, range.maxRssMiB, `${range.slots} slots, ${range.roots} roots, ${range.tables} tables, ${range.blocks} blocks`],
    [`native: chain walk`, chain.ms, chain.maxRssMiB, `${chain.walked} slots walked, complete ${chain.complete}, ${chain.blocks} blocks`],
    ['native: read() range + chain', full.ms, full.maxRssMiB, `${full.slots} slots, ${full.walked} walked`],
    ['ldb scan meta (copy)', ldbMeta.ms, ldbMeta.maxRssMiB, `${ldbMeta.keys} keys`],
    ['ldb scan root (copy)', ldbRoot.ms, ldbRoot.maxRssMiB, `${ldbRoot.keys} keys`],
  ];
  console.log(`blockstore bench: ${slots} slots, ${ssts} SST files (${dir})`);
  console.log(`${'what'.padEnd(30)} ${'ms'.padStart(8)} ${'peak RSS MiB'.padStart(13)}  notes`);
  for (const [what, ms, rss, notes] of rows) console.log(`${what.padEnd(30)} ${ms.toFixed(0).padStart(8)} ${rss.toFixed(1).padStart(13)}  ${notes}`);
}

if (process.argv[2] === '--measure') await measure(process.argv[3], process.argv[4], process.argv[5], process.argv[6]);
else await main();
