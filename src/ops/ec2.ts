import type { EC2Client } from '@aws-sdk/client-ec2';
import { ExternalError, UserError } from '../core/errors.js';
import { pollUntil } from '../core/poll.js';
import { quietAwsSdkNodeWarning } from './aws-sdk-node-warning.js';

/**
 * EBS snapshots through the AWS SDK v3 (EC2 Query API). Region, endpoint, profile and
 * credentials come from the usual AWS settings (AWS_REGION / AWS_DEFAULT_REGION,
 * AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL, AWS_PROFILE, the shared files, instance roles) or the
 * flags, as for S3 (src/ops/s3.ts). Errors carry the SDK's code and message, never credentials.
 */

export interface Ec2Settings {
  readonly region?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly profile?: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly maxAttempts?: number | undefined;
}

export type EbsState = 'pending' | 'completed' | 'error' | 'recoverable' | 'recovering' | 'unknown';

export interface EbsSnapshot {
  readonly snapshotId: string;
  readonly volumeId: string | null;
  readonly state: EbsState;
  /** 0–100, from the API's "NN%" string; null when it sent none. */
  readonly progress: number | null;
  readonly startTime: string | null;
  readonly volumeSizeGiB: number | null;
  readonly description: string | null;
  readonly stateMessage: string | null;
  readonly tags: Readonly<Record<string, string>>;
}

export const VOLUME_ID = /^vol-[0-9a-f]{8,17}$/;

export async function makeEc2Client(settings: Ec2Settings): Promise<EC2Client> {
  quietAwsSdkNodeWarning();
  const { EC2Client } = await import('@aws-sdk/client-ec2');
  const env = settings.env;
  const endpoint = settings.endpoint ?? env['AWS_ENDPOINT_URL_EC2'] ?? env['AWS_ENDPOINT_URL'];
  const region = settings.region ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
  const profile = settings.profile ?? env['AWS_PROFILE'];
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  return new EC2Client({
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(profile ? { profile } : {}),
    // The context's environment, not only process.env, so an injected context is honoured.
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(env['AWS_SESSION_TOKEN'] ? { sessionToken: env['AWS_SESSION_TOKEN'] } : {}) } } : {}),
    maxAttempts: settings.maxAttempts ?? 5,
  });
}

/** Refuses (exit 2) a volume that does not exist or is not in this region, before anything is stopped. */
export async function describeVolume(client: EC2Client, volumeId: string, signal?: AbortSignal): Promise<{ state: string | null; sizeGiB: number | null; attachedTo: string | null }> {
  const { DescribeVolumesCommand } = await import('@aws-sdk/client-ec2');
  try {
    const answer = await client.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }), { abortSignal: signal });
    const volume = answer.Volumes?.[0];
    if (!volume) throw new UserError(`EBS volume ${volumeId} was not found.`, { hint: 'Check --volume-id and the region (--region or AWS_REGION).' });
    return { state: volume.State ?? null, sizeGiB: volume.Size ?? null, attachedTo: volume.Attachments?.[0]?.InstanceId ?? null };
  } catch (error) {
    if ((error as { name?: string }).name === 'InvalidVolume.NotFound') {
      throw new UserError(`EBS volume ${volumeId} was not found: ${(error as Error).message}`, { hint: 'Check --volume-id and the region (--region or AWS_REGION).' });
    }
    throw ec2Error(error, 'DescribeVolumes', volumeId);
  }
}

/** CreateSnapshot with the tags in the same call (TagSpecifications), so no snapshot is ever untagged. */
export async function createEbsSnapshot(client: EC2Client, request: { volumeId: string; description: string; tags: Readonly<Record<string, string>> }, signal?: AbortSignal): Promise<EbsSnapshot> {
  const { CreateSnapshotCommand } = await import('@aws-sdk/client-ec2');
  try {
    const answer = await client.send(
      new CreateSnapshotCommand({
        VolumeId: request.volumeId,
        Description: request.description,
        TagSpecifications: [{ ResourceType: 'snapshot', Tags: Object.entries(request.tags).map(([Key, Value]) => ({ Key, Value })) }],
      }),
      { abortSignal: signal },
    );
    if (!answer.SnapshotId) throw new Error('the answer has no snapshotId');
    return toSnapshot(answer);
  } catch (error) {
    throw ec2Error(error, 'CreateSnapshot', request.volumeId);
  }
}

export async function describeEbsSnapshot(client: EC2Client, snapshotId: string, signal?: AbortSignal): Promise<EbsSnapshot> {
  const { DescribeSnapshotsCommand } = await import('@aws-sdk/client-ec2');
  try {
    const answer = await client.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }), { abortSignal: signal });
    const found = answer.Snapshots?.find((s) => s.SnapshotId === snapshotId);
    if (!found) throw new Error(`${snapshotId} is not in the answer`);
    return toSnapshot(found);
  } catch (error) {
    throw ec2Error(error, 'DescribeSnapshots', snapshotId);
  }
}

/**
 * Polls DescribeSnapshots until the snapshot is `completed` (returns it), `error` (throws), or
 * the time-out passes (throws; the snapshot goes on in AWS and can be checked by its id).
 */
export async function waitForEbsSnapshot(
  client: EC2Client,
  snapshotId: string,
  options: { timeoutMs: number; intervalMs: number; signal?: AbortSignal | undefined; onProgress?: (snapshot: EbsSnapshot) => void },
): Promise<EbsSnapshot> {
  let lastProgress: number | null | undefined;
  const cancelled = () => new ExternalError(`Waiting for ${snapshotId} was cancelled; the snapshot goes on in AWS.`, { command: 'aws-sdk', args: ['DescribeSnapshots', snapshotId] });
  const result = await pollUntil<EbsSnapshot>(async () => {
    const snapshot = await describeEbsSnapshot(client, snapshotId, options.signal);
    if (snapshot.progress !== lastProgress) {
      lastProgress = snapshot.progress;
      options.onProgress?.(snapshot);
    }
    if (snapshot.state === 'error') {
      throw new ExternalError(`EBS snapshot ${snapshotId} failed${snapshot.stateMessage ? `: ${snapshot.stateMessage}` : ''}.`, { command: 'aws-sdk', args: ['DescribeSnapshots', snapshotId] });
    }
    return { done: snapshot.state === 'completed', value: snapshot };
  }, { timeoutMs: options.timeoutMs, intervalMs: options.intervalMs, signal: options.signal, stopBeforeDeadline: false }).catch((error: unknown) => {
    throw options.signal?.aborted ? cancelled() : error;
  });
  if (result.ok) return result.value;
  const snapshot = result.last;
  throw new ExternalError(`EBS snapshot ${snapshotId} was still ${snapshot?.state ?? '?'} (${snapshot?.progress ?? '?'}%) after ${Math.round(options.timeoutMs / 1000)} s.`, { command: 'aws-sdk', args: ['DescribeSnapshots', snapshotId] }, {
    hint: `The snapshot goes on in AWS; check it with: aws ec2 describe-snapshots --snapshot-ids ${snapshotId}. A first snapshot of a large volume can take hours (--wait-timeout).`,
  });
}

interface SdkSnapshot {
  SnapshotId?: string | undefined;
  VolumeId?: string | undefined;
  State?: string | undefined;
  Progress?: string | undefined;
  StartTime?: Date | undefined;
  VolumeSize?: number | undefined;
  Description?: string | undefined;
  StateMessage?: string | undefined;
  Tags?: { Key?: string | undefined; Value?: string | undefined }[] | undefined;
}

function toSnapshot(s: SdkSnapshot): EbsSnapshot {
  const states: readonly EbsState[] = ['pending', 'completed', 'error', 'recoverable', 'recovering'];
  const progress = s.Progress === undefined || s.Progress === '' ? null : Number.parseFloat(s.Progress);
  return {
    snapshotId: s.SnapshotId ?? '',
    volumeId: s.VolumeId ?? null,
    state: states.includes(s.State as EbsState) ? (s.State as EbsState) : 'unknown',
    progress: progress === null || Number.isNaN(progress) ? null : progress,
    startTime: s.StartTime ? s.StartTime.toISOString() : null,
    volumeSizeGiB: s.VolumeSize ?? null,
    description: s.Description ?? null,
    stateMessage: s.StateMessage || null,
    tags: Object.fromEntries((s.Tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key as string, t.Value ?? ''])),
  };
}

function ec2Error(error: unknown, call: string, subject: string): ExternalError | UserError {
  if (error instanceof ExternalError || error instanceof UserError) return error;
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return new ExternalError(`EC2 ${call} for ${subject} failed: ${e.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(error)}`, { command: 'aws-sdk', args: [call, subject] }, {
    hint: 'Check the region (--region or AWS_REGION), endpoint and credentials (--profile or AWS_PROFILE); the role needs ec2:CreateSnapshot, ec2:CreateTags and ec2:DescribeSnapshots.',
  });
}
