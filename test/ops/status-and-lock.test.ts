import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LockHeldError } from '../../src/core/errors.js';
import { acquireLock, readLock, withLock } from '../../src/ops/lock.js';
import { processStartTicks } from '../../src/ops/process-identity.js';
import { closeQuarantine, createQuarantine, quarantineFolderName } from '../../src/ops/quarantine-dir.js';
import { listQuarantines } from '../../src/ops/quarantine-status.js';
import { quarantine } from '../../src/ops/quarantine.js';
import { undo } from '../../src/ops/undo.js';
import { cleanupTemp, tempDir, writeRandom } from './helpers.js';

afterEach(cleanupTemp);

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(result.stdout.toString());
}

describe('listQuarantines', () => {
  it('lists each quarantine with its state, counts and sizes', async () => {
    const ledger = await tempDir();
    const backupDir = path.join(ledger, 'snapplan-quarantine');
    const root = path.join(ledger, 'snapshots');
    await writeRandom(path.join(root, 'a'), 1000);
    await writeRandom(path.join(root, 'b'), 2000);
    const item = (n: string) => ({ source: path.join(root, n), root, relativePath: n });

    const complete = await createQuarantine({ backupDir, ledger, targetSlot: 10n, toolVersion: 't', now: new Date('2025-01-01T00:00:00Z') });
    await quarantine([item('a')], { quarantineDir: complete.dir, journal: complete.journal });
    await closeQuarantine(complete.journal, 'complete');

    const undone = await createQuarantine({ backupDir, ledger, targetSlot: 11n, toolVersion: 't', now: new Date('2025-01-02T00:00:00Z') });
    await quarantine([item('b')], { quarantineDir: undone.dir, journal: undone.journal });
    await closeQuarantine(undone.journal, 'complete');
    await undo(undone.journalPath);

    // A run whose process died without closing its journal.
    const crashed = await createQuarantine({ backupDir, ledger, targetSlot: 12n, toolVersion: 't', now: new Date('2025-01-03T00:00:00Z') });
    await crashed.journal.close();
    const text = await readFile(crashed.journalPath, 'utf8');
    await writeFile(crashed.journalPath, text.replace(`"pid":${process.pid}`, `"pid":${deadPid()}`));

    const running = await createQuarantine({ backupDir, ledger, targetSlot: 13n, toolVersion: 't', now: new Date('2025-01-04T00:00:00Z') });
    await running.journal.close();

    await mkdir(path.join(backupDir, 'snapplan-20250105T000000Z-slot-14'));
    await mkdir(path.join(backupDir, 'unrelated-folder'));

    const { quarantines, problems } = await listQuarantines(backupDir);
    expect(quarantines.map((q) => [path.basename(q.dir), q.state, q.targetSlot])).toEqual([
      ['snapplan-20250101T000000Z-slot-10', 'complete', 10n],
      ['snapplan-20250102T000000Z-slot-11', 'undone', 11n],
      ['snapplan-20250103T000000Z-slot-12', 'crashed', 12n],
      ['snapplan-20250104T000000Z-slot-13', 'in-progress', 13n],
    ]);
    expect(quarantines[0]).toMatchObject({ items: { total: 1, quarantined: 1 }, bytes: { quarantined: 1000 }, ledger });
    expect(quarantines[1]).toMatchObject({ items: { total: 1, quarantined: 0, undone: 1 } });
    expect(problems.map((p) => path.basename(p.dir))).toEqual(['snapplan-20250105T000000Z-slot-14']);
    expect(await listQuarantines(path.join(ledger, 'nowhere'))).toEqual({ quarantines: [], problems: [] });
  });

  it('names folders snapplan-<UTC timestamp>-slot-<X>, with a suffix on a clash', async () => {
    expect(quarantineFolderName(new Date('2025-02-03T04:05:06.789Z'), 18_446_744_073_709_551_615n)).toBe('snapplan-20250203T040506Z-slot-18446744073709551615');
    const dir = await tempDir();
    const now = new Date('2025-02-03T04:05:06Z');
    const first = await createQuarantine({ backupDir: dir, ledger: dir, targetSlot: 5n, toolVersion: 't', now });
    const second = await createQuarantine({ backupDir: dir, ledger: dir, targetSlot: 5n, toolVersion: 't', now });
    await first.journal.close();
    await second.journal.close();
    expect(path.basename(second.dir)).toBe('snapplan-20250203T040506Z-slot-5-2');
  });
});

describe('lock', () => {
  it('is exclusive, names its holder, and is released', async () => {
    const dir = await tempDir();
    const lockPath = path.join(dir, '.snapplan.lock');
    const lock = await acquireLock(lockPath, { purpose: 'apply' });
    expect(await readLock(lockPath)).toMatchObject({ pid: process.pid, hostname: os.hostname(), purpose: 'apply', startTicks: processStartTicks(process.pid) });
    const error = await acquireLock(lockPath).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as LockHeldError).message).toContain(`pid ${process.pid}`);
    expect((error as LockHeldError).message).toContain(`Another snapplan apply (pid ${process.pid}`);
    expect((error as LockHeldError).message).toContain(`holds the ledger ${dir}`);
    expect((error as LockHeldError).exitCode).toBe(2);
    await lock.release();
    await lock.release();
    expect(await readLock(lockPath)).toBeNull();
  });

  it('is released when the work fails', async () => {
    const dir = await tempDir();
    const lockPath = path.join(dir, '.snapplan.lock');
    await expect(withLock(lockPath, {}, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await readLock(lockPath)).toBeNull();
    expect(await withLock(lockPath, {}, () => Promise.resolve(42))).toBe(42);
    expect(await readLock(lockPath)).toBeNull();
  });

  it('takes over a stale lock: dead pid, reused pid (other start time), other boot, empty file', async () => {
    const dir = await tempDir();
    const lockPath = path.join(dir, '.snapplan.lock');
    const base = { hostname: os.hostname(), startedAt: '2025-01-01T00:00:00Z', bootId: null };
    const stale = [
      { ...base, pid: deadPid(), startTicks: '1' },
      { ...base, pid: process.pid, startTicks: '1' },
      { ...base, pid: process.pid, startTicks: processStartTicks(process.pid), bootId: 'another-boot' },
    ];
    for (const holder of stale) {
      await writeFile(lockPath, JSON.stringify(holder));
      const lock = await acquireLock(lockPath);
      expect((await readLock(lockPath)) as object).toMatchObject({ pid: process.pid, startTicks: processStartTicks(process.pid) });
      await lock.release();
    }
    await writeFile(lockPath, '');
    const old = new Date(Date.now() - 60_000);
    await import('node:fs/promises').then((fs) => fs.utimes(lockPath, old, old));
    await (await acquireLock(lockPath)).release();
  });

  it('is held against a live process of another pid', async () => {
    const dir = await tempDir();
    const lockPath = path.join(dir, '.snapplan.lock');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const pid = child.pid!;
      await new Promise((resolve) => setTimeout(resolve, 50));
      await writeFile(lockPath, JSON.stringify({ pid, hostname: os.hostname(), startTicks: processStartTicks(pid), bootId: null, startedAt: 'then' }));
      await expect(acquireLock(lockPath)).rejects.toThrow(new RegExp(`pid ${pid} on ${os.hostname()}`));
    } finally {
      child.kill('SIGKILL');
    }
  });
});
