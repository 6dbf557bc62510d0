import { chmod, cp, readdir, readFile, truncate, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { installFakeLedgerTool, VERSIONS } from '../support/fake-ledger-tool.js';
import { fullName, touch } from '../support/ledger-tree.js';
import { BIN, runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

// What an operator meets on a damaged or foreign blockstore (issue 11 items 6 and 13, issue 12
// part 2): one sentence naming the file, a remedy, exit 1 or 2, never a stack trace.
const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/rocksdb');
const noTool = { PATH: path.dirname(process.execPath) };

async function ledgerWith(fixture: string, archives: string[] = []) {
  const root = await tempDir();
  const L = path.join(root, 'ledger');
  await cp(path.join(FIXTURES, fixture, 'rocksdb'), path.join(L, 'rocksdb'), { recursive: true });
  for (const name of archives) await touch(L, name);
  return { root, L, db: path.join(L, 'rocksdb') };
}

const manifestOf = async (db: string): Promise<string> => path.join(db, (await readdir(db)).find((f) => f.startsWith('MANIFEST-')) as string);

describe('blockstore diagnoses', () => {
  it('a truncated MANIFEST is called truncated, not "not an Agave blockstore" (exit 1)', async () => {
    const { root, L, db } = await ledgerWith('fv5-layered');
    const manifest = await manifestOf(db);
    // cut inside the second record: the families are defined further on
    const bytes = await readFile(manifest);
    const second = 7 + bytes.readUInt16LE(4);
    await truncate(manifest, second + 9);
    for (const command of [['blockstore'], ['plan', '--slot', '260']]) {
      const run = await runMain([...command, '--ledger', L], { cwd: root, env: noTool });
      expect(run.exitCode, command[0]).toBe(1);
      expect(run.stderr).toMatch(/MANIFEST-\d+ is truncated or damaged: it ends in a broken record/);
      expect(run.stderr).not.toMatch(/not an Agave blockstore|This is a bug|at .*\.js:\d+/);
      expect(run.stderr).toMatch(/agave-ledger-tool and the validator would fail/);
    }
  });

  it('a missing 000051.sst is named as RocksDB names it, with the hint that the ledger tool fails too (exit 1)', async () => {
    const { root, L, db } = await ledgerWith('fv5-layered', [fullName(200)]);
    await unlink(path.join(db, '000051.sst'));
    const run = await runMain(['plan', '--ledger', L, '--slot', '260'], { cwd: root, env: noTool });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/000051\.sst \(the live table of column family "meta"\) is missing/);
    expect(run.stderr).not.toContain('.ldb');
    expect(run.stderr).toMatch(/agave-ledger-tool and the validator would fail on it too/);
  });

  it('a missing table of a family snapplan never reads (data_shred) is refused too, instead of "reachable"', async () => {
    const { root, L, db } = await ledgerWith('fv6-native-v2', [fullName(390)]);
    const ok = await runMain(['plan', '--ledger', L, '--slot', '419'], { cwd: root, env: noTool });
    expect(ok.exitCode).toBe(0);
    await unlink(path.join(db, '000011.sst'));
    const run = await runMain(['plan', '--ledger', L, '--slot', '419', '--json'], { cwd: root, env: noTool });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/000011\.sst \(the live table of column family "data_shred"\) is missing/);
  });

  it('--bounds-from ledger-tool with --slot says, in text and JSON, that the chain was not checked', async () => {
    const { root, L } = await ledgerWith('fv5-layered', [fullName(200)]);
    const bin = await installFakeLedgerTool(root, { version: VERSIONS.agave3, bounds: { slots: { total: 259, first: 120, last: 420 }, roots: null } });
    const env = { PATH: `${bin}:${noTool.PATH}` };
    const json = await runMain(['blockstore', '--ledger', L, '--slot', '260', '--bounds-from', 'ledger-tool', '--json'], { cwd: root, env });
    expect(JSON.parse(json.stdout)).toMatchObject({ source: 'ledger-tool', chain: null, chainNotChecked: expect.stringMatching(/parent chain from 260 down to 200 was not checked/) });
    const text = await runMain(['blockstore', '--ledger', L, '--slot', '260', '--bounds-from', 'ledger-tool'], { cwd: root, env });
    expect(text.stdout).toMatch(/chain not checked: The parent chain from 260 down to 200 was not checked/);
    expect(text.stdout).toContain('--bounds-from native');
    // the native reader does walk it (and finds slot 240 incomplete)
    const native = await runMain(['blockstore', '--ledger', L, '--slot', '260', '--json'], { cwd: root, env: noTool });
    expect(JSON.parse(native.stdout)).toMatchObject({ chainNotChecked: null, chain: { complete: false } });
  });
});

// The tests run as root; the operator's case is another user than the validator's.
const asNobody = process.getuid?.() === 0;
describe.skipIf(!asNobody)('unreadable blockstore files, read as another user (setpriv to nobody)', () => {
  async function runAsNobody(args: string[], cwd: string) {
    const r = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args], {
      cwd,
      env: { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, NO_COLOR: '1' },
      extendEnv: false,
      reject: false,
      timeout: 20_000,
    });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  it.each([
    ['rocksdb/', async (db: string) => chmod(db, 0o700), /Permission denied reading .*ledger\/rocksdb/],
    ['the MANIFEST', async (db: string) => chmod(await manifestOf(db), 0o600), /Permission denied reading .*MANIFEST-\d+/],
    ['an SST', async (db: string) => chmod(path.join(db, '000051.sst'), 0o600), /Permission denied reading .*000051\.sst/],
    ['a WAL', async (db: string) => chmod(path.join(db, '000097.log'), 0o600), /Permission denied reading .*000097\.log/],
  ])('%s: one sentence naming it, with a remedy, exit 2', async (_what, lock, message) => {
    const { root, L, db } = await ledgerWith('fv5-layered', [fullName(200)]);
    for (const dir of [root, L]) await chmod(dir, 0o755);
    for (const f of await readdir(db)) await chmod(path.join(db, f), 0o644);
    await chmod(db, 0o755);
    await lock(db);
    const run = await runAsNobody(['plan', '--ledger', L, '--slot', '260'], root);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/snapplan runs as uid 65534/);
    expect(run.stderr).toMatch(/Run snapplan as the validator's user/);
    expect(run.stderr).not.toMatch(/This is a bug| {4}at /);
    expect(run.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
    expect(run.exitCode).toBe(2);
  });

  it('reads the same database when it is readable (the failure above is the permission)', async () => {
    const { root, L, db } = await ledgerWith('fv5-layered', [fullName(200)]);
    for (const dir of [root, L, db]) await chmod(dir, 0o755);
    await writeFile(path.join(root, 'marker'), '');
    const run = await runAsNobody(['blockstore', '--ledger', L], root);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
  });
});
