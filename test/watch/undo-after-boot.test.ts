import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fullName } from '../support/ledger-tree.js';
import { restartLedger, X } from '../support/restart-ledger.js';
import { runMain } from '../support/run-cli.js';
import { recorded } from './log-stream.js';

async function appliedLedger() {
  const { root, L, env } = await restartLedger();
  const apply = await runMain(['apply', '--ledger', L, '--slot', X, '--yes', '--json'], { cwd: root, env });
  expect(apply.exitCode, apply.stderr).toBe(0);
  return { root, L, env };
}

describe('undo after the restart boot', () => {
  it('a rocksdb_backup_* folder made after the apply: status marks the quarantine, undo asks again (refused without --yes), --yes undoes', async () => {
    const { root, L, env } = await appliedLedger();
    await mkdir(path.join(L, 'rocksdb_backup_4084_289624983_289625410'));
    const status = await runMain(['status', '--ledger', L], { cwd: root, env });
    expect(status.stdout).toMatch(/⚠ undo would be partial: the validator booted with the restart wait and purged blocks into rocksdb_backup_4084_289624983_289625410/);
    const json = JSON.parse((await runMain(['status', '--ledger', L, '--json'], { cwd: root, env })).stdout);
    expect(json.quarantines[0].undoPartial).toMatch(/rocksdb_backup_4084/);

    const before = await readdir(L);
    // After a successful apply the way back is --include-new (the new archive moves aside first).
    const refused = await runMain(['undo', '--ledger', L, '--include-new'], { cwd: root, env });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/undo would be partial/);
    expect(refused.stderr).toContain('--yes');
    expect(await readdir(L)).toEqual(before);

    const undone = await runMain(['undo', '--ledger', L, '--include-new', '--yes'], { cwd: root, env });
    expect(undone.exitCode, undone.stderr).toBe(0);
    expect(await readdir(L)).toContain(fullName(289625000));
  });

  it('the validator log recorded by restart-flags shows the wait after the apply: marked too', async () => {
    const { root, L, env } = await appliedLedger();
    const log = path.join(root, 'validator.log');
    await writeFile(log, (await recorded('boot-3x-resumed.log')).join('\n') + '\n');
    await writeFile(path.join(L, 'snapplan-restart-flags.json'), JSON.stringify({ file: '/x/validator.sh', restartSlot: X, log, patchedAt: '2026-11-21T12:00:00.000Z' }));
    const status = await runMain(['status', '--ledger', L], { cwd: root, env });
    expect(status.stdout).toMatch(/undo would be partial: the validator's log shows the restart boot \(waiting at slot 289624982 at 2026-11-29T19:00:41/);
  });

  it('a backup folder older than the apply, or none, does not mark it', async () => {
    const { root, L, env } = await appliedLedger();
    const old = path.join(L, 'backup_rocksdb_1234');
    await mkdir(old);
    await utimes(old, new Date('2025-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z'));
    const status = await runMain(['status', '--ledger', L, '--json'], { cwd: root, env });
    expect(JSON.parse(status.stdout).quarantines[0].undoPartial).toBeNull();
    expect((await runMain(['undo', '--ledger', L, '--include-new'], { cwd: root, env })).exitCode).toBe(0);
  });
});
