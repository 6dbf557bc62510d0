// Benchmark of the backup archive step (src/ops/archive.ts), run from dist/ (`npm run build` first).
//
//   node bench/archive.mjs [--json] [--quick] [--rounds N]
//
// Generates a folder of mixed file sizes (many small, some medium, a few large; half of the
// bytes compressible, half random) in the OS temp dir, at two sizes (1 and 2 GiB; --quick:
// 128 and 256 MiB), and in the same run archives it
//   a) with snapplan: tar | zstd -T0 -3 into the file, sha256 of exactly the bytes written, the
//      file fsync'd before its rename, the manifest and .sha256;
//   b) as the Stacks seed does: `tar -cf - -C parent dir | pzstd -o out` (no checksum).
// Reports the throughput ratio a/b (target ≥ 0.95) and the peak RSS of the Node process that
// ran a), which should stay flat as the folder grows. Each run is a child process (`--child`)
// so its peak RSS is its own. Rounds alternate seed, snapplan (default 3; the best of each
// counts), each after an untimed `sync` and read of the folder. Everything generated is deleted afterwards.
import { spawn, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdir, mkdtemp, open, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const dist = path.join(path.dirname(here), '..', 'dist', 'ops');
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const argv = process.argv.slice(2);

if (argv[0] === '--child') {
  const [, dataDir, outDir] = argv;
  const { createArchive } = await import(path.join(dist, 'archive.js'));
  const started = process.hrtime.bigint();
  const result = await createArchive({
    groups: [{ root: path.dirname(dataDir), members: [path.basename(dataDir)], matchPrefix: path.basename(dataDir) }],
    outDir, name: 'bench.tar.zst', exclude: [], zstdLevel: 3, spaceFactor: 0, manifest: { chain: 'bench' },
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify({ ms, size: result.size, files: result.files, bytes: result.bytes, maxRssKiB: process.resourceUsage().maxRSS }) + '\n');
} else {
  await main();
}

async function generate(dir, total) {
  // Mixed sizes: 40% of the bytes in 4-64 KiB files, 30% in 1-8 MiB, 30% in 64-128 MiB.
  const random = Buffer.alloc(8 * MiB);
  randomFillSync(random);
  const text = Buffer.from('block 0000001 tx 0123456789abcdef state root ffee\n'.repeat(200000)).subarray(0, 8 * MiB);
  let written = 0;
  let index = 0;
  const bands = [[0.4, 4 * 1024, 64 * 1024], [0.3, MiB, 8 * MiB], [0.3, 64 * MiB, 128 * MiB]];
  for (const [share, min, max] of bands) {
    let band = 0;
    while (band < share * total) {
      const size = Math.floor(Math.min(min + (((index * 7919) % 997) / 997) * (max - min), share * total - band + min));
      const sub = path.join(dir, `d${index % 64}`);
      await mkdir(sub, { recursive: true });
      const handle = await open(path.join(sub, `f${index}.dat`), 'w');
      const source = index % 2 === 0 ? random : text;
      const start = (index * 4099) % (4 * MiB);
      for (let off = 0; off < size; off += 4 * MiB) await handle.write(source, start, Math.min(4 * MiB, size - off));
      await handle.close();
      band += size;
      written += size;
      index++;
    }
  }
  return { files: index, bytes: written };
}

function timeSeed(dataDir, out, { fsync = false } = {}) {
  const started = process.hrtime.bigint();
  // The seed's pipeline, run exactly (fixed arguments, no input in the string). For reference
  // only, the same followed by an fsync of its output (`sync FILE`), the durability snapplan
  // gives its archive before renaming it into place.
  const script = `tar -cf - -C "$1" "$2" | pzstd -q -o "$3"${fsync ? ' && sync "$3"' : ''}`;
  const result = spawnSync('sh', ['-c', script, 'sh', path.dirname(dataDir), path.basename(dataDir), out], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('seed pipeline failed');
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function runChild(dataDir, outDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [here, '--child', dataDir, outDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (c) => (text += c));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`child exited ${code}`))));
  });
}

async function main() {
  const quick = argv.includes('--quick');
  const sizes = quick ? [128 * MiB, 256 * MiB] : [GiB, 2 * GiB];
  const rows = [];
  for (const total of sizes) {
    const root = await mkdtemp(path.join(os.tmpdir(), 'snapplan-bench-archive-'));
    try {
      const dataDir = path.join(root, 'mainnet');
      const gen = await generate(dataDir, total);
      spawnSync('sync');
      // Warm the page cache the same way for both, then alternate: seed, snapplan, seed, snapplan.
      spawnSync('sh', ['-c', 'tar -cf - -C "$1" "$2" | cat > /dev/null', 'sh', root, 'mainnet']);
      const seedMs = [];
      const seedSyncedMs = [];
      const ours = [];
      const rounds = argv.includes('--rounds') ? Math.max(1, Number(argv[argv.indexOf('--rounds') + 1]) || 3) : 3;
      for (let round = 0; round < rounds; round++) {
        const seedOut = path.join(root, 'seed.tar.zst');
        // Before each timed run, untimed: write back what the previous run left dirty (the
        // seed's output is never synced by it), so that neither run pays for the other's, and
        // read the folder once, so that both start from a cached source (this VM evicts cold
        // pages between runs, and otherwise whichever ran second found the cache the first
        // one had refilled).
        const settle = () => {
          spawnSync('sync');
          // Through a pipe: GNU tar skips reading file contents when its archive is /dev/null.
          spawnSync('sh', ['-c', 'tar -cf - -C "$1" "$2" | cat > /dev/null', 'sh', root, 'mainnet']);
        };
        settle();
        seedMs.push(timeSeed(dataDir, seedOut));
        const seedSize = (await stat(seedOut)).size;
        await rm(seedOut);
        settle();
        seedSyncedMs.push(timeSeed(dataDir, seedOut, { fsync: true }));
        await rm(seedOut);
        const outDir = path.join(root, `out${round}`);
        await mkdir(outDir);
        settle();
        const r = await runChild(dataDir, outDir);
        ours.push({ ...r, seedSize });
        await rm(outDir, { recursive: true });
      }
      const bestSeed = Math.min(...seedMs);
      const best = ours.reduce((a, b) => (a.ms <= b.ms ? a : b));
      rows.push({ bytes: gen.bytes, files: gen.files, seedMs: bestSeed, seedSyncedMs: Math.min(...seedSyncedMs), snapplanMs: best.ms, ratio: bestSeed / best.ms, compressed: best.size, seedCompressed: ours[0].seedSize, peakRssMiB: Math.max(...ours.map((o) => o.maxRssKiB)) / 1024 });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }
  if (argv.includes('--json')) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return;
  }
  console.log('### Archive: snapplan (tar | zstd -T0, sha256 of the file, fsync, manifest) vs `tar | pzstd -o`\n');
  console.log('| data | files | seed MiB/s | snapplan MiB/s | ratio (≥ 0.95) | seed + fsync MiB/s (reference) | ratio to it | compressed (seed) | peak RSS |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const rate = (ms, r) => (r.bytes / MiB / (ms / 1000)).toFixed(0);
  for (const r of rows) {
    console.log(`| ${(r.bytes / GiB).toFixed(2)} GiB | ${r.files} | ${rate(r.seedMs, r)} | ${rate(r.snapplanMs, r)} | **${r.ratio.toFixed(2)}×** | ${rate(r.seedSyncedMs, r)} | ${(r.seedSyncedMs / r.snapplanMs).toFixed(2)}× | ${(r.compressed / MiB).toFixed(0)} MiB (${(r.seedCompressed / MiB).toFixed(0)}) | ${r.peakRssMiB.toFixed(0)} MiB |`);
  }
  const failed = rows.some((r) => r.ratio < 0.95);
  if (failed) console.log('\n**below the 0.95× target**');
}
