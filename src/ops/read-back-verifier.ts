import { Worker } from 'node:worker_threads';

/**
 * The two checks of a large verified copy, each on its own thread, while the main thread only
 * moves bytes. The copy reads the source into buffers shared with both workers:
 * - `SourceHash` computes the sha256 of exactly those bytes (recorded in the journal, and what
 *   undo checks on the way back);
 * - `ReadBack` reads every written range of the destination back and compares it, byte for
 *   byte, with the source bytes still in the shared buffer. A destination equal to the source
 *   byte for byte has the source's sha256, so the copy's "size and sha256" check needs one hash
 *   per byte instead of two, which was half of all CPU time on the copy path
 *   (docs/PERFORMANCE.md). A buffer is reused only once both have acknowledged it.
 * Like any read-back, it sees the page cache; its last check (the size) comes after the fsync.
 *
 * The worker's code is inline (a constant, not input) so that the same module runs from src/
 * under vitest, from dist/ and from the bundle. Each worker is started on first use and unref'd
 * when idle: it never keeps the process alive.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { openSync, readSync, closeSync, fstatSync, constants } = require('node:fs');
const { createHash } = require('node:crypto');
const checks = new Map();
const hashes = new Map();
const buffer = Buffer.allocUnsafe(4 << 20);
parentPort.on('message', (m) => {
  const job = checks.get(m.id);
  try {
    if (m.type === 'cstart') {
      checks.set(m.id, { fd: openSync(m.path, constants.O_RDONLY | constants.O_NOFOLLOW), memory: Buffer.from(m.memory) });
    } else if (job && m.type === 'check') {
      let done = 0;
      while (done < m.length) {
        const n = readSync(job.fd, buffer, 0, Math.min(buffer.length, m.length - done), m.position + done);
        if (n === 0) throw Object.assign(new Error('the copy is shorter than what was written at offset ' + (m.position + done)), { mismatch: true });
        if (buffer.compare(job.memory, m.offset + done, m.offset + done + n, 0, n) !== 0) {
          throw Object.assign(new Error('the copy differs from the source within bytes ' + (m.position + done) + '..' + (m.position + done + n)), { mismatch: true });
        }
        done += n;
      }
      parentPort.postMessage({ type: 'checked', id: m.id });
    } else if (job && m.type === 'cend') {
      const extra = readSync(job.fd, buffer, 0, 1, m.size);
      const size = fstatSync(job.fd).size;
      closeSync(job.fd);
      checks.delete(m.id);
      parentPort.postMessage({ type: 'result', id: m.id, sha256: '', size: extra > 0 ? Math.max(size, m.size + extra) : size });
    } else if (!job && (m.type === 'cend' || m.type === 'check')) {
      throw new Error('no such read-back (its file could not be opened)');
    } else if (job && m.type === 'cabort') {
      closeSync(job.fd);
      checks.delete(m.id);
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
    if (job) { try { closeSync(job.fd); } catch {} checks.delete(m.id); }
    parentPort.postMessage({ type: 'error', id: m.id, message: String(error && error.message || error), mismatch: Boolean(error && error.mismatch) });
  }
});
`;

/** The destination read back is not the source: shorter than written, or different bytes. */
export class ReadBackMismatch extends Error {
  constructor(readonly detail: string) {
    super(`read-back failed: ${detail}`);
    this.name = 'ReadBackMismatch';
  }
}

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
    created.on('message', (m: { type: string; id: number; sha256?: string; size?: number; message?: string; mismatch?: boolean }) => {
      const waiting = this.pending.get(m.id);
      if (m.type === 'hashed' || m.type === 'checked') {
        this.acks.get(m.id)?.shift()?.resolve();
      } else if (m.type === 'error') {
        const error = m.mismatch ? new ReadBackMismatch(m.message ?? 'the copy differs from the source') : new Error(`read-back failed: ${m.message ?? 'unknown error'}`);
        // A chunk that failed its check fails the copy: the error is the copy's answer.
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

/**
 * A job on one of the threads: its chunk messages are acknowledged in order, its end message
 * answers the result, and an abort rejects whatever is still waiting.
 */
class ThreadJob {
  private readonly id = nextId++;
  private ended = false;
  private readonly queue: Acks[] = [];

  constructor(private readonly thread: HashThread, private readonly what: string, private readonly abortType: string, start: Record<string, unknown>) {
    thread.retain();
    thread.acks.set(this.id, this.queue);
    thread.post({ ...start, id: this.id });
  }

  /** Sends a chunk; resolves once the worker has done it (and so released its memory). */
  protected chunk(message: Record<string, unknown>): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      const early = this.thread.failedAtStart.get(this.id);
      if (early || this.thread.acks.get(this.id) !== this.queue) {
        reject(early ?? new Error(`${this.what} failed: its worker stopped`));
        return;
      }
      this.queue.push({ resolve, reject });
      this.thread.post({ ...message, id: this.id });
    });
    // Marked handled here; whoever awaits it still sees the rejection.
    done.catch(() => undefined);
    return done;
  }

  protected async end(message: Record<string, unknown>): Promise<{ sha256: string; size: number }> {
    this.ended = true;
    try {
      return await this.thread.result(this.id, { ...message, id: this.id });
    } finally {
      this.thread.acks.delete(this.id);
      this.thread.release();
    }
  }

  abort(): void {
    if (this.ended) return;
    this.ended = true;
    this.thread.failedAtStart.delete(this.id);
    this.thread.acks.delete(this.id);
    for (const waiting of this.queue.splice(0)) waiting.reject(new Error(`${this.what} aborted`));
    this.thread.post({ type: this.abortType, id: this.id });
    this.thread.release();
  }
}

/**
 * One large file being read back and compared with its source. Call `check` for each range
 * once its write has completed (while the source bytes are still in the shared buffer), then
 * `finish` after the fsync: it answers the destination's size (its length on disk, plus any
 * byte found past the expected end).
 */
export class ReadBack extends ThreadJob {
  constructor(file: string, memory: SharedArrayBuffer) {
    super(readBackThread, 'read-back', 'cabort', { type: 'cstart', path: file, memory });
  }

  /** Compares `length` destination bytes at `position` with the shared memory at `offset`. */
  check(offset: number, position: number, length: number): Promise<void> {
    return this.chunk({ type: 'check', offset, position, length });
  }

  async finish(size: number): Promise<{ size: number }> {
    return { size: (await this.end({ type: 'cend', size })).size };
  }
}

/**
 * sha256 of a source computed on another thread, over the very bytes the copy read and writes:
 * they are in `memory` (shared with the worker), and a chunk's memory may be reused only once
 * the promise returned by `update` has resolved.
 */
export class SourceHash extends ThreadJob {
  constructor(memory: SharedArrayBuffer) {
    super(sourceThread, 'source hash', 'habort', { type: 'hstart', memory });
  }

  /** Hashes `length` bytes at `offset` of the shared memory, after every earlier update. */
  update(offset: number, length: number): Promise<void> {
    return this.chunk({ type: 'hchunk', offset, length });
  }

  async digest(): Promise<string> {
    return (await this.end({ type: 'hend' })).sha256;
  }
}
