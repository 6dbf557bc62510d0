import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { findValidatorsUsing } from '../../src/agave/validator-process.js';
import { tempDir } from '../support/temp-dir.js';

// Real processes: a stand-in agave-validator (a node script, so /proc shows `node <script>`)
// started with --ledger, or holding a file under the ledger open, then stopped.
const running: ResultPromise[] = [];
afterEach(async () => {
  for (const child of running.splice(0)) {
    child.kill('SIGKILL');
    await child;
  }
});

async function standInValidator(dir: string, name = 'agave-validator'): Promise<string> {
  const script = path.join(dir, name);
  await writeFile(
    script,
    `#!/usr/bin/env node
const fs = require('node:fs');
const i = process.argv.indexOf('--hold');
if (i !== -1) globalThis.fd = fs.openSync(process.argv[i + 1], 'a');
console.log('ready');
setInterval(() => {}, 1000);
`,
  );
  await chmod(script, 0o755);
  return script;
}

async function start(script: string, args: string[], cwd: string) {
  const child = execa(process.execPath, [script, ...args], { cwd, reject: false });
  running.push(child);
  await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
  // Wrapped: an execa child is a thenable, and returning it would await its exit.
  return { child, pid: child.pid };
}

describe('findValidatorsUsing (real processes, real /proc)', () => {
  it('finds a validator by its --ledger argument, relative to its working directory', async () => {
    const root = await tempDir();
    const ledger = path.join(root, 'ledger');
    await mkdir(ledger);
    const { child, pid } = await start(await standInValidator(root), ['--identity', 'id.json', '--ledger', 'ledger'], root);
    const found = findValidatorsUsing(ledger);
    expect(found).toEqual([expect.objectContaining({ pid, evidence: '--ledger ledger' })]);
    child.kill('SIGKILL');
    await child;
    expect(findValidatorsUsing(ledger)).toEqual([]);
  });

  it('finds one that holds a file under the ledger open, through a symlinked ledger path', async () => {
    const root = await tempDir();
    const real = path.join(root, 'data');
    await mkdir(path.join(real, 'rocksdb'), { recursive: true });
    await symlink(real, path.join(root, 'ledger'));
    const { pid } = await start(await standInValidator(root, 'solana-validator'), ['--hold', path.join(real, 'rocksdb', 'LOCK')], root);
    const found = findValidatorsUsing(path.join(root, 'ledger'));
    expect(found).toEqual([expect.objectContaining({ pid, evidence: `holds ${path.join(real, 'rocksdb', 'LOCK')} open` })]);
  });

  it('ignores validators on other ledgers and other programs on this one', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'ledger'));
    await mkdir(path.join(root, 'other'));
    await start(await standInValidator(root), ['--ledger', path.join(root, 'other')], root);
    await start(await standInValidator(root, 'not-a-validator'), ['--ledger', path.join(root, 'ledger')], root);
    expect(findValidatorsUsing(path.join(root, 'ledger'))).toEqual([]);
  });
});
