import { Worker } from 'node:worker_threads';

/**
 * Reads a file back and hashes it on a second thread, following a copy as it is written. Copying
 * hashes every byte twice (the source while reading it, the destination when reading it back);
 * on one thread that halves the throughput, on two it costs little. The worker reads only ranges
 * whose writes have completed, and its last read happens after the copy's fsync; like any
 * read-back it sees the page cache, which is what a read-back after fsync would see too.
 *
 * The worker's code is inline (a constant, not input) so that the same module runs from src/
 * under vitest and from dist/. It is started on first use and unref'd: it never keeps the
 * process alive.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { openSync, readSync, closeSync, constants } = require('node:fs');
const { createHash } = require('node:crypto');
const jobs = new Map();
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

let worker: Worker | null = null;
const pending = new Map<number, Pending>();
const failedAtStart = new Map<number, Error>();
let nextId = 1;
/** Files being read back: the worker keeps the process alive only while there are some. */
let active = 0;

function retain(w: Worker): void {
  active += 1;
  if (active === 1) w.ref();
}

function releaseOne(w: Worker): void {
  active = Math.max(0, active - 1);
  if (active === 0) w.unref();
}

function getWorker(): Worker {
  if (worker !== null) return worker;
  const created = new Worker(WORKER_SOURCE, { eval: true });
  created.on('message', (m: { type: string; id: number; sha256?: string; size?: number; message?: string }) => {
    const waiting = pending.get(m.id);
    if (m.type === 'error') {
      const error = new Error(`read-back failed: ${m.message ?? 'unknown error'}`);
      if (waiting) {
        pending.delete(m.id);
        waiting.reject(error);
      } else {
        failedAtStart.set(m.id, error);
      }
    } else if (m.type === 'result' && waiting) {
      pending.delete(m.id);
      waiting.resolve({ sha256: m.sha256 ?? '', size: m.size ?? -1 });
    }
  });
  const fail = (error: Error): void => {
    worker = null;
    active = 0;
    for (const [id, waiting] of pending) {
      pending.delete(id);
      waiting.reject(error);
    }
  };
  created.on('error', fail);
  created.on('exit', (code) => fail(new Error(`read-back worker exited (${code})`)));
  // After the listeners: attaching a 'message' listener refs the worker again.
  created.unref();
  worker = created;
  return created;
}

/** One file being read back. Call `progress` after each completed write, then `finish` after fsync. */
export class ReadBack {
  private readonly id = nextId++;
  private readonly worker = getWorker();
  private ended = false;

  constructor(file: string) {
    retain(this.worker);
    this.worker.postMessage({ type: 'start', id: this.id, path: file });
  }

  progress(written: number): void {
    this.worker.postMessage({ type: 'progress', id: this.id, written });
  }

  async finish(size: number): Promise<{ sha256: string; size: number }> {
    this.ended = true;
    try {
      const early = failedAtStart.get(this.id);
      if (early) {
        failedAtStart.delete(this.id);
        throw early;
      }
      return await new Promise((resolve, reject) => {
        pending.set(this.id, { resolve, reject });
        this.worker.postMessage({ type: 'end', id: this.id, size });
      });
    } finally {
      releaseOne(this.worker);
    }
  }

  abort(): void {
    if (this.ended) return;
    this.ended = true;
    failedAtStart.delete(this.id);
    this.worker.postMessage({ type: 'abort', id: this.id });
    releaseOne(this.worker);
  }
}
