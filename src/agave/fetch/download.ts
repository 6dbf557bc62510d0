import { writeSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { OperationCancelledError } from '../../core/errors.js';
import { isErrno } from '../../core/fs-errors.js';
import { wrapFsError } from '../../ops/fs-util.js';
import type { IncomingMessage } from 'node:http';
import { header, httpGet } from './http-get.js';
import { requestErrorText } from './http-request.js';
import { partialPath, readOwner, writeOwner } from './partial-file.js';

export interface DownloadProgress {
  readonly bytes: number;
  readonly total: number | null;
  /** Bytes per second over the last measurement window, or since the start. */
  readonly speed: number;
  /** Bytes already in the partial when this attempt started (resumed). */
  readonly resumedFrom: number;
}

export interface DownloadRequest {
  /** The file's URL (may carry credentials: never printed). */
  readonly url: string;
  /** The final path; the bytes go to `<finalPath>.partial`. */
  readonly finalPath: string;
  /** `scheme://host:port` of the source: who owns the partial. */
  readonly source: string;
  /** The size the source announced (HEAD), when it did. */
  readonly expectedSize: number | null;
  /** Bytes per second below which the source is abandoned; null: only a stalled source is. */
  readonly minSpeed: number | null;
  /** How long the speed is measured over before it is judged. */
  readonly speedWindowMs: number;
  /** How many times a dropped connection is resumed (or restarted) before the source is given up. */
  readonly retries: number;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((progress: DownloadProgress) => void) | undefined;
  /** Called with one line for each event worth telling (resumed, restarted, dropped). */
  readonly onNote?: ((note: string) => void) | undefined;
}

export type DownloadResult =
  | { readonly ok: true; readonly bytes: number; readonly resumedFrom: number; readonly announcedSize: number | null }
  | { readonly ok: false; readonly reason: 'slow' | 'failed'; readonly message: string };

const PROGRESS_EVERY_MS = 250;

/**
 * Downloads into `<name>.partial`: resumes with a Range request when the partial is this
 * source's and the server honours it (206 with the matching Content-Range); otherwise starts
 * the file again from byte 0 (a 200 answer to a Range request is the whole file: appending it
 * would corrupt the archive). A dropped connection is resumed up to `retries` times; a source
 * slower than `minSpeed` over a window, or silent for a window, is abandoned. The partial is
 * fsync'd whenever the function returns, so Ctrl-C leaves a resumable file.
 */
export async function downloadToPartial(request: DownloadRequest): Promise<DownloadResult> {
  const file = partialPath(request.finalPath);
  let attempts = 0;
  let firstResumedFrom: number | null = null;
  for (;;) {
    request.signal?.throwIfAborted();
    const attempt = await downloadOnce(request, file);
    firstResumedFrom ??= attempt.resumedFrom;
    if (attempt.kind === 'done') return { ok: true, bytes: attempt.bytes, resumedFrom: firstResumedFrom, announcedSize: attempt.announcedSize };
    if (attempt.kind === 'slow') return { ok: false, reason: 'slow', message: attempt.message };
    if (attempt.kind === 'fatal' || attempts >= request.retries) return { ok: false, reason: 'failed', message: attempt.message };
    attempts++;
    request.onNote?.(`${attempt.message}; resuming (attempt ${attempts + 1} of ${request.retries + 1})`);
  }
}

type Attempt =
  | { kind: 'done'; bytes: number; resumedFrom: number; announcedSize: number | null }
  | { kind: 'dropped' | 'fatal' | 'slow'; message: string; resumedFrom: number };

async function downloadOnce(request: DownloadRequest, file: string): Promise<Attempt> {
  const owner = await readOwner(request.finalPath);
  let have = await sizeOf(file);
  const sameOwner = owner !== null && owner.source === request.source && (owner.size === null || request.expectedSize === null || owner.size === request.expectedSize);
  if (have > 0 && !sameOwner) {
    request.onNote?.(`the partial file was written from another source or for another size; starting it again`);
    have = 0;
  }
  if (have > 0 && request.expectedSize !== null && have === request.expectedSize) {
    return { kind: 'done', bytes: have, resumedFrom: have, announcedSize: request.expectedSize };
  }

  const controller = new AbortController();
  let stopReason: 'slow' | null = null;
  const onAbort = () => controller.abort();
  request.signal?.addEventListener('abort', onAbort, { once: true });
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (have > 0) {
    headers['range'] = `bytes=${have}-`;
    // If-Range: a changed file answers 200 (the whole new file) instead of a mismatched tail.
    const validator = owner?.etag ?? owner?.lastModified;
    if (validator) headers['if-range'] = validator;
  }

  let handle: FileHandle | null = null;
  let written = have;
  let resumedFrom = have;
  let windowStart = performance.now();
  let windowBytes = written;
  let lastSpeed = 0;
  const judge = setInterval(() => {
    const now = performance.now();
    const speed = ((written - windowBytes) * 1000) / Math.max(now - windowStart, 1);
    lastSpeed = speed;
    if (written === windowBytes || (request.minSpeed !== null && speed < request.minSpeed)) {
      stopReason = 'slow';
      controller.abort();
    }
    windowStart = now;
    windowBytes = written;
  }, request.speedWindowMs);
  judge.unref();

  try {
    let response: IncomingMessage;
    try {
      response = await httpGet(request.url, headers, controller.signal);
    } catch (error) {
      return failure(error);
    }
    const status = response.statusCode ?? 0;
    let total: number | null = null;
    if (status === 206 && have > 0) {
      const contentRange = header(response, 'content-range');
      const range = /^bytes ([0-9]+)-([0-9]+)\/([0-9]+|\*)$/.exec(contentRange ?? '');
      if (!range || Number(range[1]) !== have) {
        response.destroy();
        request.onNote?.(`the server answered the resume with another range (${contentRange ?? 'none'}); starting the file again`);
        await truncateOwned(request, file);
        return { kind: 'dropped', message: 'the resume was answered with the wrong range', resumedFrom };
      }
      total = range[3] === '*' ? null : Number(range[3]);
      request.onNote?.(`resuming at byte ${have} (HTTP Range honoured)`);
    } else if (status === 200) {
      if (have > 0) request.onNote?.('the server does not honour HTTP Range (it sent the whole file): starting the file again from byte 0');
      have = 0;
      written = 0;
      resumedFrom = 0;
      windowBytes = 0;
      const length = header(response, 'content-length');
      total = length === null ? null : Number(length);
    } else if (status === 416 && have > 0) {
      response.destroy();
      await truncateOwned(request, file);
      return { kind: 'dropped', message: 'the server refused the resume range (HTTP 416)', resumedFrom };
    } else {
      response.destroy();
      return { kind: 'fatal', message: `the server answered HTTP ${status}`, resumedFrom };
    }
    if (request.expectedSize !== null && total !== null && total !== request.expectedSize) {
      response.destroy();
      return { kind: 'fatal', message: `the server now sends ${total} bytes, not the ${request.expectedSize} it announced`, resumedFrom };
    }
    await writeOwner(request.finalPath, {
      source: request.source,
      size: total ?? request.expectedSize,
      etag: header(response, 'etag'),
      lastModified: header(response, 'last-modified'),
    });
    handle = await open(file, have > 0 ? 'r+' : 'w');
    if (have === 0) await handle.truncate(0);

    // Each piece is written as it arrives, synchronously, at its offset. Measured on 2 GiB from
    // 127.0.0.1 (docs/PERFORMANCE.md, Fetch): a 64 KiB pwrite into the page cache takes tens of
    // microseconds, while the kernel keeps filling the socket buffer, so reading and writing
    // overlap without any promise; asynchronous batched writes through the thread pool (and
    // larger synchronous batches, which stall the socket while they run) came out 30–60% slower.
    // Nothing waits in memory, so a stalled or interrupted download has every byte it received
    // on disk already.
    const fd = handle.fd;
    let writeError: unknown = null;
    let position = have;
    let lastProgress = 0;
    let pieces = 0;
    const started = performance.now();
    try {
      await new Promise<void>((resolve, reject) => {
        response.on('data', (chunk: Buffer) => {
          try {
            for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off, chunk.length - off, position + off);
          } catch (error) {
            writeError = error;
            response.destroy();
            reject(error);
            return;
          }
          position += chunk.length;
          written += chunk.length;
          // The clock only every 16 pieces (1 MiB at most): at a GB/s the handler is the hot path.
          if (request.onProgress === undefined || (++pieces & 15) !== 0) return;
          const now = performance.now();
          if (now - lastProgress >= PROGRESS_EVERY_MS) {
            lastProgress = now;
            const speed = lastSpeed || ((written - resumedFrom) * 1000) / Math.max(now - started, 1);
            request.onProgress({ bytes: written, total, speed, resumedFrom });
          }
        });
        response.on('error', reject);
        response.on('close', () => (response.complete ? resolve() : reject(new Error('the connection closed before the end of the body'))));
      });
    } catch (error) {
      // The disk, not the source, failed (full, quota, file size limit): another source or a
      // retry would fail the same way. What was written is a valid prefix, kept for a resume.
      if (writeError !== null) throw wrapFsError(writeError, 'write the download to', file);
      // What arrived is on disk, in order: a valid prefix of the file.
      return failure(error);
    }
    request.onProgress?.({ bytes: written, total, speed: ((written - resumedFrom) * 1000) / Math.max(performance.now() - started, 1), resumedFrom });
    if (total !== null && written !== total) {
      return { kind: 'dropped', message: `the connection ended after ${written} of ${total} bytes`, resumedFrom };
    }
    return { kind: 'done', bytes: written, resumedFrom, announcedSize: total };
  } finally {
    clearInterval(judge);
    request.signal?.removeEventListener('abort', onAbort);
    if (handle) {
      await handle.sync().catch(() => undefined);
      await handle.close();
    }
  }

  function failure(error: unknown): Attempt {
    if (request.signal?.aborted) {
      throw new OperationCancelledError(`Download of ${request.finalPath} interrupted; ${written} bytes kept in ${file} for the next run.`, {
        hint: 'Run the same snapplan fetch again to resume it.',
      });
    }
    if (stopReason === 'slow') {
      const min = request.minSpeed === null ? 'no data' : `below --min-speed ${(request.minSpeed / 1e6).toFixed(1)} MB/s`;
      return { kind: 'slow', message: `${(lastSpeed / 1e6).toFixed(2)} MB/s over the last ${request.speedWindowMs / 1000} s (${min})`, resumedFrom };
    }
    return { kind: 'dropped', message: `the connection dropped after ${written} bytes (${requestErrorText(error)})`, resumedFrom };
  }
}

async function truncateOwned(request: DownloadRequest, file: string): Promise<void> {
  const handle = await open(file, 'r+').catch(() => null);
  if (handle) {
    await handle.truncate(0);
    await handle.close();
  }
  await writeOwner(request.finalPath, { source: request.source, size: request.expectedSize, etag: null, lastModified: null });
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return 0;
    throw error;
  }
}
