import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { toJson } from '../../core/json.js';
import { undoK8sJob } from '../../jobs/k8s/k8s-undo.js';
import { Kubectl, type KubectlCall } from '../../jobs/k8s/kubectl.js';
import { parseEbsVolume, runK8sRestore, type RestoreSource } from '../../jobs/k8s/restore-service.js';
import { runK8sSnapshot } from '../../jobs/k8s/snapshot-service.js';
import type { ErrorReport } from '../../jobs/steps.js';
import type { CliContext } from '../context.js';
import type { K8sRestoreArgs, K8sSnapshotArgs, K8sUndoArgs } from './k8s.js';
import { writeError } from '../write-error.js';

/** $XDG_STATE_HOME/snapplan/k8s, or ~/.local/state/snapplan/k8s: journals outlive the shell. */
export function defaultJournalDir(env: NodeJS.ProcessEnv): string {
  const base = env['XDG_STATE_HOME'] || path.join(env['HOME'] || os.homedir(), '.local', 'state');
  return path.join(base, 'snapplan', 'k8s');
}

/** What every k8s job needs: the journal folder, the scale waits, progress and the kubectl settings. */
function jobSetup(args: K8sSnapshotArgs | K8sRestoreArgs | K8sUndoArgs, ctx: CliContext) {
  const journalDir = path.resolve(ctx.cwd, args.journalDir ?? defaultJournalDir(ctx.env));
  const scale = { waitTimeoutSeconds: args.waitTimeout, pollIntervalMs: 1_000 };
  const onEvent = (text: string) => ctx.stderr.write(`snapplan: ${text}\n`);
  // Under --dry-run every call is printed (reads run, the rest is only shown).
  const onCall = (call: KubectlCall) => {
    if (!args.dryRun) return;
    ctx.stderr.write(`${call.executed ? '' : '(dry run) '}${call.display}\n`);
    if (call.input !== undefined) ctx.stderr.write(`${JSON.stringify(JSON.parse(call.input), null, 2)}\n`);
  };
  const kubectlBase = { binary: args.kubectl, env: ctx.env, timeoutMs: 120_000, signal: ctx.signal, dryRun: args.dryRun, onCall };
  return { journalDir, scale, onEvent, kubectlBase };
}

function callsOf(kubectl: Kubectl) {
  return kubectl.calls.map((c) => ({ argv: c.argv, executed: c.executed, manifest: c.input === undefined ? undefined : JSON.parse(c.input) as unknown }));
}

export async function k8sUndoHandler(args: K8sUndoArgs, ctx: CliContext): Promise<number> {
  const { journalDir, scale, onEvent, kubectlBase } = jobSetup(args, ctx);
  const target = args.journal !== undefined ? { journal: path.resolve(ctx.cwd, args.journal) } : { statefulset: args.statefulset ?? '', namespace: args.namespace, journalDir };
  const result = await undoK8sJob(target, kubectlBase, scale, onEvent);
  ctx.stdout.write(args.json ? toJson({ schemaVersion: 1, type: 'k8s-undo', ...result }) + '\n' : `${result.action === 'scaled-back' ? `Scaled statefulset/${result.statefulset} back to ${result.replicas}` : `Nothing to undo for statefulset/${result.statefulset}`} (${result.context}/${result.namespace}; ${result.journal}).\n`);
  return reportError(result.error, ctx);
}

export async function k8sRestoreHandler(args: K8sRestoreArgs, ctx: CliContext): Promise<number> {
  const { journalDir, scale, onEvent, kubectlBase } = jobSetup(args, ctx);
  const source = restoreSource(args, ctx.cwd);
  const kubectl = new Kubectl({ ...kubectlBase, namespace: args.namespace, context: args.context });
  const result = await runK8sRestore(
    kubectl,
    { statefulset: args.statefulset, source, claim: args.claim, size: args.size, storageClass: args.storageClass, replace: args.replace, journalDir, scale, now: ctx.now() },
    onEvent,
  );
  if (args.json) {
    ctx.stdout.write(toJson({ schemaVersion: 1, type: 'k8s-restore', dryRun: args.dryRun, calls: callsOf(kubectl), ...result }) + '\n');
  } else {
    for (const c of result.claims) {
      const from = c.snapshot !== null ? `from VolumeSnapshot ${c.snapshot} (restoreSize ${c.restoreSize ?? '?'})` : `PV ${c.pv ?? '?'} on ${c.volumeId ?? '?'}`;
      ctx.stdout.write(`${c.pvc}: ${args.dryRun ? 'would be restored' : c.state} ${from}, ${c.size}${c.existing ? `, replacing the claim on ${c.existing.volume ?? 'no volume'}` : ''}\n`);
    }
    if (result.manifestFile) ctx.stdout.write(`manifests: ${result.manifestFile}\n`);
    ctx.stdout.write(`statefulset/${result.statefulset}: ${result.scaledBack ? `back at ${result.replicas} replicas` : `NOT scaled back to ${result.replicas}`}${result.journal ? ` (journal ${result.journal})` : ''}\n`);
  }
  return reportError(result.error, ctx);
}

export async function k8sSnapshotHandler(args: K8sSnapshotArgs, ctx: CliContext): Promise<number> {
  const { journalDir, scale, onEvent, kubectlBase } = jobSetup(args, ctx);
  const kubectl = new Kubectl({ ...kubectlBase, namespace: args.namespace, context: args.context });
  const result = await runK8sSnapshot(kubectl, { statefulset: args.statefulset, snapshotClass: args.snapshotClass, journalDir, readyTimeoutSeconds: args.readyTimeout, scale, now: ctx.now() }, onEvent);
  if (args.json) {
    ctx.stdout.write(toJson({ schemaVersion: 1, type: 'k8s-snapshot', dryRun: args.dryRun, calls: callsOf(kubectl), ...result }) + '\n');
  } else {
    for (const s of result.snapshots) ctx.stdout.write(`${s.name} (${s.pvc}): ${args.dryRun ? 'would be created' : s.readyToUse ? `ready, ${s.restoreSize}` : s.error ? `failed: ${s.error}` : 'not ready'}\n`);
    ctx.stdout.write(`statefulset/${result.statefulset}: ${result.scaledBack ? `back at ${result.replicas} replicas` : `NOT scaled back to ${result.replicas}`}${result.journal ? ` (journal ${result.journal})` : ''}\n`);
  }
  return reportError(result.error, ctx);
}

function reportError(error: ErrorReport | null, ctx: CliContext): number {
  if (!error) return 0;
  writeError(ctx, error);
  return error.exitCode || 1;
}

/** Exactly one of the two routes; the EBS route's flags are checked here, before any kubectl call. */
function restoreSource(args: K8sRestoreArgs, cwd: string): RestoreSource {
  const ebs = args.ebsVolume;
  if ((args.fromSnapshots === undefined) === (ebs.length === 0)) {
    throw new UserError('k8s restore needs either --from-snapshots SET|JOURNAL or --ebs-volume ORDINAL=vol-… (not both).');
  }
  if (args.fromSnapshots !== undefined) {
    if (args.zone !== undefined) throw new UserError('--zone belongs to the EBS route (--ebs-volume); a restore from snapshots takes the zone the provisioner picks.');
    const from = args.fromSnapshots.endsWith('.jsonl') ? path.resolve(cwd, args.fromSnapshots) : args.fromSnapshots;
    return { kind: 'snapshots', from };
  }
  if (args.zone === undefined) throw new UserError('--ebs-volume needs --zone, the volumes\' availability zone (like us-east-2a).');
  return { kind: 'ebs', volumes: ebs.map(parseEbsVolume), zone: args.zone, fsType: args.fsType };
}
