import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCluster, flatTar } from '../devicedb/devicedb-server.js';
import { tempDir } from '../support/temp-dir.js';
import { env, KUBECTL, readCluster, writeCluster } from './fake-cluster.js';
import { runMain } from '../support/run-cli.js';

/** The cluster commands through main(), as the CLI runs them. */
const run = (argv: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}) => runMain(argv, { cwd, env: extraEnv });

describe('cluster commands', () => {
  it('devicedb snapshot --json documents every node and the manifest', async () => {
    const dir = await tempDir();
    const tar = await flatTar(dir, { CURRENT: 'x' });
    const c = await startCluster({ a: { tar, nodeId: '1' }, b: { tar, nodeId: '2', processingPolls: 1 } });
    const r = await run(['devicedb', 'snapshot', ...c.nodes.map((n) => `--node=${n.label}=127.0.0.1:${n.port}`), '--out', 'out', '--poll-interval', '0.02', '--json'], dir);
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, type: 'devicedb-snapshot', uuid: c.snapshots[0], error: null });
    expect(doc.manifest).toBe(path.join(dir, 'out', `snapshot-${c.snapshots[0]}.manifest.json`));
  });

  it('devicedb snapshot as text: one line per node with its file and a readable size', async () => {
    const dir = await tempDir();
    const tar = await flatTar(dir, { CURRENT: 'x'.repeat(5000) });
    const c = await startCluster({ a: { tar, nodeId: '1' } });
    const r = await run(['devicedb', 'snapshot', `--node=a=127.0.0.1:${c.nodes[0]?.port}`, '--out', 'out', '--poll-interval', '0.02'], dir);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^a \(127\.0\.0\.1:\d+\): completed, \S+ \(\d+(\.\d+)? KiB\)$/m);
  });

  it('devicedb snapshot with a bad --node is a usage error (exit 2)', async () => {
    const dir = await tempDir();
    const r = await run(['devicedb', 'snapshot', '--node', 'nohostport'], dir);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/is not host:port/);
  });

  it('k8s snapshot --dry-run --json prints every call and manifest and changes nothing', async () => {
    const dir = await tempDir();
    const state = await writeCluster(dir);
    const r = await run(['k8s', 'snapshot', '--statefulset', 'web', '-n', 'chain', '--kubectl', KUBECTL, '--dry-run', '--json', '--journal-dir', 'j'], dir, env(state));
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, type: 'k8s-snapshot', dryRun: true, replicas: 3 });
    expect(doc.calls.filter((c: { executed: boolean }) => !c.executed).map((c: { argv: string[] }) => c.argv.slice(2).join(' '))).toEqual([
      'scale statefulset/web --replicas=0',
      'wait --for=delete pod/web-0 --timeout=600s',
      'wait --for=delete pod/web-1 --timeout=600s',
      'wait --for=delete pod/web-2 --timeout=600s',
      'apply -f -',
      'apply -f -',
      'apply -f -',
      'scale statefulset/web --replicas=3',
      'rollout status statefulset/web --timeout=600s',
    ]);
    expect(r.stderr).toContain('(dry run) ');
    expect(r.stderr).toContain('"persistentVolumeClaimName": "data-web-2"');
    expect((await readCluster(state)).statefulsets['chain/web']?.spec.replicas).toBe(3);
  });

  it('k8s snapshot with a kubectl that does not exist says so (not "no current context") and changes nothing', async () => {
    const dir = await tempDir();
    const state = await writeCluster(dir);
    const missing = `${dir}/no-such-kubectl`;
    const r = await run(['k8s', 'snapshot', '--statefulset', 'web', '-n', 'chain', '--kubectl', missing, '--json', '--journal-dir', 'j'], dir, env(state));
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain(`${missing} was not found.`);
    expect(r.stderr).toContain('Install kubectl and put it on PATH, or pass --kubectl PATH.');
    expect(r.stderr).not.toContain('no current context');
    expect((await readCluster(state)).statefulsets['chain/web']?.spec.replicas).toBe(3);
  });

  it('k8s undo without a journal to act on is a usage error', async () => {
    const dir = await tempDir();
    const r = await run(['k8s', 'undo', '--statefulset', 'web', '--journal-dir', 'none'], dir);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/No unfinished snapplan k8s job/);
  });

  it('snapplan undo --journal on a k8s job journal runs k8s undo with its defaults', async () => {
    const dir = await tempDir();
    const state = await writeCluster(dir);
    const job = await run(['k8s', 'snapshot', '--statefulset', 'web', '-n', 'chain', '--kubectl', KUBECTL, '--journal-dir', 'j', '--ready-timeout', '10', '--json'], dir, env(state));
    expect(job.exitCode).toBe(0);
    const journal = JSON.parse(job.stdout).journal as string;
    // The job finished, so there is nothing to scale back; undo found its way to the k8s journal.
    const undo = await run(['undo', '--journal', journal, '--json'], dir, { ...env(state), PATH: `${path.dirname(KUBECTL)}:${env(state)['PATH'] ?? ''}` });
    expect(undo.stderr).toBe('');
    expect(undo.exitCode).toBe(0);
    expect(JSON.parse(undo.stdout)).toMatchObject({ schemaVersion: 1, type: 'k8s-undo', statefulset: 'web', journal });
  });
});
