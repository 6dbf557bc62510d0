import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { recorded } from './log-stream.js';

const README = path.resolve(import.meta.dirname, '../../README.md');

it('the watch screen captured in README.md is what watch prints on the recorded 2.x log (temp folder shown as /srv)', async () => {
  const dir = await tempDir();
  const L = path.join(dir, 'ledger');
  await mkdir(L);
  const log = path.join(dir, 'validator.log');
  await writeFile(log, (await recorded('boot-2x-resumed.log')).join('\n') + '\n');
  await writeFile(path.join(L, 'snapplan-restart-flags.json'), JSON.stringify({ file: '/home/sol/bin/validator.sh', restartSlot: '289624982', log, patchedAt: '2026-11-29T17:59:00.000Z' }));
  const run = await runMain(['watch', '--ledger', 'ledger', '--no-monitor'], { cwd: dir, now: new Date('2026-11-29T19:08:02Z') });
  expect(run.exitCode, run.stderr).toBe(0);
  const screen = run.stdout.replaceAll(dir, '/srv');
  const readme = await readFile(README, 'utf8');
  const block = /after `restart-flags --patch`\):\n\n```\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBe(screen);
});
