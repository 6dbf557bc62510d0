import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { onTestFinished } from 'vitest';

/**
 * A small EC2 Query API endpoint on 127.0.0.1 (port 0) for the SDK: DescribeVolumes,
 * CreateSnapshot (with TagSpecification) and DescribeSnapshots, answering in EC2's XML.
 * A snapshot is `pending` with growing progress for `pendingPolls` DescribeSnapshots calls,
 * then `completed` (or `error` when `finalState` says so).
 */
export interface Ec2Fake {
  readonly endpoint: string;
  readonly env: Record<string, string>;
  readonly requests: { action: string; params: Record<string, string> }[];
}

export interface Ec2FakeOptions {
  readonly volumes?: Record<string, { size: number; instanceId?: string }>;
  readonly pendingPolls?: number;
  readonly finalState?: 'completed' | 'error';
  /** CreateSnapshot answers this EC2 error code (HTTP 400). */
  readonly createError?: { code: string; message: string };
  /** Called on CreateSnapshot, e.g. to record whether the node runs. */
  readonly onCreate?: () => void;
}

const NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export async function ec2Server(options: Ec2FakeOptions = {}): Promise<Ec2Fake> {
  const volumes = options.volumes ?? { 'vol-0123456789abcdef0': { size: 80, instanceId: 'i-0abc1234def567890' } };
  const snapshots = new Map<string, { volumeId: string; description: string; tags: [string, string][]; polls: number; start: string }>();
  const requests: Ec2Fake['requests'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(body));
      const action = params['Action'] ?? '';
      requests.push({ action, params });
      const requestId = randomUUID();
      const send = (status: number, xml: string) => {
        res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8' });
        res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
      };
      const error = (code: string, message: string) =>
        send(400, `<Response><Errors><Error><Code>${code}</Code><Message>${esc(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`);
      const tagSet = (tags: [string, string][]) => `<tagSet>${tags.map(([k, v]) => `<item><key>${esc(k)}</key><value>${esc(v)}</value></item>`).join('')}</tagSet>`;
      if (action === 'DescribeVolumes') {
        const id = params['VolumeId.1'] ?? '';
        const volume = volumes[id];
        if (!volume) return error('InvalidVolume.NotFound', `The volume '${id}' does not exist.`);
        return send(200, `<DescribeVolumesResponse xmlns="${NS}"><requestId>${requestId}</requestId><volumeSet><item><volumeId>${id}</volumeId><size>${volume.size}</size><snapshotId/><availabilityZone>us-east-1a</availabilityZone><status>in-use</status><createTime>2026-01-01T00:00:00.000Z</createTime>${volume.instanceId ? `<attachmentSet><item><volumeId>${id}</volumeId><instanceId>${volume.instanceId}</instanceId><device>/dev/sdf</device><status>attached</status><attachTime>2026-01-01T00:00:00.000Z</attachTime><deleteOnTermination>false</deleteOnTermination></item></attachmentSet>` : '<attachmentSet/>'}<volumeType>gp3</volumeType><encrypted>false</encrypted></item></volumeSet></DescribeVolumesResponse>`);
      }
      if (action === 'CreateSnapshot') {
        options.onCreate?.();
        if (options.createError) return error(options.createError.code, options.createError.message);
        const volumeId = params['VolumeId'] ?? '';
        if (!volumes[volumeId]) return error('InvalidVolume.NotFound', `The volume '${volumeId}' does not exist.`);
        const tags: [string, string][] = [];
        for (let i = 1; params[`TagSpecification.1.Tag.${i}.Key`] !== undefined; i++) tags.push([params[`TagSpecification.1.Tag.${i}.Key`] as string, params[`TagSpecification.1.Tag.${i}.Value`] ?? '']);
        const id = `snap-${randomUUID().replace(/-/g, '').slice(0, 17)}`;
        const start = new Date().toISOString();
        snapshots.set(id, { volumeId, description: params['Description'] ?? '', tags, polls: 0, start });
        return send(200, `<CreateSnapshotResponse xmlns="${NS}"><requestId>${requestId}</requestId><snapshotId>${id}</snapshotId><volumeId>${volumeId}</volumeId><status>pending</status><startTime>${start}</startTime><progress></progress><ownerId>111122223333</ownerId><volumeSize>${volumes[volumeId]?.size}</volumeSize><description>${esc(params['Description'] ?? '')}</description><encrypted>false</encrypted>${tagSet(tags)}</CreateSnapshotResponse>`);
      }
      if (action === 'DescribeSnapshots') {
        const id = params['SnapshotId.1'] ?? '';
        const snap = snapshots.get(id);
        if (!snap) return error('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
        snap.polls += 1;
        const pending = options.pendingPolls ?? 2;
        const done = snap.polls > pending;
        const state = done ? (options.finalState ?? 'completed') : 'pending';
        const progress = done ? (state === 'completed' ? 100 : 37) : Math.floor((snap.polls / (pending + 1)) * 100);
        return send(200, `<DescribeSnapshotsResponse xmlns="${NS}"><requestId>${requestId}</requestId><snapshotSet><item><snapshotId>${id}</snapshotId><volumeId>${snap.volumeId}</volumeId><status>${state}</status>${state === 'error' ? '<statusMessage>Internal error while copying blocks</statusMessage>' : ''}<startTime>${snap.start}</startTime><progress>${progress}%</progress><ownerId>111122223333</ownerId><volumeSize>${volumes[snap.volumeId]?.size}</volumeSize><description>${esc(snap.description)}</description><encrypted>false</encrypted><storageTier>standard</storageTier>${tagSet(snap.tags)}</item></snapshotSet></DescribeSnapshotsResponse>`);
      }
      return error('InvalidAction', `The action ${action} is not valid for this web service.`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  return { endpoint, requests, env: { AWS_ACCESS_KEY_ID: 'AKIAFAKEEC2TEST', AWS_SECRET_ACCESS_KEY: 'fake-ec2-secret-never-printed', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_EC2: endpoint } };
}
