// Benchmark: `snapplan plan --json` on a generated ledger of 10,000 archives and 1,000 bank
// snapshot folders, against bare `node -e ''` measured in the same run. Target: within 4× of
// bare Node start-up; Ink and React never loaded. Prints a Markdown table; exit 1 on a miss.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import bs58 from 'bs58';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin/snapplan.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

export function makeLedger(dir, { fulls = 400, incrementalsPerFull = 24, banks = 1000 } = {}) {
  const hash = (seed) => bs58.encode(createHash('sha256').update(seed).digest());
  // Every archive is a tiny real tar.zst: plan reads the header of the archives it may use.
  writeFileSync(path.join(dir, 'version'), '1.2.0');
  const archive = execFileSync('sh', ['-c', 'tar -C "$1" -cf - version | zstd -q -c', 'sh', dir]);
  rmSync(path.join(dir, 'version'));
  mkdirSync(path.join(dir, 'remote'), { recursive: true });
  let count = 0;
  for (let f = 0; f < fulls; f++) {
    const base = 250_000_000 + f * 25_000;
    const folder = f % 10 === 0 ? path.join(dir, 'remote') : dir;
    writeFileSync(path.join(folder, `snapshot-${base}-${hash(`f${base}`)}.tar.zst`), archive);
    count++;
    for (let i = 1; i <= incrementalsPerFull; i++) {
      const slot = base + i * 100;
      writeFileSync(path.join(dir, `incremental-snapshot-${base}-${slot}-${hash(`i${slot}`)}.tar.zst`), archive);
      count++;
    }
  }
  for (let b = 0; b < banks; b++) {
    const slot = 250_000_000 + b * 10_000;
    const bank = path.join(dir, 'snapshots', String(slot));
    mkdirSync(bank, { recursive: true });
    writeFileSync(path.join(bank, 'version'), '1.2.0');
    writeFileSync(path.join(bank, String(slot)), 'b');
    writeFileSync(path.join(bank, 'status_cache'), 's');
  }
  return count;
}

function timeRuns(command, args, env) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.status !== 0 && result.status !== 3) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

// Two targets on the same tree: a restart slot just below the newest snapshots (what an
// operator meets: a few dozen archives to move), and one in the middle (5,486 to move).
const SCENARIOS = [
  { name: 'X near the newest snapshots', slot: 250_000_000 + 399 * 25_000 + 50 },
  { name: 'X mid-range (stress)', slot: 250_000_000 + 200 * 25_000 + 1234 },
];

export function runPlanBench() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'snapplan-bench-plan-'));
  try {
    const archives = makeLedger(dir);
    const env = { ...process.env, PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin` };
    const argvFor = (X) => [BIN, 'plan', '--ledger', dir, '--slot', String(X), '--blocks', `${X - 5000}..${X + 5000}`, '--json'];
    // Warm the page cache and check each run once before timing.
    for (const s of SCENARIOS) {
      const out = execFileSync(process.execPath, argvFor(s.slot), { env, maxBuffer: 1 << 28 });
      s.moves = JSON.parse(out).quarantine.length;
    }
    const bare = timeRuns(process.execPath, ['-e', ''], env);
    const results = SCENARIOS.map((s) => ({ ...s, ms: timeRuns(process.execPath, argvFor(s.slot), env) }));
    // For scale: the bundled demo ledger (7 archives, 2 bank snapshots, a real blockstore).
    const demo = path.join(ROOT, 'fixtures/demo/ledger');
    const demoArgv = [BIN, 'plan', '--ledger', demo, '--slot', '289624982', '--json'];
    results.push({ name: 'demo ledger (7 archives), --blocks', moves: 4, ms: timeRuns(process.execPath, [...demoArgv, '--blocks', '289624000..289625410'], env) });
    results.push({ name: 'demo ledger, blockstore read natively', moves: 4, ms: timeRuns(process.execPath, demoArgv, env) });
    const argv = argvFor(SCENARIOS[0].slot);

    const trace = path.join(dir, 'loads.txt');
    writeFileSync(trace, '');
    spawnSync(process.execPath, ['--import', path.join(ROOT, 'bench/trace-loads.mjs'), ...argv], { env: { ...env, SNAPPLAN_TRACE_LOADS: trace }, stdio: 'ignore' });
    const loaded = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
    const uiLoaded = loaded.filter((url) => /\/node_modules\/(ink|react|react-reconciler)\//.test(url));
    return { archives, banks: 1000, runs: RUNS, bareMs: bare, results, modules: loaded.length, uiLoaded };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = runPlanBench();
  console.log('## plan: 10,000 archives + 1,000 bank snapshots\n');
  console.log(`| measure (${r.archives} archives, ${r.banks} bank snapshot folders) | median of ${r.runs} runs | ratio |`);
  console.log('|---|---|---|');
  console.log(`| bare \`node -e ''\` (baseline) | ${r.bareMs.toFixed(1)} ms | 1.00× |`);
  for (const s of r.results) {
    console.log(`| \`snapplan plan --json\`, ${s.name}: ${s.moves} items to move | ${s.ms.toFixed(1)} ms | **${(s.ms / r.bareMs).toFixed(2)}×** |`);
  }
  console.log(`\nTarget: ≤ 4.00× of the baseline. Modules loaded by plan: ${r.modules}; Ink/React: ${r.uiLoaded.length === 0 ? 'none' : r.uiLoaded.join(', ')}.`);
  if (r.uiLoaded.length > 0) process.exitCode = 1;
}
