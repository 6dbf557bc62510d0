// Benchmark of the quarantine move engine (src/ops), run from dist/ (`npm run build` first).
//
//   node bench/quarantine.mjs [--json] [--quick]
//
// 1. Rename path: quarantine 2,500 / 5,000 / 10,000 entries on one filesystem; the time per
//    entry should stay flat (O(n)).
// 2. Copy path: quarantine 0.5 / 1 / 2 GiB from /tmp to /dev/shm (another filesystem), against
//    `cp -r` of the same data in the same run (best of BENCH_ROUNDS=3 each, every run from the
//    same state); throughput ratio, and the peak RSS of the process doing the copy, which
//    should not grow with the data. For reference, one sha256 pass over the same data alone:
//    no verified copy can beat it, so cp time / hash time caps the ratio on this machine.
//
// Each measured run is a child process of this script (same file, `--child`), so that its peak
// RSS is its own. All data is generated under /tmp and /dev/shm and deleted afterwards.
import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const dist = path.join(path.dirname(here), '..', 'dist', 'ops');
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

async function child(mode, ledger, backupDir) {
  const { createQuarantine, closeQuarantine } = await import(path.join(dist, 'quarantine-dir.js'));
  const { quarantine } = await import(path.join(dist, 'quarantine.js'));
  const items = [];
  for (const rootName of await readdir(ledger)) {
    const root = path.join(ledger, rootName);
    for (const name of await readdir(root)) items.push({ source: path.join(root, name), root, relativePath: name });
  }
  const q = await createQuarantine({ backupDir, ledger, targetSlot: 1n, toolVersion: 'bench' });
  const started = process.hrtime.bigint();
  const result = await quarantine(items, { quarantineDir: q.dir, journal: q.journal });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await closeQuarantine(q.journal, 'complete');
  const methods = [...new Set(result.moved.map((m) => m.method))];
  process.stdout.write(JSON.stringify({ mode, items: items.length, bytes: result.bytes, ms, methods, maxRssKiB: process.resourceUsage().maxRSS }) + '\n');
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    proc.stdout.on('data', (d) => (stdout += d));
    proc.on('error', reject);
    proc.on('close', (code) => {
      if (code !== 0) reject(new Error(`${command} exited with ${code}`));
      else resolve({ stdout, ms: Number(process.hrtime.bigint() - started) / 1e6 });
    });
  });
}

async function measure(mode, ledger, backupDir) {
  const { stdout } = await run(process.execPath, [here, '--child', mode, ledger, backupDir]);
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

async function makeEntries(root, count) {
  await mkdir(root, { recursive: true });
  const data = Buffer.alloc(64, 1);
  for (let i = 0; i < count; i += 1) await writeFile(path.join(root, `entry-${i}.bin`), data);
}

async function makeData(root, bytes, files) {
  await mkdir(root, { recursive: true });
  const chunk = Buffer.allocUnsafe(8 * MiB);
  const per = bytes / files;
  for (let f = 0; f < files; f += 1) {
    const handle = await open(path.join(root, `snapshot-${f}.tar.zst`), 'w');
    for (let written = 0; written < per; written += chunk.length) {
      randomFillSync(chunk);
      await handle.write(chunk, 0, Math.min(chunk.length, per - written));
    }
    // Flushed now, so that neither cp nor snapplan competes with the writeback of this data.
    await handle.sync();
    await handle.close();
  }
}

const fmt = (n, d = 0) => n.toFixed(d).padStart(8);

/** Reads every file of `dir` once (into the page cache). */
async function readAll(dir) {
  const buffer = Buffer.allocUnsafe(4 * MiB);
  for (const name of await readdir(dir)) {
    const handle = await open(path.join(dir, name), 'r');
    while ((await handle.read(buffer, 0, buffer.length, null)).bytesRead > 0);
    await handle.close();
  }
}

/** Writes `bytes` of zeros to a file in `dir` and deletes it (see the copy benchmark). */
async function warmMemory(dir, bytes) {
  const file = path.join(dir, 'warm-up');
  const handle = await open(file, 'w');
  const zeros = Buffer.alloc(8 * MiB);
  for (let written = 0; written < bytes; written += zeros.length) await handle.write(zeros);
  await handle.close();
  await rm(file);
}

/**
 * The floor under any verified copy on this machine: one sha256 pass over the same files,
 * on one thread, reading from the page cache (the copy path must hash every byte once).
 */
async function hashAlone(dir) {
  const { createHash } = await import('node:crypto');
  const buffer = Buffer.allocUnsafe(4 * MiB);
  const started = process.hrtime.bigint();
  for (const name of await readdir(dir)) {
    const handle = await open(path.join(dir, name), 'r');
    const hash = createHash('sha256');
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
    hash.digest();
    await handle.close();
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main() {
  const json = process.argv.includes('--json');
  const quick = process.argv.includes('--quick');
  if (!existsSync(path.join(dist, 'quarantine.js'))) throw new Error('dist/ops is missing: run `npm run build` first.');
  const shm = existsSync('/dev/shm') && statSync('/dev/shm').dev !== statSync(os.tmpdir()).dev ? '/dev/shm' : null;
  const report = { rename: [], copy: [], notes: [] };
  const work = await mkdtemp(path.join(os.tmpdir(), 'snapplan-bench-'));
  const shmWork = shm === null ? null : await mkdtemp(path.join(shm, 'snapplan-bench-'));
  try {
    // 1. Rename path, O(n).
    for (const count of quick ? [500, 1000, 2000] : [2500, 5000, 10000]) {
      const ledger = path.join(work, `rename-${count}`, 'ledger');
      await makeEntries(path.join(ledger, 'snapshots'), count);
      const r = await measure('rename', ledger, path.join(work, `rename-${count}`, 'backup'));
      report.rename.push({ entries: count, ms: r.ms, usPerEntry: (r.ms * 1000) / count, maxRssMiB: r.maxRssKiB / 1024, methods: r.methods });
      await rm(path.join(work, `rename-${count}`), { recursive: true, force: true });
    }
    if (!json) {
      console.log('Rename path (same filesystem)');
      console.log('  entries        ms   µs/entry  peak RSS MiB');
      for (const r of report.rename) console.log(`  ${fmt(r.entries)}  ${fmt(r.ms)}  ${fmt(r.usPerEntry, 1)}  ${fmt(r.maxRssMiB, 1)}`);
    }
    // 2. Copy path across filesystems, against cp -r.
    if (shmWork === null) {
      report.notes.push('No /dev/shm on another filesystem: copy benchmark skipped.');
    } else {
      const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
      for (const size of quick ? [0.125, 0.25] : [0.5, 1, 2]) {
        const bytes = size * GiB;
        const pristine = path.join(work, `copy-${size}`, 'pristine');
        await makeData(pristine, bytes, 8);
        const ledger = path.join(work, `copy-${size}`, 'ledger');
        // Each timed run starts from the same state: a fresh, synced, cached copy of the data in
        // the ledger (snapplan moves it away), and memory just written to and freed in
        // /dev/shm. The warm-up matters on VMs that hand freed memory back to their host: the
        // next first touch of it cost more than the copy itself, and the run that came first
        // paid it.
        const prepare = async () => {
          await rm(ledger, { recursive: true, force: true });
          await mkdir(ledger, { recursive: true });
          await run('cp', ['-r', '--', pristine, path.join(ledger, 'snapshots')]);
          await run('sync', []);
          await readAll(path.join(ledger, 'snapshots'));
          await warmMemory(shmWork, bytes + GiB);
        };
        const cpTarget = path.join(shmWork, `cp-${size}`);
        let cp = { ms: Infinity };
        let best = { ms: Infinity };
        let hashMs = Infinity;
        for (let round = 0; round < rounds; round += 1) {
          await prepare();
          const t = await run('cp', ['-r', '--', ledger, cpTarget]);
          if (t.ms < cp.ms) cp = t;
          await rm(cpTarget, { recursive: true, force: true });
          hashMs = Math.min(hashMs, await hashAlone(path.join(ledger, 'snapshots')));
          await prepare();
          const r = await measure('copy', ledger, path.join(shmWork, `q-${size}`));
          if (r.ms < best.ms) best = r;
          await rm(path.join(shmWork, `q-${size}`), { recursive: true, force: true });
        }
        await rm(path.join(work, `copy-${size}`), { recursive: true, force: true });
        const ours = bytes / MiB / (best.ms / 1000);
        const theirs = bytes / MiB / (cp.ms / 1000);
        report.copy.push({ gib: size, rounds, ms: best.ms, cpMs: cp.ms, hashMs, mibPerS: ours, cpMibPerS: theirs, hashMibPerS: bytes / MiB / (hashMs / 1000), ratio: ours / theirs, hashCap: cp.ms > 0 ? hashMs > 0 ? cp.ms / hashMs : 0 : 0, maxRssMiB: best.maxRssKiB / 1024, methods: best.methods });
      }
      if (!json) {
        console.log(`Copy path (/tmp → /dev/shm), sha256 + read-back, vs cp -r (best of ${report.copy[0]?.rounds ?? 0} each)`);
        console.log('  GiB   snapplan MiB/s   cp MiB/s   ratio  | sha256 alone MiB/s  cap (cp time / hash time)  | peak RSS MiB');
        for (const c of report.copy) console.log(`  ${c.gib.toFixed(2)}  ${fmt(c.mibPerS)}        ${fmt(c.cpMibPerS)}  ${c.ratio.toFixed(2).padStart(6)}  | ${fmt(c.hashMibPerS)}            ${c.hashCap.toFixed(2).padStart(6)}×              | ${fmt(c.maxRssMiB, 1)}`);
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
    if (shmWork !== null) await rm(shmWork, { recursive: true, force: true });
  }
  if (json) console.log(JSON.stringify(report));
  else for (const note of report.notes) console.log(note);
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4], process.argv[5]);
} else {
  await main();
}
