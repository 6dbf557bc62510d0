import { cp, readFile } from 'node:fs/promises';
import Ajv2020 from 'ajv/dist/2020.js';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fullName } from '../support/ledger-tree.js';
import { touch } from '../support/ledger-tree.js';
import { runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

// Agave 3.1+ writes SlotMeta's completed_data_indexes as a bit vector; a ledger upgraded from an
// older release holds both layouts. `plan` with the native reader (the default) must plan on
// them exactly as on the old layout, in every table format the fixtures have.
const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/rocksdb');
const NEW_LAYOUT_FIXTURES = ['fv5-v2', 'fv5-mixed', 'fv6-native-v2', 'fv6-native-mixed', 'fv7-native-v2', 'fv7-native-mixed'];
const noTool = { PATH: path.dirname(process.execPath) };
const SCHEMA = JSON.parse(await readFile(path.resolve(import.meta.dirname, '../../src/output/plan.schema.json'), 'utf8'));
const validate = new Ajv2020.default({ allErrors: true, strict: false }).compile(SCHEMA);

async function ledgerWith(fixture: string, baseSlot: number) {
  const root = await tempDir();
  const L = path.join(root, 'ledger');
  await cp(path.join(FIXTURES, fixture, 'rocksdb'), path.join(L, 'rocksdb'), { recursive: true });
  await touch(L, fullName(baseSlot));
  return { root, L };
}

describe.each(NEW_LAYOUT_FIXTURES)('plan on %s', (fixture) => {
  it('is reachable across the upgrade point (slot 250 rewritten in the new layout when mixed)', async () => {
    const { root, L } = await ledgerWith(fixture, 245);
    const run = await runMain(['plan', '--ledger', L, '--slot', '256', '--json'], { cwd: root, env: noTool });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.reachable).toBe(true);
    expect(doc.blocks).toMatchObject({ source: 'native', available: { first: 120, last: 420 }, missing: [], chain: { base: 245, target: 256, complete: true } });
    expect(doc.blocks.chain.chain).toEqual([256, 254, 253, 252, 251, 250, 249, 247, 246]);
    // not counted without --count, and still the published schema
    expect(doc.blocks).toMatchObject({ slotCount: null, counted: false, roots: { total: null } });
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const counted = JSON.parse((await runMain(['plan', '--ledger', L, '--slot', '256', '--json', '--count'], { cwd: root, env: noTool })).stdout);
    expect(counted.blocks).toMatchObject({ slotCount: 259, counted: true, available: { first: 120, last: 420 } });
    expect(validate(counted), JSON.stringify(validate.errors)).toBe(true);
  });

  it('finds the incomplete slot written in the new layout (exit 3)', async () => {
    const { root, L } = await ledgerWith(fixture, 340);
    const run = await runMain(['plan', '--ledger', L, '--slot', '350', '--json'], { cwd: root, env: noTool });
    expect(run.exitCode).toBe(3);
    const doc = JSON.parse(run.stdout);
    expect(doc.blocks.missing).toEqual([{ first: 345, last: 345 }]);
    expect(doc.findings.find((f: { code: string }) => f.code === 'blocks-missing').message).toMatch(/slot 345 is not full/);
  });

  it('finds the incomplete slot of the first phase and the unknown parent of the orphan', async () => {
    const { root, L } = await ledgerWith(fixture, 200);
    const run = await runMain(['plan', '--ledger', L, '--slot', '260', '--json'], { cwd: root, env: noTool });
    expect(run.exitCode).toBe(3);
    expect(JSON.parse(run.stdout).blocks.missing).toEqual([{ first: 240, last: 240 }]);
    const orphan = await ledgerWith(fixture, 320);
    const broken = await runMain(['plan', '--ledger', orphan.L, '--slot', '340', '--json'], { cwd: orphan.root, env: noTool });
    expect(broken.exitCode).toBe(3);
    expect(JSON.parse(broken.stdout).blocks.chain.firstProblem).toEqual({ slot: 330, problem: 'no-parent' });
  });
});
