import { readFile, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { fingerprintTree } from '../support/tree-snapshot.js';
import { VERSIONS } from '../support/fake-ledger-tool.js';
import { fullName, touch } from '../support/ledger-tree.js';
import { restartLedger, X } from '../support/restart-ledger.js';
import { BIN, runBin, runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const SCHEMA = JSON.parse(await readFile(path.resolve(import.meta.dirname, '../../src/output/plan.schema.json'), 'utf8'));
const validate = new Ajv2020.default({ allErrors: true, strict: false }).compile(SCHEMA);

const TOOL = ['--bounds-from', 'ledger-tool'];

const ANSI = new RegExp(String.fromCharCode(27) + '\\[');

describe('snapplan plan (in process)', () => {
  it('explains a reachable restart: base, moves, findings and the next commands', async () => {
    const { root, L, env } = await restartLedger();
    const run = await runMain(['plan', '--ledger', L, '--slot', X, ...TOOL], { cwd: root, env });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('✔ Reachable once 3 items are moved aside');
    expect(run.stdout).toContain('newer-snapshots');
    expect(run.stdout).toContain('bank-snapshot-at-or-after-target');
    expect(run.stdout).toContain(`agave-ledger-tool --ledger ${L} --snapshots ${L} --incremental-snapshot-archive-path ${L} create-snapshot ${X} ${L} --hard-fork ${X}`);
    expect(run.stdout).toContain('1 entry ignored as not snapshots');
    expect(run.stdout).not.toMatch(ANSI); // no colour without a terminal
  });

  it('prints one JSON document that matches the published schema, with absolute paths', async () => {
    const { root, L, env } = await restartLedger();
    const run = await runMain(['plan', '--ledger', 'ledger', '--slot', X, '--json', ...TOOL], { cwd: root, env });
    expect(run.exitCode).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc).toMatchObject({
      schemaVersion: 1,
      targetSlot: 289624982,
      reachable: true,
      baseSlot: 289624900,
      base: { full: { kind: 'full', slot: 289600000, format: 'tar.zst', path: path.join(L, fullName(289600000)) }, incremental: { baseSlot: 289600000, slot: 289624900 } },
      blocks: { needed: { first: 289624901, last: 289624982 }, available: { first: 289624000, last: 289625410 }, missing: [], source: 'ledger-tool' },
      ledgerTool: { version: '2.1.13', flagEra: 'v2' },
    });
    expect(doc.quarantine.map((q: { kind: string; slot: number }) => `${q.kind}@${q.slot}`)).toEqual(['full@289625000', 'incremental@289625100', 'bank-snapshot@289625100']);
    expect(doc.ignored).toEqual([{ path: path.join(L, 'tmp-snapshot-archive-289625300.tar.zst'), reason: expect.stringMatching(/in-progress/) }]);
    expect(doc.commands.at(-1)).toMatch(/create-snapshot 289624982 /);
  });

  it('accepts the design card\'s --plan form as the same command', async () => {
    const { root, L, env } = await restartLedger();
    const a = await runMain(['plan', '--ledger', L, '--slot', X, '--json'], { cwd: root, env });
    const b = await runMain(['--plan', '--ledger', L, '--slot', X, '--json'], { cwd: root, env });
    expect(b.exitCode).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });

  it('exits 3 when X is not reachable, naming the cause', async () => {
    const { root, L, env } = await restartLedger();
    const early = await runMain(['plan', '--ledger', L, '--slot', '289500000', '--json', ...TOOL], { cwd: root, env });
    expect(early.exitCode).toBe(3);
    expect(JSON.parse(early.stdout).findings[0].code).toBe('no-base-snapshot');
    const late = await runMain(['plan', '--ledger', L, '--slot', '289625500', ...TOOL], { cwd: root, env });
    expect(late.exitCode).toBe(3);
    expect(late.stdout).toContain('✘ Not reachable');
    expect(late.stdout).toContain('blocks-missing');
    expect(late.stdout).toContain('slots 289625411–289625500');
  });

  it('reads the text form printed by releases without JSON output', async () => {
    const { root, L, env } = await restartLedger({ version: VERSIONS.solana114, textOnly: true }, 'solana-ledger-tool');
    const run = await runMain(['plan', '--ledger', L, '--slot', X, '--json', ...TOOL], { cwd: root, env });
    expect(run.exitCode).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.blocks.available).toEqual({ first: 289624000, last: 289625410 });
    expect(doc.ledgerTool).toMatchObject({ version: '1.14.17', flagEra: 'v1', path: expect.stringMatching(/solana-ledger-tool$/) });
    expect(doc.commands.at(-1)).toMatch(/^solana-ledger-tool --ledger .* --snapshot-archive-path /);
  });

  it('uses >= 3.0 flags for Agave 3 and 4', async () => {
    for (const version of [VERSIONS.agave3, VERSIONS.agave4]) {
      const { root, L, env } = await restartLedger({ version });
      const doc = JSON.parse((await runMain(['plan', '--ledger', L, '--slot', X, '--json', ...TOOL], { cwd: root, env })).stdout);
      expect(doc.commands.at(-1)).toContain(`--snapshots ${L} --full-snapshot-archive-path ${L} --incremental-snapshot-archive-path ${L}`);
    }
  });

  it('takes the range from --blocks without any ledger tool, and says the version is unknown', async () => {
    const { root, L } = await restartLedger();
    const env = { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin` };
    const run = await runMain(['plan', '--ledger', L, '--slot', X, '--blocks', '289624000..289625000', '--json'], { cwd: root, env });
    expect(run.exitCode).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.blocks).toMatchObject({ source: 'manual', available: { first: 289624000, last: 289625000 }, missing: [] });
    expect(doc.ledgerTool).toBeNull();
    expect(doc.findings.map((f: { code: string }) => f.code)).toContain('ledger-tool-version-unknown');
  });

  it('keeps u64 slots exact end to end', async () => {
    const root = await tempDir();
    const L = path.join(root, 'ledger');
    await touch(L, fullName(18446744073709551000n));
    const run = await runMain(['plan', '--ledger', L, '--slot', '18446744073709551615', '--blocks', '18446744073709551001..18446744073709551615', '--json'], {
      cwd: root,
      env: { PATH: '/nonexistent' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('"targetSlot": 18446744073709551615');
    expect(run.stdout).toContain('"baseSlot": 18446744073709551000');
  });

  it('never changes anything on disk', async () => {
    const { root, L, env } = await restartLedger();
    const before = await fingerprintTree(root);
    for (const argv of [['--json'], [], ['--show-ignored'], ['--slot', '1']]) {
      await runMain(['plan', '--ledger', L, '--slot', X, ...argv], { cwd: root, env });
    }
    expect(await fingerprintTree(root)).toEqual(before);
  });
});

describe('snapplan plan: bad input gets one clear sentence and the right exit code', () => {
  it.each([
    [['--slot', '-5'], 2, /--slot "-5" is not a valid slot: slots cannot be negative/],
    [['--slot', '18446744073709551616'], 2, /larger than the largest slot/],
    [['--slot', 'latest'], 2, /not a whole number/],
    [['--slot', X, '--blocks', '10-20'], 2, /FIRST\.\.LAST/],
    [['--slot', X, '--ledger-tool-timeout', '0'], 2, /not a positive number of seconds/],
    [['--slot', X, '--ledger-tool', './nope/agave-ledger-tool'], 2, /--ledger-tool .*no executable file there/],
  ])('%j → exit %i', async (argv, code, message) => {
    const { root, L, env } = await restartLedger();
    const run = await runMain(['plan', '--ledger', L, ...argv], { cwd: root, env });
    expect(run.exitCode).toBe(code);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(run.stdout).toBe('');
  });

  it('a missing ledger folder', async () => {
    const root = await tempDir();
    const run = await runMain(['plan', '--ledger', 'missing', '--slot', X], { cwd: root, env: {} });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/The folder .*missing \(--ledger\) does not exist\./);
  });

  it('a missing --slot or unknown flag is a usage error', async () => {
    const root = await tempDir();
    expect((await runMain(['plan', '--ledger', root], { cwd: root })).exitCode).toBe(2);
    const unknown = await runMain(['plan', '--ledger', root, '--slot', '5', '--frobnicate'], { cwd: root });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown argument: frobnicate/);
  });

  it('no ledger tool on PATH when bounds come from it', async () => {
    const { root, L } = await restartLedger();
    const run = await runMain(['plan', '--ledger', L, '--slot', X, ...TOOL], { cwd: root, env: { PATH: path.dirname(process.execPath) } });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/Neither agave-ledger-tool nor solana-ledger-tool is on PATH/);
    expect(run.stderr).toMatch(/Pass --ledger-tool PATH/);
  });

  it('a ledger tool that fails: its last lines and a hint', async () => {
    const stderr = 'Error: failed to open blockstore: RocksDb(Error { message: "IO error: While lock file: /mnt/ledger/rocksdb/LOCK: Resource temporarily unavailable" })\n';
    const { root, L, env } = await restartLedger({ fail: { exitCode: 1, stderr } });
    const run = await runMain(['plan', '--ledger', L, '--slot', X, ...TOOL], { cwd: root, env });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/agave-ledger-tool bounds exited with code 1/);
    expect(run.stderr).toContain('| Error: failed to open blockstore');
    expect(run.stderr).toMatch(/the validator is probably still running/);
  });

  it('a ledger tool that hangs is stopped at the time-out', async () => {
    const { root, L, env } = await restartLedger({ hangSeconds: 30 });
    const started = Date.now();
    const run = await runMain(['plan', '--ledger', L, '--slot', X, '--ledger-tool-timeout', '1', ...TOOL], { cwd: root, env });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/did not finish within 1 s and was stopped/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a ledger tool that prints something unexpected', async () => {
    const { root, L, env } = await restartLedger({ rawBounds: 'Ledger has data for lots of slots\n' });
    const run = await runMain(['plan', '--ledger', L, '--slot', X, ...TOOL], { cwd: root, env });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/printed something snapplan cannot read/);
    expect(run.stderr).toContain('| Ledger has data for lots of slots');
  });
});

describe('bin/snapplan.js (child process)', () => {
  it('exits with the plan\'s code and colours only when asked', async () => {
    const { root, L, env } = await restartLedger();
    const plain = await runBin(['plan', '--ledger', L, '--slot', X], { cwd: root, env });
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout).not.toMatch(ANSI);
    const forced = await runBin(['plan', '--ledger', L, '--slot', X], { cwd: root, env: { ...env, FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(ANSI);
    const unreachable = await runBin(['plan', '--ledger', L, '--slot', '1', '--json'], { cwd: root, env });
    expect(unreachable.exitCode).toBe(3);
    const usage = await runBin(['plan'], { cwd: root, env });
    expect(usage.exitCode).toBe(2);
  });

  it('loads no UI code (Ink, React) for plan, and no RocksDB reader when --blocks is given', async () => {
    const { root, L, env } = await restartLedger();
    const trace = path.join(root, 'loads.txt');
    await writeFile(trace, '');
    const run = await execa(process.execPath, ['--import', path.resolve(import.meta.dirname, '../../bench/trace-loads.mjs'), BIN, 'plan', '--ledger', L, '--slot', X, '--blocks', '289624000..289625410'], {
      cwd: root,
      env: { ...env, SNAPPLAN_TRACE_LOADS: trace },
      extendEnv: false,
      reject: false,
    });
    expect(run.exitCode).toBe(0);
    const loaded = (await readFile(trace, 'utf8')).split('\n').filter(Boolean);
    expect(loaded.some((url) => url.endsWith('/dist/bundle/cli/main.js'))).toBe(true); // the trace works
    expect(loaded.filter((url) => /\/node_modules\/(ink|react|react-reconciler)\//.test(url))).toEqual([]);
    // bin/ runs the bundle (scripts/bundle.mjs): the reader is its own lazy entry, and none of
    // its code may have slipped into a chunk that plan loads.
    const ours = loaded.filter((url) => url.includes('/dist/bundle/')).map((url) => fileURLToPath(url));
    expect(ours.filter((file) => file.endsWith('/agave/blockstore/native-source.js'))).toEqual([]);
    const withReader = await Promise.all(ours.map(async (file) => ((await readFile(file, 'utf8')).includes('TableCursor') ? file : null)));
    expect(withReader.filter(Boolean)).toEqual([]);
    expect(await readFile(path.resolve(import.meta.dirname, '../../dist/bundle/agave/blockstore/native-source.js'), 'utf8')).toContain('TableCursor'); // the probe works
  });

  it('stops quietly when its reader closes the pipe early (plan --json | head)', async () => {
    const { root, L, env } = await restartLedger();
    // Enough archives for a document far larger than a pipe's buffer.
    for (let i = 0; i < 3000; i++) await touch(L, fullName(100_000 + i));
    const child = execa(process.execPath, [BIN, 'plan', '--ledger', L, '--slot', X, '--blocks', '289624000..289625410', '--json'], {
      cwd: root, env, extendEnv: false, reject: false, timeout: 20_000, buffer: { stdout: false },
    });
    // Read the first chunk, then close the pipe like `head -c` would.
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    child.stdout.destroy();
    const result = await child;
    expect(first).toContain('"schemaVersion": 1');
    expect(result.stderr).not.toMatch(/EPIPE|Unhandled|at /);
    expect(result.exitCode).toBe(0);
  });

  it('prints help and the version', async () => {
    const root = await tempDir();
    const help = await runBin(['--help'], { cwd: root });
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/snapplan plan +Check whether a snapshot at slot X can be created/);
    expect(help.stdout).toContain('Exit codes: 0 done');
    const version = await runBin(['--version'], { cwd: root });
    // The version, the commit it was built from (or "unknown") and the Node.js running it.
    expect(version.stdout.trim()).toMatch(/^snapplan \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}(-dirty)?|unknown)\)\nNode\.js v\d+\.\d+\.\d+ on \w+ \w+$/);
  });
});
