import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { ExternalError, UserError } from '../core/errors.js';
import { quietAwsSdkNodeWarning } from './aws-sdk-node-warning.js';

/**
 * S3 through the AWS SDK v3. Region, endpoint, profile and credentials come from the usual AWS
 * settings (AWS_REGION / AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, AWS_PROFILE,
 * the shared config files, instance roles) or the flags. Credentials are never printed: errors
 * carry the SDK's message and code only.
 */

export interface S3Location {
  readonly bucket: string;
  /** Key prefix without a trailing slash; '' for the bucket's root. */
  readonly prefix: string;
}

export interface S3Settings {
  readonly region?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly profile?: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  /** Attempts per request (the SDK's standard retry mode with back-off). */
  readonly maxAttempts?: number | undefined;
}

export function parseS3Url(text: string): S3Location | null {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(text);
  if (!text.startsWith('s3://')) return null;
  if (!match) throw new UserError(`${JSON.stringify(text)} is not an s3://bucket/prefix address.`, { hint: 'Bucket names are 3-63 lowercase letters, digits, dots and hyphens.' });
  return { bucket: match[1] as string, prefix: (match[2] ?? '').replace(/\/+$/, '') };
}

export function s3Key(location: S3Location, name: string): string {
  return location.prefix === '' ? name : `${location.prefix}/${name}`;
}

export async function makeS3Client(settings: S3Settings): Promise<S3Client> {
  quietAwsSdkNodeWarning();
  const { S3Client } = await import('@aws-sdk/client-s3');
  const env = settings.env;
  const endpoint = settings.endpoint ?? env['AWS_ENDPOINT_URL_S3'] ?? env['AWS_ENDPOINT_URL'];
  const region = settings.region ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  return new S3Client({
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(settings.profile ?? env['AWS_PROFILE'] ? { profile: settings.profile ?? env['AWS_PROFILE'] } : {}),
    // The context's environment, not only process.env, so an injected context is honoured.
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(env['AWS_SESSION_TOKEN'] ? { sessionToken: env['AWS_SESSION_TOKEN'] } : {}) } } : {}),
    maxAttempts: settings.maxAttempts ?? 5,
    // Our own sha256 travels as metadata and in the .sha256 object; S3-compatible stores
    // (MinIO, older Ceph, s3rver) do not all accept the SDK's newer default CRC headers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export interface UploadedObject {
  readonly key: string;
  readonly size: number;
}

/** Multipart upload of one file, with progress; the size is checked with HeadObject afterwards. */
export async function uploadFile(client: S3Client, location: S3Location, file: string, options: { sha256?: string; onProgress?: (sent: number, total: number) => void; signal?: AbortSignal }): Promise<UploadedObject> {
  const { Upload } = await import('@aws-sdk/lib-storage');
  const { HeadObjectCommand } = await import('@aws-sdk/client-s3');
  const key = s3Key(location, path.basename(file));
  const size = (await stat(file)).size;
  const upload = new Upload({
    client,
    params: { Bucket: location.bucket, Key: key, Body: createReadStream(file, { highWaterMark: 1024 * 1024 }), ContentLength: size, ...(options.sha256 ? { Metadata: { sha256: options.sha256 } } : {}) },
    partSize: 64 * 1024 * 1024,
    queueSize: 4,
    leavePartsOnError: false,
  });
  if (options.onProgress) upload.on('httpUploadProgress', (p) => options.onProgress?.(p.loaded ?? 0, p.total ?? size));
  const abort = () => void upload.abort().catch(() => undefined);
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    await upload.done();
    const head = await client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: key }));
    if (head.ContentLength !== size) throw new Error(`the stored object has ${head.ContentLength} bytes, the file ${size}`);
  } catch (error) {
    throw s3Error(error, 'upload', location.bucket, key);
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
  return { key, size };
}

/** Reads a small object (a .sha256 or manifest) as text; null when it does not exist. */
export async function readSmallObject(client: S3Client, bucket: string, key: string): Promise<string | null> {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  try {
    const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await result.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'NoSuchKey' || name === 'NotFound') return null;
    throw s3Error(error, 'read', bucket, key);
  }
}

/** Downloads to `target` (via `target.partial`), hashing on the way; returns sha256 and metadata. */
export async function downloadFile(client: S3Client, bucket: string, key: string, target: string, options: { onProgress?: (got: number) => void; signal?: AbortSignal }): Promise<{ sha256: string; size: number; metadataSha256: string | undefined }> {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const partial = `${target}.partial`;
  try {
    const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: options.signal });
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _e, done) {
        hash.update(chunk);
        size += chunk.length;
        options.onProgress?.(size);
        done(null, chunk);
      },
    });
    await pipeline(result.Body as NodeJS.ReadableStream, tap, createWriteStream(partial));
    await rename(partial, target);
    return { sha256: hash.digest('hex'), size, metadataSha256: result.Metadata?.['sha256'] };
  } catch (error) {
    await rm(partial, { force: true });
    throw s3Error(error, 'download', bucket, key);
  }
}

export async function listKeys(client: S3Client, location: S3Location): Promise<{ key: string; size: number; lastModified: Date | undefined }[]> {
  const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const out: { key: string; size: number; lastModified: Date | undefined }[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: location.prefix === '' ? undefined : `${location.prefix}/`, ContinuationToken: token }));
    for (const item of page.Contents ?? []) if (item.Key) out.push({ key: item.Key, size: item.Size ?? 0, lastModified: item.LastModified });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

export async function deleteKey(client: S3Client, bucket: string, key: string): Promise<void> {
  const { DeleteObjectCommand } = await import('@aws-sdk/client-s3');
  try {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    throw s3Error(error, 'delete', bucket, key);
  }
}

function s3Error(error: unknown, what: string, bucket: string, key: string): ExternalError {
  if (error instanceof ExternalError) return error;
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return new ExternalError(`S3 ${what} of s3://${bucket}/${key} failed: ${e.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(error)}`, { command: 'aws-sdk', args: [what, `s3://${bucket}/${key}`] }, {
    hint: 'Check the bucket, region (AWS_REGION or --region), endpoint and credentials (AWS_PROFILE or --profile).',
  });
}
