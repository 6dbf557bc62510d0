// Benchmark of `snapplan fetch`'s download and check (src/agave/fetch), run from dist/
// (`npm run build` first).
//
//   node bench/fetch.mjs [--json] [--quick] [--rounds N]
//
// Makes a real .tar.zst of about 2 GiB (--quick: 256 MiB; three quarters of its files random,
// one quarter text) in the OS temp dir, serves it from a separate Node process on
// 127.0.0.1 the way Agave's RPC does (200 with Content-Length, no Range), and in the same run:
//   a) downloads it with snapplan's downloader (downloadToPartial: .partial file, batched
//      writes, fsync) in a child process, with its peak RSS;
//   b) downloads it with `curl -s -o FILE URL`, and, for reference, curl followed by `sync FILE`
//      (the durability snapplan gives the file before the rename);
//   c) checks it with snapplan's verifyDownload (size, name, the whole zstd stream decoded and
//      the tar stream walked to its end) against `zstd -t FILE` (decoding only).
// Rounds alternate curl, curl + sync, snapplan (default 3; the best of each counts), each after an untimed
// `sync` so that neither pays for the other's write-back. Everything is deleted afterwards.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import bs58 from 'bs58';

const here = fileURLToPath(import.meta.url);
const dist = path.join(path.dirname(here), '..', 'dist', 'agave', 'fetch');
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
// A name Agave accepts: the hash is base58 of 32 bytes.
const NAME = `snapshot-1000-${bs58.encode(createHash('sha256').update('bench').digest())}.tar.zst`;
const argv = process.argv.slice(2);

if (argv[0] === '--serve') {
  // The server: its own process, so that serving does not share an event loop with a client.
  const file = argv[1];
  const { size } = await stat(file);
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file, { highWaterMark: 1 * MiB }).pipe(res);
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
} else if (argv[0] === '--child') {
  const [, url, dir, size] = argv;
  const { downloadToPartial } = await import(path.join(dist, 'download.js'));
  const finalPath = path.join(dir, NAME);
  const started = process.hrtime.bigint();
  // The last progress report comes once every byte is written, before the closing fsync: the
  // time to it is the download as curl does it (curl never syncs); `ms` includes the fsync.
  let writtenMs = null;
  const onProgress = (p) => {
    if (p.bytes === Number(size)) writtenMs ??= Number(process.hrtime.bigint() - started) / 1e6;
  };
  const result = await downloadToPartial({ url, finalPath, source: new URL(url).origin, expectedSize: Number(size), minSpeed: null, speedWindowMs: 30_000, retries: 0, onProgress });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!result.ok) throw new Error(result.message);
  process.stdout.write(JSON.stringify({ ms, writtenMs: writtenMs ?? ms, bytes: result.bytes, maxRssKiB: process.resourceUsage().maxRSS }) + '\n');
} else if (argv[0] === '--check') {
  const [, file, size] = argv;
  const { verifyDownload } = await import(path.join(dist, 'verify-download.js'));
  const { parseArchiveName } = await import(path.join(dist, '..', 'archive-name.js'));
  const started = process.hrtime.bigint();
  const problem = await verifyDownload(file, { name: NAME, archive: parseArchiveName(NAME).archive, size: Number(size) });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (problem !== null) throw new Error(problem);
  process.stdout.write(JSON.stringify({ ms, maxRssKiB: process.resourceUsage().maxRSS }) + '\n');
} else {
  await main();
}

/** A real tar.zst of about `total` bytes: tar of 64 MiB files, zstd -1 -T0. */
async function makeArchive(root, total) {
  const src = path.join(root, 'src');
  spawnSync('mkdir', ['-p', path.join(src, 'accounts')]);
  const random = Buffer.alloc(8 * MiB);
  randomFillSync(random);
  const text = Buffer.from('account 0000001 owner 11111111111111111111111111111111 lamports 5000\n'.repeat(150000)).subarray(0, 8 * MiB);
  // Three random files to one text file, until the archive will be about `total` bytes (the
  // text compresses to almost nothing), so zstd has real work to do when checking it.
  const fileSize = 64 * MiB;
  let expected = 0;
  for (let i = 0; expected < total; i++) {
    const isText = i % 4 === 3;
    const handle = await open(path.join(src, 'accounts', `${i}.0`), 'w');
    for (let off = 0; off < fileSize; off += 8 * MiB) await handle.write(isText ? text : random);
    await handle.close();
    expected += isText ? fileSize / 50 : fileSize;
  }
  const out = path.join(root, NAME);
  const result = spawnSync('sh', ['-c', 'tar -cf - -C "$1" . | zstd -q -1 -T0 -o "$2"', 'sh', src, out], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('making the archive failed');
  await rm(src, { recursive: true });
  return out;
}

function run(args, { json = true } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [here, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (c) => (text += c));
    child.on('close', (code) => (code === 0 ? resolve(json ? JSON.parse(text) : text) : reject(new Error(`${args[0]} exited ${code}`))));
  });
}

function timed(command, args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} failed`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main() {
  const total = argv.includes('--quick') ? 256 * MiB : 2 * GiB;
  const rounds = argv.includes('--rounds') ? Math.max(1, Number(argv[argv.indexOf('--rounds') + 1]) || 3) : 3;
  const load = os.loadavg()[0];
  const root = await mkdtemp(path.join(os.tmpdir(), 'snapplan-bench-fetch-'));
  let server;
  try {
    const archive = await makeArchive(root, total);
    const { size } = await stat(archive);
    server = spawn(process.execPath, [here, '--serve', archive], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
    const url = `http://127.0.0.1:${port}/${NAME}`;
    const curlMs = [];
    const curlSyncMs = [];
    const ours = [];
    const out = path.join(root, 'out');
    spawnSync('mkdir', ['-p', out]);
    for (let round = 0; round < rounds; round++) {
      const target = path.join(out, NAME);
      spawnSync('sync');
      curlMs.push(timed('curl', ['-s', '-o', target, url]));
      await rm(target);
      spawnSync('sync');
      curlSyncMs.push(timed('sh', ['-c', 'curl -s -o "$1" "$2" && sync "$1"', 'sh', target, url]));
      await rm(target);
      spawnSync('sync');
      ours.push(await run(['--child', url, out, String(size)]));
      await rm(`${target}.partial`, { force: true });
      await rm(`${target}.partial.json`, { force: true });
    }
    // The check, on the served file (cached), against zstd -t of the same file.
    const zstdMs = [];
    const checks = [];
    for (let round = 0; round < rounds; round++) {
      zstdMs.push(timed('zstd', ['-q', '-t', archive]));
      checks.push(await run(['--check', archive, String(size)]));
    }
    const best = ours.reduce((a, b) => (a.ms <= b.ms ? a : b));
    const writtenMs = Math.min(...ours.map((o) => o.writtenMs));
    const row = {
      bytes: size,
      curlMs: Math.min(...curlMs),
      curlSyncMs: Math.min(...curlSyncMs),
      snapplanWrittenMs: writtenMs,
      snapplanMs: best.ms,
      // like for like: every byte written (no fsync) against curl; with the fsync against curl + sync
      ratio: Math.min(...curlMs) / writtenMs,
      ratioSynced: Math.min(...curlSyncMs) / best.ms,
      peakRssMiB: Math.max(...ours.map((o) => o.maxRssKiB)) / 1024,
      zstdTestMs: Math.min(...zstdMs),
      checkMs: Math.min(...checks.map((c) => c.ms)),
      checkRssMiB: Math.max(...checks.map((c) => c.maxRssKiB)) / 1024,
    };
    if (argv.includes('--json')) {
      process.stdout.write(JSON.stringify(row, null, 2) + '\n');
      return;
    }
    const rate = (ms) => (row.bytes / MiB / (ms / 1000)).toFixed(0);
    console.log('### Fetch: snapplan\'s download (.partial, each piece written as it arrives, fsync) vs `curl -o`, and its check vs `zstd -t`\n');
    console.log('| archive | curl MiB/s | snapplan MiB/s, all written | ratio (≥ 0.9) | curl + sync MiB/s | snapplan MiB/s with its fsync | ratio | peak RSS |');
    console.log('|---|---|---|---|---|---|---|---|');
    console.log(`| ${(row.bytes / GiB).toFixed(2)} GiB tar.zst | ${rate(row.curlMs)} | ${rate(row.snapplanWrittenMs)} | **${row.ratio.toFixed(2)}×** | ${rate(row.curlSyncMs)} | ${rate(row.snapplanMs)} | **${row.ratioSynced.toFixed(2)}×** | ${row.peakRssMiB.toFixed(0)} MiB |`);
    console.log('\n| check | time | ratio to `zstd -t` | peak RSS |');
    console.log('|---|---|---|---|');
    console.log(`| \`zstd -t\` (baseline: decode only) | ${(row.zstdTestMs / 1000).toFixed(2)} s | 1.00× | – |`);
    console.log(`| snapplan (decode to the end + tar walk) | ${(row.checkMs / 1000).toFixed(2)} s | **${(row.checkMs / row.zstdTestMs).toFixed(2)}×** | ${row.checkRssMiB.toFixed(0)} MiB |`);
    console.log(`\nLoad average at the start: ${load.toFixed(1)} on ${os.cpus().length} cores (figures from a busy machine are noise).`);
    if (row.ratio < 0.9 || row.ratioSynced < 0.9) {
      console.log(`\n**download below the 0.9× target** (${row.ratio < 0.9 ? 'against curl' : ''}${row.ratio < 0.9 && row.ratioSynced < 0.9 ? ' and ' : ''}${row.ratioSynced < 0.9 ? 'against curl + sync' : ''})`);
    }
  } finally {
    server?.kill();
    await rm(root, { recursive: true, force: true });
  }
}
