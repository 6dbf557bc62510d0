import { cp } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installFakeLedgerTool, VERSIONS } from '../support/fake-ledger-tool.js';
import { fullName, incrementalName, touch } from '../support/ledger-tree.js';
import { runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { fingerprintTree } from '../support/tree-snapshot.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures');

/** A ledger whose rocksdb/ is a copy of a real fixture database, with archives at the given slots. */
async function ledgerWith(rocksdb: string, archives: string[]) {
  const root = await tempDir();
  const L = path.join(root, 'ledger');
  await cp(path.join(FIXTURES, rocksdb), path.join(L, 'rocksdb'), { recursive: true });
  for (const name of archives) await touch(L, name);
  return { root, L };
}

const noTool = { PATH: path.dirname(process.execPath) };

describe('plan reads the blockstore natively by default', () => {
  it('agrees with agave-ledger-tool bounds on the demo blockstore and walks the chain X → S', async () => {
    const { root, L } = await ledgerWith('demo/ledger/rocksdb', [fullName(289600000), incrementalName(289600000, 289624900)]);
    const native = JSON.parse((await runMain(['plan', '--ledger', L, '--slot', '289624982', '--json', '--count'], { cwd: root, env: noTool })).stdout);
    expect(native.blocks).toMatchObject({
      source: 'native',
      available: { first: 289624000, last: 289625410 },
      slotCount: 1303,
      counted: true,
      roots: { total: 1275, first: 289624000, last: 289625380 },
      missing: [],
      chain: { base: 289624900, target: 289624982, complete: true, firstProblem: null },
    });
    // 82 slots in (S, X], every 13th skipped by its leader: skipped slots are not missing.
    expect(native.blocks.chain.chain).toHaveLength(76);
    expect(native.reachable).toBe(true);

    // The stand-in tool reports what the demo fixture generator recorded for the same database.
    const bin = await installFakeLedgerTool(root, JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(path.join(FIXTURES, 'demo/bin/ledger-tool.json'), 'utf8'))));
    const tool = JSON.parse(
      (await runMain(['plan', '--ledger', L, '--slot', '289624982', '--json', '--bounds-from', 'ledger-tool'], { cwd: root, env: { PATH: `${bin}:${noTool.PATH}` } })).stdout,
    );
    expect(tool.blocks.available).toEqual(native.blocks.available);
    expect(tool.blocks.slotCount).toBe(native.blocks.slotCount);
    expect(tool.blocks.roots).toEqual(native.blocks.roots);

    // without --count the native reader seeks the edges only, and says the count was not computed
    const seek = await runMain(['plan', '--ledger', L, '--slot', '289624982', '--json'], { cwd: root, env: noTool });
    expect(JSON.parse(seek.stdout).blocks).toMatchObject({ available: native.blocks.available, slotCount: null, counted: false, roots: { total: null, first: 289624000, last: 289625380 }, chain: { complete: true } });
    const text = await runMain(['plan', '--ledger', L, '--slot', '289624982'], { cwd: root, env: noTool });
    expect(text.stdout).toMatch(/blockstore +slots 289624000–289625410 \(not counted: add --count, rooted to 289625380\), read from rocksdb\//);
    const counted = await runMain(['plan', '--ledger', L, '--slot', '289624982', '--count'], { cwd: root, env: noTool });
    expect(counted.stdout).toMatch(/slots 289624000–289625410 \(1303 slots, rooted to 289625380\)/);
  });

  it('finds an incomplete slot on the chain that the range alone would hide (exit 3)', async () => {
    // fv5-layered: slot 240 is on the chain from 260 down to 200 and is not full.
    const { root, L } = await ledgerWith('rocksdb/fv5-layered/rocksdb', [fullName(200)]);
    const run = await runMain(['plan', '--ledger', L, '--slot', '260', '--json'], { cwd: root, env: noTool });
    expect(run.exitCode).toBe(3);
    const doc = JSON.parse(run.stdout);
    expect(doc.blocks.missing).toEqual([{ first: 240, last: 240 }]);
    expect(doc.findings.find((f: { code: string }) => f.code === 'blocks-missing').message).toMatch(/slot 240 is not full/);
    const ranged = await runMain(['plan', '--ledger', L, '--slot', '260', '--json', '--blocks', '120..400'], { cwd: root, env: noTool });
    expect(ranged.exitCode).toBe(0); // with only a range, the hole is invisible
  });

  it('never writes inside rocksdb/ (no LOCK taken, no file created)', async () => {
    const { root, L } = await ledgerWith('rocksdb/fv5-layered/rocksdb', [fullName(200)]);
    const before = await fingerprintTree(L);
    await runMain(['plan', '--ledger', L, '--slot', '260'], { cwd: root, env: noTool });
    await runMain(['blockstore', '--ledger', L, '--slot', '260', '--json'], { cwd: root, env: noTool });
    expect(await fingerprintTree(L)).toEqual(before);
  });

  it('a ledger without rocksdb/ is a clear error that names the other sources', async () => {
    const root = await tempDir();
    await touch(root, `ledger/${fullName(100)}`);
    const run = await runMain(['plan', '--ledger', 'ledger', '--slot', '200'], { cwd: root, env: noTool });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/No blockstore at .*ledger\/rocksdb/);
  });

  it('an unreadable blockstore reports exit 1 and suggests --bounds-from ledger-tool', async () => {
    const { root, L } = await ledgerWith('demo/ledger/rocksdb', [fullName(289600000)]);
    await touch(L, 'rocksdb/CURRENT', 'MANIFEST-999999\n'); // names a MANIFEST that does not exist
    const run = await runMain(['plan', '--ledger', L, '--slot', '289624982'], { cwd: root, env: noTool });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/--bounds-from ledger-tool/);
  });
});

describe('snapplan blockstore', () => {
  it('prints the range, the roots and the chain to the base plan would use', async () => {
    const { root, L } = await ledgerWith('demo/ledger/rocksdb', [fullName(289600000), incrementalName(289600000, 289624900)]);
    const text = await runMain(['blockstore', '--ledger', L, '--slot', '289624982'], { cwd: root, env: noTool });
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('slots  1303 slots from 289624000 to 289625410');
    expect(text.stdout).toContain('roots  1275 rooted slots from 289624000 to 289625380');
    expect(text.stdout).toContain('chain  289624982 back to 289624900 (the base snapshot plan would use): 76 slots walked');
    expect(text.stdout).toContain('every block on the chain is present and full');
  });

  it('--json, --base, and exit 3 for a broken chain', async () => {
    const { root, L } = await ledgerWith('rocksdb/fv5-layered/rocksdb', []);
    const run = await runMain(['blockstore', '--ledger', L, '--slot', '260', '--base', '200', '--json'], { cwd: root, env: noTool });
    expect(run.exitCode).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({
      schemaVersion: 1,
      command: 'blockstore',
      source: 'native',
      chain: { base: 200, target: 260, complete: false, firstProblem: { slot: 240, problem: 'incomplete' }, baseFrom: 'flag' },
    });
    const plain = await runMain(['blockstore', '--ledger', L, '--json'], { cwd: root, env: noTool });
    expect(plain.exitCode).toBe(0);
    expect(JSON.parse(plain.stdout).chain).toBeNull();
  });

  it('refuses --base without --slot, a base above the slot, and a slot with no snapshot below it', async () => {
    const { root, L } = await ledgerWith('rocksdb/fv5-layered/rocksdb', []);
    const cases: Array<[string[], RegExp]> = [
      [['--base', '200'], /--base needs --slot/],
      [['--slot', '200', '--base', '260'], /--base 260 is not below --slot 200/],
      [['--slot', '260'], /No snapshot archive below slot 260/],
    ];
    for (const [argv, message] of cases) {
      const run = await runMain(['blockstore', '--ledger', L, ...argv], { cwd: root, env: noTool });
      expect(run.exitCode, argv.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });

  it('can ask agave-ledger-tool instead', async () => {
    const { root, L } = await ledgerWith('demo/ledger/rocksdb', []);
    const bin = await installFakeLedgerTool(root, { version: VERSIONS.agave3, bounds: { slots: { total: 3, first: 5, last: 9 }, roots: null } });
    const run = await runMain(['blockstore', '--ledger', L, '--bounds-from', 'ledger-tool', '--json'], { cwd: root, env: { PATH: `${bin}:${noTool.PATH}` } });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ source: 'ledger-tool', slots: { total: 3, first: 5, last: 9 }, roots: null, ledgerTool: { version: '3.0.6' } });
  });
});
