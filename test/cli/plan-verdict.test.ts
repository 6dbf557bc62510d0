import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { bankSnapshot, fullName, incrementalName, touch } from '../support/ledger-tree.js';
import { restartLedger, X } from '../support/restart-ledger.js';
import { BIN, runMain } from '../support/run-cli.js';

// Issue 11, items 1, 2, 6 and 16: the verdict is never a false "Reachable", on ledgers a
// tired operator or a hostile file system leaves behind.
const SCHEMA = JSON.parse(await readFile(path.resolve(import.meta.dirname, '../../src/output/plan.schema.json'), 'utf8'));
const validate = new Ajv2020.default({ allErrors: true, strict: false }).compile(SCHEMA);

interface Doc {
  reachable: boolean;
  baseSlot: number | null;
  base: { full: { slot: number }; incremental: { slot: number } | null } | null;
  quarantine: Array<{ path: string; reason: string }>;
  findings: Array<{ code: string; severity: string; message: string; remedy: string }>;
  commands: string[];
  inventory: { archives: Array<{ path: string; problem: { code: string; message: string } | null; checked: string }>; bankSnapshots: Array<{ slot: number; problems: string[] }> };
}

async function planJson(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ exitCode: number; doc: Doc; stderr: string }> {
  const run = await runMain(['plan', ...args, '--json'], { cwd, env });
  const doc = JSON.parse(run.stdout) as Doc;
  expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  return { exitCode: run.exitCode, doc, stderr: run.stderr };
}

/** A real tar.zst of `bytes` random bytes (incompressible, so the cut lands in the data). */
function realTarZst(dir: string, bytes: number): Buffer {
  execFileSync('sh', ['-c', 'head -c "$1" /dev/urandom > "$2/accounts.bin"', 'sh', String(bytes), dir]);
  return execFileSync('sh', ['-c', 'tar -C "$1" -cf - accounts.bin | zstd -q -c', 'sh', dir], { maxBuffer: 64 * 1024 * 1024 });
}

describe('bad archives are never the base (item 1)', () => {
  it('a 0-byte full above the base: not reachable, moved aside on the list, the base Agave picks after the move', async () => {
    const { root, L, env } = await restartLedger();
    const empty = await touch(L, fullName(289624940), '');
    const { exitCode, doc } = await planJson(['--ledger', L, '--slot', X], root, env);
    expect(exitCode).toBe(3);
    expect(doc.reachable).toBe(false);
    expect(doc.base?.full.slot).toBe(289600000);
    expect(doc.baseSlot).toBe(289624900);
    expect(doc.quarantine.find((q) => q.path === empty)?.reason).toMatch(/^not loadable \(is empty \(0 bytes\)\)/);
    const bad = doc.findings.find((f) => f.code === 'bad-archive');
    expect(bad).toMatchObject({ severity: 'error', message: `The full archive ${empty} is empty (0 bytes); Agave would pick it as the base and fail.` });
    expect(bad?.remedy).toMatch(/mv -n -- .* and plan again: the base is then the full archive at 289600000 with the incremental at 289624900\.$/);
    expect(doc.inventory.archives.find((a) => a.path === empty)).toMatchObject({ problem: { code: 'empty' }, checked: 'header' });
  });

  it('a 2-byte .tar.lz4 incremental on the base full is not taken; a garbage one neither', async () => {
    const { root, L, env } = await restartLedger();
    const tiny = await touch(L, incrementalName(289600000, 289624950, 'tar.lz4'), 'hi');
    const garbage = await touch(L, incrementalName(289600000, 289624960), 'stand-in, not zstd\n');
    const { exitCode, doc } = await planJson(['--ledger', L, '--slot', X], root, env);
    expect(exitCode).toBe(3);
    expect(doc.baseSlot).toBe(289624900);
    expect(doc.findings.filter((f) => f.code === 'bad-archive').map((f) => [f.severity, f.message])).toEqual([
      ['error', `The incremental archive ${garbage} does not start with the zstd frame magic (28 b5 2f fd): it is not a zstd file; Agave would pick it as the base and fail.`],
      ['error', `The incremental archive ${tiny} is only 2 bytes long, shorter than an lz4 frame header; Agave would pick it as the base and fail.`],
    ]);
  });

  it('reads only the archives Agave would try: none below a good base', async () => {
    const { root, L, env } = await restartLedger();
    for (let slot = 289500000; slot < 289500050; slot++) await touch(L, fullName(slot), '');
    const { exitCode, doc } = await planJson(['--ledger', L, '--slot', X], root, env);
    expect(exitCode).toBe(0);
    const checked = doc.inventory.archives.filter((a) => a.checked !== 'none').map((a) => path.basename(a.path));
    expect(checked).toEqual([fullName(289600000), incrementalName(289600000, 289624900)]);
  });

  it('the same ledger in text: the error and its remedy, and no "Reachable"', async () => {
    const { root, L, env } = await restartLedger();
    await touch(L, fullName(289624940), '');
    const run = await runMain(['plan', '--ledger', L, '--slot', X], { cwd: root, env });
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toContain('✘ Not reachable');
    expect(run.stdout).not.toContain('✔ Reachable');
    expect(run.stdout).toContain('✘ bad-archive');
  });

  it('--verify-archives decodes the chosen base to its end: a truncated base with a good header is found', async () => {
    const { root, L, env } = await restartLedger();
    const whole = realTarZst(root, 3 * 1024 * 1024);
    const base = path.join(L, incrementalName(289600000, 289624900));
    await writeFile(base, whole.subarray(0, Math.floor(whole.length * 0.6)));

    const quick = await planJson(['--ledger', L, '--slot', X], root, env);
    expect(quick.exitCode).toBe(0); // the header alone is fine
    expect(quick.doc.inventory.archives.find((a) => a.path === base)).toMatchObject({ problem: null, checked: 'header' });

    const full = await planJson(['--ledger', L, '--slot', X, '--verify-archives'], root, env);
    expect(full.exitCode).toBe(3);
    expect(full.doc.inventory.archives.find((a) => a.path === base)).toMatchObject({ problem: { code: 'truncated' }, checked: 'full' });
    // The next choice (the older incremental is absent: the full alone) was verified in turn.
    expect(full.doc.baseSlot).toBe(289600000);
    expect(full.doc.inventory.archives.find((a) => a.path === path.join(L, fullName(289600000)))).toMatchObject({ problem: null, checked: 'full' });
  });

  it('--verify-archives also decodes the pair an agave#9496 steer would load: a truncated incremental is not steered to', async () => {
    const { root, L, env } = await restartLedger(); // ledger-tool 2.1.13, affected by agave#9496
    await touch(L, fullName(289624950)); // a full alone above the 289600000 + 289624900 pair
    const whole = realTarZst(root, 3 * 1024 * 1024);
    const pairIncremental = path.join(L, incrementalName(289600000, 289624900));
    await writeFile(pairIncremental, whole.subarray(0, Math.floor(whole.length * 0.6)));

    const quick = await planJson(['--ledger', L, '--slot', X], root, env);
    expect(quick.doc.findings.map((f) => f.code)).toContain('steered-base'); // the header alone is fine
    expect(quick.doc.baseSlot).toBe(289624900);

    const full = await planJson(['--ledger', L, '--slot', X, '--verify-archives'], root, env);
    expect(full.exitCode).toBe(0);
    expect(full.doc.inventory.archives.find((a) => a.path === pairIncremental)).toMatchObject({ problem: { code: 'truncated' }, checked: 'full' });
    expect(full.doc.findings.map((f) => f.code)).not.toContain('steered-base');
    expect(full.doc.baseSlot).toBe(289624950);
    expect(full.doc.inventory.archives.find((a) => a.path === path.join(L, fullName(289624950)))).toMatchObject({ problem: null, checked: 'full' });
  });

  it('--verify-archives passes a good base and is accepted by apply and tui too', async () => {
    const { root, L, env } = await restartLedger();
    const { exitCode, doc } = await planJson(['--ledger', L, '--slot', X, '--verify-archives'], root, env);
    expect(exitCode).toBe(0);
    expect(doc.inventory.archives.filter((a) => a.checked === 'full').length).toBe(2);
    const apply = await runMain(['apply', '--ledger', L, '--slot', X, '--verify-archives', '--dry-run'], { cwd: root, env });
    expect(apply.stderr).not.toMatch(/Unknown argument/);
    expect(apply.exitCode).toBe(0);
    const tui = await runMain(['tui', '--ledger', L, '--slot', X, '--verify-archives'], { cwd: root, env });
    expect(tui.exitCode).toBe(0);
  });
});

describe('blockstore --slot without --base', () => {
  it('walks down to the base plan would use, passing over a bad archive', async () => {
    const { root, L, env } = await restartLedger();
    await touch(L, incrementalName(289600000, 289624950), '');
    const run = await runMain(['blockstore', '--ledger', L, '--slot', X, '--json'], { cwd: root, env });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout).chain.base).toBe(289624900);
  });
});

describe('entries Agave would see (item 2, item 6)', () => {
  it('an archive-named folder and a broken link after X are moved aside, named for what they are', async () => {
    const { root, L, env } = await restartLedger();
    const folder = path.join(L, fullName(289625300));
    const dangling = path.join(L, fullName(289625400));
    await mkdir(folder);
    await symlink('/nonexistent', dangling);
    const { exitCode, doc } = await planJson(['--ledger', L, '--slot', X], root, env);
    expect(exitCode).toBe(0);
    expect(doc.quarantine.find((q) => q.path === folder)?.reason).toMatch(/newer than the target.*; it also is a directory, not an archive file$/);
    expect(doc.quarantine.find((q) => q.path === dangling)?.reason).toMatch(/; it also is a broken symbolic link/);
  });

  it('a folder, a looping link or a broken link that Agave would pick is an error, and nothing crashes', async () => {
    const { root, L, env } = await restartLedger();
    const loop = path.join(L, fullName(289624950));
    await symlink(loop, loop);
    await mkdir(path.join(L, incrementalName(289600000, 289624910)));
    const { exitCode, doc } = await planJson(['--ledger', L, '--slot', X], root, env);
    expect(exitCode).toBe(3);
    expect(doc.findings.filter((f) => f.code === 'bad-archive').map((f) => f.message)).toEqual([
      `The full archive ${loop} is a symbolic link loop; Agave would pick it as the base and fail.`,
      `The incremental archive ${path.join(L, incrementalName(289600000, 289624910))} is a directory, not an archive file; Agave would pick it as the base and fail.`,
    ]);
    expect(doc.baseSlot).toBe(289624900);
  });

  it('a valid link to a valid archive on another disk is a normal base', async () => {
    const { root, L, env } = await restartLedger();
    const other = path.join(root, 'other-disk');
    await mkdir(other);
    const target = path.join(other, 'big.tar.zst');
    await writeFile(target, realTarZst(root, 64 * 1024));
    await symlink(target, path.join(L, incrementalName(289600000, 289624950)));
    const { exitCode, doc } = await planJson(['--ledger', L, '--slot', X, '--verify-archives'], root, env);
    expect(exitCode).toBe(0);
    expect(doc.baseSlot).toBe(289624950);
    expect(doc.findings.map((f) => f.code)).not.toContain('bad-archive');
  });
});

describe('another user than the validator (item 6, EACCES), as uid 65534', () => {
  async function asNobody(root: string, args: string[], env: NodeJS.ProcessEnv) {
    const result = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args], {
      cwd: root, env: { ...env, HOME: '/nonexistent' }, extendEnv: false, reject: false, timeout: 30_000,
    });
    return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
  }

  it('an unreadable base archive is a bad-archive error and an unreadable bank snapshot file a named problem; no stack trace', async () => {
    const { root, L, env } = await restartLedger();
    await bankSnapshot(path.join(L, 'snapshots'), 289624800);
    await bankSnapshot(path.join(L, 'snapshots'), 289624900);
    execFileSync('chmod', ['-R', 'a+rX', root]);
    const base = path.join(L, incrementalName(289600000, 289624900));
    await chmod(base, 0o000);
    await chmod(path.join(L, 'snapshots', '289624800'), 0o000);
    await chmod(path.join(L, 'snapshots', '289624900', 'version'), 0o000);
    const run = await asNobody(root, ['plan', '--ledger', L, '--slot', X, '--json'], env);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(3);
    const doc = JSON.parse(run.stdout) as Doc;
    expect(doc.findings.find((f) => f.code === 'bad-archive')?.message).toBe(
      `The incremental archive ${base} cannot be read: permission denied; Agave would pick it as the base and fail.`,
    );
    expect(doc.inventory.bankSnapshots.filter((b) => b.slot < Number(X)).map((b) => b.problems)).toEqual([
      ['version file cannot be read: permission denied', '289624800 cannot be read: permission denied', 'status_cache cannot be read: permission denied'],
      ['version file cannot be read: permission denied'],
    ]);
    expect(doc.findings.find((f) => f.code === 'incomplete-bank-snapshot')).toMatchObject({
      severity: 'info',
      message: expect.stringMatching(/^2 bank snapshot folders cannot be fully read by this user .* whether Agave would use them is unknown\.$/),
    });
  });

  it('an unreadable bank snapshot folder keeps its clear refusal (exit 2)', async () => {
    const { root, L, env } = await restartLedger();
    execFileSync('chmod', ['-R', 'a+rX', root]);
    await chmod(path.join(L, 'snapshots'), 0o000);
    const run = await asNobody(root, ['plan', '--ledger', L, '--slot', X], env);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`The folder ${path.join(L, 'snapshots')} cannot be read: permission denied.`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('status and undo of a quarantine whose journal only its owner can read: the journal, the uid and whom to run as; nothing moves', async () => {
    const { root, L, env } = await restartLedger();
    const apply = await runMain(['apply', '--ledger', L, '--slot', X, '--yes', '--json'], { cwd: root, env });
    expect(apply.exitCode, apply.stderr).toBe(0);
    const journal = JSON.parse(apply.stdout).quarantine.journal as string;
    execFileSync('chmod', ['-R', 'a+rX', root]);
    await chmod(journal, 0o600);
    const remedy = "permission denied (snapplan runs as uid 65534); run snapplan as the user who ran apply (usually the validator's user) or as root.";
    const status = await asNobody(root, ['status', '--ledger', L], env);
    expect(status.stdout + status.stderr).toContain(`Cannot read the journal ${journal}: ${remedy}`);
    const undo = await asNobody(root, ['undo', '--journal', journal, '--include-new', '--yes'], env);
    expect(undo.exitCode).not.toBe(0);
    expect(undo.stderr).toContain(`Cannot read the journal ${journal}: ${remedy}`);
    expect(undo.stderr).not.toMatch(/\n\s+at /);
    expect((await readFile(journal, 'utf8')).length).toBeGreaterThan(0);
  });
});

describe('the printed create-snapshot command (item 16)', () => {
  it('names the ledger tool by the path given with --ledger-tool, and by its name when found on PATH', async () => {
    const { root, L, bin, env } = await restartLedger();
    const given = path.join(bin, 'agave-ledger-tool');
    const explicit = await planJson(['--ledger', L, '--slot', X, '--ledger-tool', given], root, env);
    expect(explicit.doc.commands.at(-1)).toMatch(new RegExp(`^${given.replaceAll('/', '\\/')} --ledger `));
    const relative = await planJson(['--ledger', L, '--slot', X, '--ledger-tool', 'bin/agave-ledger-tool'], root, env);
    expect(relative.doc.commands.at(-1)?.startsWith(`${given} --ledger `)).toBe(true);
    const onPath = await planJson(['--ledger', L, '--slot', X], root, env);
    expect(onPath.doc.commands.at(-1)?.startsWith('agave-ledger-tool --ledger ')).toBe(true);
  });
});

describe('the helper of these tests', () => {
  it('realTarZst makes a real, whole archive', async () => {
    const { root } = await restartLedger();
    const bytes = realTarZst(root, 1000);
    expect(execFileSync('sh', ['-c', 'zstd -dc | tar -tf -'], { input: bytes }).toString()).toBe('accounts.bin\n');
  });
});

describe('control characters in paths (item 17)', () => {
  const ESC = '\u001b';

  it('text output escapes them everywhere; JSON keeps them raw; the printed commands round-trip through bash', async () => {
    const { root, L: plainLedger, env } = await restartLedger();
    const L = path.join(root, `led${ESC}[31mger\nX`);
    execFileSync('mv', [plainLedger, L]);
    await touch(L, `notes${ESC}]0;owned${ESC}\\.txt`);
    await touch(L, fullName(289624940), '');
    const text = await runMain(['plan', '--ledger', L, '--slot', X, '--show-ignored'], { cwd: root, env });
    expect(text.exitCode).toBe(3);
    expect(text.stdout).not.toContain(ESC);
    expect(text.stdout).toContain('led\\x1b[31mger\\nX');
    expect(text.stdout).toContain('notes\\x1b]0;owned\\x1b\\.txt');

    const { doc } = await planJson(['--ledger', L, '--slot', X], root, env);
    expect(doc.inventory.archives.some((a) => a.path.startsWith(L))).toBe(true);
    // The remedy names the mv command in shell form: it must give back the exact paths.
    const bad = doc.findings.find((f) => f.code === 'bad-archive');
    const mv = /\((mv -n -- .*), after mkdir/.exec(bad?.remedy ?? '')?.[1] ?? '';
    expect(mv).toContain("$'");
    const words = execFileSync('bash', ['-c', `for w in ${mv.slice('mv -n -- '.length)}; do printf '%s\\0' "$w"; done`]).toString().split('\0');
    expect(words[0]).toBe(path.join(L, fullName(289624940)));
    expect(words[1]?.startsWith(`${L}/snapplan-quarantine/`)).toBe(true);
  });
});
