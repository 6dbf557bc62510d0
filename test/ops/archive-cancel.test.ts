import type * as ChildProcess from 'node:child_process';
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { onStopSignals } from '../../src/cli/context.js';
import { createArchive, type ArchiveRequest } from '../../src/ops/archive.js';
import { WALK_SLICE } from '../../src/ops/archive-list.js';
import { tempDir } from '../support/temp-dir.js';

// Records which programs the archive engine starts, and still starts them for real.
const spawned = vi.hoisted(() => [] as string[]);
vi.mock('node:child_process', async (importOriginal) => {
  const real = await importOriginal<typeof ChildProcess>();
  return {
    ...real,
    spawn: ((...args: Parameters<typeof real.spawn>) => {
      spawned.push(String(args[0]));
      return real.spawn(...args);
    }) as typeof real.spawn,
  };
});

async function bigTree(root: string, files: number): Promise<string> {
  const data = path.join(root, 'mainnet');
  await mkdir(data, { recursive: true });
  await Promise.all(Array.from({ length: files }, (_, i) => writeFile(path.join(data, `f${i}`), `${i}\n`)));
  return data;
}

function request(data: string, outDir: string, signal: AbortSignal): ArchiveRequest {
  return {
    groups: [{ root: path.dirname(data), members: [path.basename(data)], matchPrefix: path.basename(data) }],
    outDir, name: 'node.tar.zst', exclude: [], zstdLevel: 3, spaceFactor: 0.6, manifest: { chain: 'test' },
    // The path a nearly full disk takes: every file is listed before tar starts.
    listFirst: true, signal,
  };
}

/** A signal that turns aborted on its n-th read: the abort lands at a known point of the walk. */
function abortedOnRead(n: number): { signal: AbortSignal; reads: () => number } {
  let reads = 0;
  const signal = {
    get aborted() {
      reads += 1;
      return reads >= n;
    },
    reason: new Error('interrupted (SIGINT)'),
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    throwIfAborted: () => undefined,
  } as unknown as AbortSignal;
  return { signal, reads: () => reads };
}

describe('createArchive on the list-first path, cancelled', () => {
  it('stops the walk at its next slice and never starts tar (it used to archive everything first)', async () => {
    const root = await tempDir();
    const data = await bigTree(root, WALK_SLICE + 10);
    const out = path.join(root, 'out');
    await mkdir(out);
    spawned.length = 0;
    // Read 1: before the walk; read 2: after its first slice.
    const { signal, reads } = abortedOnRead(2);
    await expect(createArchive(request(data, out, signal))).rejects.toThrow(/Archive cancelled/);
    expect(reads()).toBe(2);
    expect(spawned).toEqual([]);
    expect(await readdir(out)).toEqual([]);
  });

  it('an abort that came before tar starts kills nothing late: tar and zstd are never run', async () => {
    const root = await tempDir();
    const data = await bigTree(root, 10);
    const out = path.join(root, 'out');
    await mkdir(out);
    spawned.length = 0;
    const controller = new AbortController();
    controller.abort(new Error('interrupted (SIGINT)'));
    await expect(createArchive(request(data, out, controller.signal))).rejects.toThrow(/Archive cancelled/);
    expect(spawned).toEqual([]);
    expect(await readdir(out)).toEqual([]);
  });
});

describe('Ctrl-C handling in the process context', () => {
  it('aborts on the first signal and only reminds on the second (no default kill)', () => {
    const target = new EventEmitter();
    const controller = new AbortController();
    const lines: string[] = [];
    onStopSignals(target as unknown as NodeJS.Process, controller, { write: (text) => lines.push(text) });
    target.emit('SIGINT');
    expect(controller.signal.aborted).toBe(true);
    expect((controller.signal.reason as Error).message).toBe('interrupted (SIGINT)');
    expect(lines).toEqual([]);
    // A second Ctrl-C: a handler is still installed (so Node does not kill the process) and says why.
    expect(target.listenerCount('SIGINT')).toBe(1);
    target.emit('SIGINT');
    target.emit('SIGTERM');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/SIGINT again: already stopping/);
    expect((controller.signal.reason as Error).message).toBe('interrupted (SIGINT)');
  });
});

describe('createArchive on a full disk', () => {
  it('reports ENOSPC as the cause, not tar killed by SIGPIPE, and leaves nothing', async () => {
    const root = await tempDir();
    const data = path.join(root, 'mainnet');
    await mkdir(data);
    // Enough data that zstd writes (and fails) while tar still has more to send.
    await writeFile(path.join(data, 'random'), randomBytes(4 * 1024 * 1024));
    const out = path.join(root, 'out');
    await mkdir(out);
    // /dev/full answers every write with ENOSPC: the archive's partial file opens onto it.
    await symlink('/dev/full', path.join(out, 'node.tar.zst.partial'));
    const controller = new AbortController();
    const attempt = createArchive({ ...request(data, out, controller.signal), listFirst: false });
    await expect(attempt).rejects.toThrow(/Could not write .*node\.tar\.zst\.partial: the file system is full \(ENOSPC\)/);
    expect(await readdir(out)).toEqual([]);
  });
});
