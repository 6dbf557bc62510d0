import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { ec2Server } from './ec2-server.js';
import { fakeState, readState, stepNames, testNodeUnit, unitRunning } from './helpers.js';

// Until the lead adds maintenanceCommands to the registry, main() gets them here (deduplicated after).
const VOLUME = 'vol-0123456789abcdef0';

async function runningNode(unit = 'stacks-node') {
  const dir = await tempDir();
  const data = path.join(dir, 'stacks', 'mainnet');
  await mkdir(data, { recursive: true });
  const node = await testNodeUnit(dir, data, unit);
  await node.systemctl('start', unit);
  const rpc = `http://127.0.0.1:${await node.port()}`;
  return { dir, data, node, rpc };
}

describe('volume-snapshot ebs against a local EC2 endpoint', () => {
  it('stops the node, creates the tagged snapshot, restarts it, then waits pending → completed', async () => {
    const { dir, data, node, rpc } = await runningNode();
    const runningAtCreate: boolean[] = [];
    const ec2 = await ec2Server({ pendingPolls: 2, onCreate: () => runningAtCreate.push(unitRunning(node, 'stacks-node')) });
    const result = await runMain(['volume-snapshot', 'ebs', 'stacks', '--data-dir', data, '--volume-id', VOLUME, '--rpc', rpc, '--poll-interval', '0.05', '--tag', 'team=ops', '--json'], { cwd: dir, env: { ...node.env, ...ec2.env } });
    expect(result.exitCode, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, command: 'volume-snapshot', ok: true, kind: 'ebs', source: VOLUME, service: { before: 'running', after: 'running' } });
    expect(doc.snapshot).toMatchObject({ kind: 'ebs', state: 'completed', progress: 100, source: VOLUME, details: { description: 'Stacks Node Snapshot - 20261121', volumeSizeGiB: 80 } });
    expect(doc.snapshot.id).toMatch(/^snap-[0-9a-f]{17}$/);
    // The seed's tags, plus ours and the operator's.
    expect(doc.snapshot.tags).toMatchObject({ Name: 'Stacks Snapshot', type: 'chainstate', 'snapplan:chain': 'stacks', 'snapplan:data-dir': data, team: 'ops' });
    expect(stepNames(doc)).toEqual(['health-before:ok', 'preflight:ok', 'stop:ok', 'open-files:ok', 'sync:ok', 'snapshot:ok', 'restart:ok', 'health-after:ok', 'wait:ok']);
    expect(runningAtCreate).toEqual([false]);
    expect(ec2.requests.map((r) => r.action)).toEqual(['DescribeVolumes', 'CreateSnapshot', 'DescribeSnapshots', 'DescribeSnapshots', 'DescribeSnapshots']);
    const create = ec2.requests[1]?.params ?? {};
    expect(create).toMatchObject({ VolumeId: VOLUME, 'TagSpecification.1.ResourceType': 'snapshot', 'TagSpecification.1.Tag.1.Key': 'Name', 'TagSpecification.1.Tag.1.Value': 'Stacks Snapshot' });
    expect(result.stderr).toMatch(/wait: snap-\w+ pending 33%/);
    expect(result.stdout + result.stderr).not.toContain('fake-ec2-secret');
    expect(unitRunning(node, 'stacks-node')).toBe(true);
  });

  it('a failing CreateSnapshot still restarts the node and exits 1', async () => {
    const { dir, data, node, rpc } = await runningNode();
    const ec2 = await ec2Server({ createError: { code: 'IncorrectState', message: `The volume '${VOLUME}' is not in a valid state for this operation.` } });
    const result = await runMain(['volume-snapshot', 'ebs', 'stacks', '--data-dir', data, '--volume-id', VOLUME, '--rpc', rpc, '--json'], { cwd: dir, env: { ...node.env, ...ec2.env } });
    expect(result.exitCode).toBe(1);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ ok: false, type: 'command-failed', snapshot: null, service: { before: 'running', after: 'running' } });
    expect(stepNames(doc)).toEqual(['health-before:ok', 'preflight:ok', 'stop:ok', 'open-files:ok', 'sync:ok', 'snapshot:failed', 'restart:ok', 'health-after:ok']);
    expect(result.stderr).toContain('IncorrectState');
    expect(unitRunning(node, 'stacks-node')).toBe(true);
  });

  it('refuses an unknown volume before stopping anything (exit 2); a snapshot that ends in error exits 1', async () => {
    const { dir, data, node, rpc } = await runningNode();
    const ec2 = await ec2Server({ finalState: 'error', pendingPolls: 1 });
    const refused = await runMain(['volume-snapshot', 'ebs', 'stacks', '--data-dir', data, '--volume-id', 'vol-0fffffffffffffff0', '--rpc', rpc, '--json'], { cwd: dir, env: { ...node.env, ...ec2.env } });
    expect(refused.exitCode).toBe(2);
    expect(stepNames(JSON.parse(refused.stdout))).toEqual(['health-before:ok', 'preflight:failed']);
    expect(refused.stderr).toContain('vol-0fffffffffffffff0 was not found');
    expect(ec2.requests.map((r) => r.action)).toEqual(['DescribeVolumes']);

    const failed = await runMain(['volume-snapshot', 'ebs', 'stacks', '--data-dir', data, '--volume-id', VOLUME, '--rpc', rpc, '--poll-interval', '0.05', '--json'], { cwd: dir, env: { ...node.env, ...ec2.env } });
    expect(failed.exitCode).toBe(1);
    const doc = JSON.parse(failed.stdout);
    expect(doc.steps.at(-1)).toMatchObject({ name: 'wait', status: 'failed' });
    expect(doc.error.message).toContain('Internal error while copying blocks');
    expect(doc.service.after).toBe('running');
  });
});

describe('volume-snapshot zfs and lvm with stand-ins on PATH', () => {
  it('zfs: finds the dataset of --data-dir, snapshots it with the node stopped, refuses a taken name', async () => {
    const { dir, data, node, rpc } = await runningNode();
    const zfsState = fakeState(dir, 'zfs', { datasets: { 'tank/stacks': { mountpoint: path.join(dir, 'stacks') } }, snapshots: {} });
    const env = { ...node.env, FAKE_ZFS: zfsState };
    const result = await runMain(['volume-snapshot', 'zfs', 'stacks', '--data-dir', data, '--rpc', rpc, '--json'], { cwd: dir, env });
    expect(result.exitCode, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ source: 'tank/stacks', snapshot: { kind: 'zfs', id: 'tank/stacks@snapplan-20261121T120000Z', state: 'completed', details: { referenced: 1048576 } }, service: { after: 'running' } });
    const state = readState<{ snapshots: Record<string, { runningUnits: string[] }> }>(zfsState);
    expect(state.snapshots['tank/stacks@snapplan-20261121T120000Z']?.runningUnits).toEqual([]);

    const again = await runMain(['volume-snapshot', 'zfs', 'stacks', '--data-dir', data, '--rpc', rpc, '--json'], { cwd: dir, env });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect(stepNames(JSON.parse(again.stdout))).not.toContain('stop:ok');
  });

  it('zfs: a failing zfs snapshot restarts the node and exits 1 with the tool\'s message', async () => {
    const { dir, data, node, rpc } = await runningNode();
    const zfsState = fakeState(dir, 'zfs', { datasets: { 'tank/stacks': { mountpoint: data } }, snapshots: {}, failSnapshot: 'out of space' });
    const result = await runMain(['volume-snapshot', 'zfs', 'stacks', '--data-dir', data, '--dataset', 'tank/stacks', '--rpc', rpc, '--json'], { cwd: dir, env: { ...node.env, FAKE_ZFS: zfsState } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("cannot create snapshot 'tank/stacks@snapplan-20261121T120000Z': out of space");
    expect(JSON.parse(result.stdout).service).toMatchObject({ before: 'running', after: 'running' });
    expect(unitRunning(node, 'stacks-node')).toBe(true);
  });

  it('lvm: lvcreate --test refuses before the stop; a real snapshot; a failing one restarts; --no-restart leaves it stopped', async () => {
    const { dir, data, node, rpc } = await runningNode();
    const lvmState = fakeState(dir, 'lvm', { vgs: { vg0: { freeBytes: 8 * 2 ** 30, lvs: { stacks: {} } } } });
    const env = { ...node.env, FAKE_LVM: lvmState };
    const base = ['volume-snapshot', 'lvm', 'stacks', '--data-dir', data, '--origin', 'vg0/stacks', '--rpc', rpc, '--json'];

    const tooBig = await runMain([...base, '--size', '20G'], { cwd: dir, env });
    expect(tooBig.exitCode).toBe(2);
    expect(tooBig.stderr).toContain('insufficient free space');
    expect(JSON.parse(tooBig.stdout).service).toMatchObject({ before: 'running', after: 'running' });

    const made = await runMain([...base, '--size', '2G', '--name', 'stacks-snap'], { cwd: dir, env });
    expect(made.exitCode, made.stderr).toBe(0);
    expect(JSON.parse(made.stdout).snapshot).toMatchObject({ id: 'vg0/stacks-snap', details: { device: '/dev/vg0/stacks-snap', size: '2G' } });
    const state = readState<{ vgs: { vg0: { lvs: Record<string, { runningUnits?: string[]; sizeBytes?: number }> } } }>(lvmState);
    expect(state.vgs.vg0.lvs['stacks-snap']).toMatchObject({ runningUnits: [], sizeBytes: 2 * 2 ** 30 });

    fakeState(dir, 'lvm', { ...state, failCreate: 'device-mapper: reload ioctl on  (253:3) failed: Invalid argument' });
    const failed = await runMain([...base, '--size', '1G', '--name', 'second'], { cwd: dir, env });
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain('Failed to activate new LV.');
    expect(unitRunning(node, 'stacks-node')).toBe(true);

    fakeState(dir, 'lvm', state);
    const left = await runMain([...base, '--size', '1G', '--name', 'third', '--no-restart'], { cwd: dir, env });
    expect(left.exitCode, left.stderr).toBe(0);
    expect(JSON.parse(left.stdout).service).toMatchObject({ before: 'running', after: 'stopped' });
    expect(unitRunning(node, 'stacks-node')).toBe(false);
  });

  it('refuses bad input with exit 2 and --dry-run stops nothing', async () => {
    const dir = await tempDir();
    const missing = await runMain(['volume-snapshot', 'ebs', 'generic', '--service-manager', 'none', '--json'], { cwd: dir });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('--volume-id');
    const badOrigin = await runMain(['volume-snapshot', 'lvm', 'generic', '--service-manager', 'none', '--origin', 'nogroup', '--size', '1G'], { cwd: dir });
    expect(badOrigin.exitCode).toBe(2);
    expect(badOrigin.stderr).toContain('is not VG/LV');

    const { dir: nodeDir, data, node, rpc } = await runningNode();
    const zfsState = fakeState(nodeDir, 'zfs', { datasets: { 'tank/stacks': { mountpoint: data } }, snapshots: {} });
    const dry = await runMain(['volume-snapshot', 'zfs', 'stacks', '--data-dir', data, '--rpc', rpc, '--dry-run'], { cwd: nodeDir, env: { ...node.env, FAKE_ZFS: zfsState } });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('skip stop: dry run');
    expect(readState<{ snapshots: object }>(zfsState).snapshots).toEqual({});
  });
});
