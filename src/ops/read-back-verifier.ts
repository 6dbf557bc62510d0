import { Worker } from 'node:worker_threads';

/**
 * The two hashes of a verified copy, each on its own thread. Copying hashes every byte twice:
 * the source as it is read (`SourceHash`, over the copy's own buffers, shared with the worker,
 * so the hashed bytes are exactly the written ones) and the destination read back (`ReadBack`).
 * The main thread then only moves bytes, and the two hashes and the copy's syscalls overlap.
 * The read-back worker reads only ranges whose writes have completed, and its last read
 * happens after the copy's fsync; like any read-back it sees the page cache, which is what a
 * read-back after fsync would see too.
 *
 * The worker's code is inline (a constant, not input) so that the same module runs from src/
 * under vitest and from dist/. Each worker is started on first use and unref'd when idle: it
 * never keeps the process alive.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { openSync, readSync, closeSync, constants } = require('node:fs');
const { createHash } = require('node:crypto');
const jobs = new Map();
const hashes = new Map();
const buffer = Buffer.allocUnsafe(4 << 20);
function pump(job) {
  while (job.position < job.written) {
    const n = readSync(job.fd, buffer, 0, Math.min(buffer.length, job.written - job.position), job.position);
    if (n === 0) break;
    job.hash.update(buffer.subarray(0, n));
    job.position += n;
  }
}
parentPort.on('message', (m) => {
  const job = jobs.get(m.id);
  try {
    if (m.type === 'start') {
      jobs.set(m.id, { fd: openSync(m.path, constants.O_RDONLY | constants.O_NOFOLLOW), hash: createHash('sha256'), position: 0, written: 0 });
    } else if (job && m.type === 'progress') {
      job.written = m.written;
      pump(job);
    } else if (job && m.type === 'end') {
      job.written = m.size;
      pump(job);
      const extra = readSync(job.fd, buffer, 0, 1, job.position);
      closeSync(job.fd);
      jobs.delete(m.id);
      parentPort.postMessage({ type: 'result', id: m.id, sha256: job.hash.digest('hex'), size: job.position + extra });
    } else if (!job && m.type === 'end') {
      throw new Error('no such read-back (its file could not be opened)');
    } else if (job && m.type === 'abort') {
      closeSync(job.fd);
      jobs.delete(m.id);
    } else if (m.type === 'hstart') {
      hashes.set(m.id, { hash: createHash('sha256'), memory: Buffer.from(m.memory) });
    } else if (m.type === 'hchunk') {
      const h = hashes.get(m.id);
      if (h) h.hash.update(h.memory.subarray(m.offset, m.offset + m.length));
      parentPort.postMessage({ type: 'hashed', id: m.id });
    } else if (m.type === 'hend') {
      const h = hashes.get(m.id);
      hashes.delete(m.id);
      if (!h) throw new Error('no such source hash');
      parentPort.postMessage({ type: 'result', id: m.id, sha256: h.hash.digest('hex'), size: -1 });
    } else if (m.type === 'habort') {
      hashes.delete(m.id);
    }
  } catch (error) {
    if (job) { try { closeSync(job.fd); } catch {} jobs.delete(m.id); }
    parentPort.postMessage({ type: 'error', id: m.id, message: String(error && error.message || error) });
  }
});
`;

interface Pending {
  resolve: (value: { sha256: string; size: number }) => void;
  reject: (error: Error) => void;
}

interface Acks {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * One worker thread and its bookkeeping. There are two: one reads destinations back, the other
 * hashes the source chunks that the copy reads (from memory shared with it), so that the two
 * hashes of every byte run on two threads while the main thread only moves bytes.
 */
class HashThread {
  private worker: Worker | null = null;
  readonly pending = new Map<number, Pending>();
  /** Source chunks sent to be hashed and not yet acknowledged, per job, in order. */
  readonly acks = new Map<number, Acks[]>();
  readonly failedAtStart = new Map<number, Error>();
  /** Jobs under way: the worker keeps the process alive only while there are some. */
  private active = 0;

  retain(): void {
    this.active += 1;
    if (this.active === 1) this.get().ref();
  }

  release(): void {
    this.active = Math.max(0, this.active - 1);
    if (this.active === 0) this.worker?.unref();
  }

  post(message: unknown): void {
    this.get().postMessage(message);
  }

  get(): Worker {
    if (this.worker !== null) return this.worker;
    const created = new Worker(WORKER_SOURCE, { eval: true });
    created.on('message', (m: { type: string; id: number; sha256?: string; size?: number; message?: string }) => {
      const waiting = this.pending.get(m.id);
      if (m.type === 'hashed') {
        this.acks.get(m.id)?.shift()?.resolve();
      } else if (m.type === 'error') {
        const error = new Error(`read-back failed: ${m.message ?? 'unknown error'}`);
        this.rejectAcks(m.id, error);
        if (waiting) {
          this.pending.delete(m.id);
          waiting.reject(error);
        } else {
          this.failedAtStart.set(m.id, error);
        }
      } else if (m.type === 'result' && waiting) {
        this.pending.delete(m.id);
        waiting.resolve({ sha256: m.sha256 ?? '', size: m.size ?? -1 });
      }
    });
    const fail = (error: Error): void => {
      if (this.worker !== created) return;
      this.worker = null;
      this.active = 0;
      for (const [id, waiting] of this.pending) {
        this.pending.delete(id);
        waiting.reject(error);
      }
      for (const id of [...this.acks.keys()]) this.rejectAcks(id, error);
    };
    created.on('error', fail);
    created.on('exit', (code) => fail(new Error(`read-back worker exited (${code})`)));
    // After the listeners: attaching a 'message' listener refs the worker again.
    if (this.active === 0) created.unref();
    this.worker = created;
    return created;
  }

  private rejectAcks(id: number, error: Error): void {
    const queue = this.acks.get(id);
    if (queue === undefined) return;
    this.acks.delete(id);
    for (const waiting of queue) waiting.reject(error);
  }

  /** Sends `end`-like `message` and waits for the job's result. */
  async result(id: number, message: unknown): Promise<{ sha256: string; size: number }> {
    const early = this.failedAtStart.get(id);
    if (early) {
      this.failedAtStart.delete(id);
      throw early;
    }
    return await new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post(message);
    });
  }
}

const readBackThread = new HashThread();
const sourceThread = new HashThread();
let nextId = 1;

/** One file being read back. Call `progress` after each completed write, then `finish` after fsync. */
export class ReadBack {
  private readonly id = nextId++;
  private ended = false;

  constructor(file: string) {
    readBackThread.retain();
    readBackThread.post({ type: 'start', id: this.id, path: file });
  }

  progress(written: number): void {
    readBackThread.post({ type: 'progress', id: this.id, written });
  }

  async finish(size: number): Promise<{ sha256: string; size: number }> {
    this.ended = true;
    try {
      return await readBackThread.result(this.id, { type: 'end', id: this.id, size });
    } finally {
      readBackThread.release();
    }
  }

  abort(): void {
    if (this.ended) return;
    this.ended = true;
    readBackThread.failedAtStart.delete(this.id);
    readBackThread.post({ type: 'abort', id: this.id });
    readBackThread.release();
  }
}

/**
 * sha256 of a source computed on another thread, over the very bytes the copy read and writes:
 * they are in `memory` (shared with the worker), and a chunk's memory may be reused only once
 * the promise returned by `update` has resolved.
 */
export class SourceHash {
  private readonly id = nextId++;
  private ended = false;
  private readonly queue: Acks[] = [];

  constructor(memory: SharedArrayBuffer) {
    sourceThread.retain();
    sourceThread.acks.set(this.id, this.queue);
    sourceThread.post({ type: 'hstart', id: this.id, memory });
  }

  /** Hashes `length` bytes at `offset` of the shared memory, after every earlier update. */
  update(offset: number, length: number): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      if (sourceThread.acks.get(this.id) !== this.queue) {
        reject(new Error('source hash failed: its worker stopped'));
        return;
      }
      this.queue.push({ resolve, reject });
      sourceThread.post({ type: 'hchunk', id: this.id, offset, length });
    });
    // Marked handled here; whoever awaits it still sees the rejection.
    done.catch(() => undefined);
    return done;
  }

  async digest(): Promise<string> {
    this.ended = true;
    try {
      return (await sourceThread.result(this.id, { type: 'hend', id: this.id })).sha256;
    } finally {
      sourceThread.acks.delete(this.id);
      sourceThread.release();
    }
  }

  abort(): void {
    if (this.ended) return;
    this.ended = true;
    sourceThread.acks.delete(this.id);
    for (const waiting of this.queue.splice(0)) waiting.reject(new Error('source hash aborted'));
    sourceThread.post({ type: 'habort', id: this.id });
    sourceThread.release();
  }
}
