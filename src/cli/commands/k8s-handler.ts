import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { toJson } from '../../output/json.js';
import { undoK8sJob } from '../../plugins/k8s/k8s-undo.js';
import { Kubectl, type KubectlCall } from '../../plugins/k8s/kubectl.js';
import { runK8sSnapshot } from '../../plugins/k8s/snapshot-service.js';
import type { CliContext } from '../context.js';
import type { K8sArgs } from './k8s.js';

/** $XDG_STATE_HOME/snapplan/k8s, or ~/.local/state/snapplan/k8s: journals outlive the shell. */
export function defaultJournalDir(env: NodeJS.ProcessEnv): string {
  const base = env['XDG_STATE_HOME'] || path.join(env['HOME'] || os.homedir(), '.local', 'state');
  return path.join(base, 'snapplan', 'k8s');
}

export async function k8sHandler(args: K8sArgs, ctx: CliContext): Promise<number> {
  for (const [flag, value] of [['--wait-timeout', args.waitTimeout], ['--ready-timeout', args.readyTimeout]] as const) {
    if (!Number.isFinite(value) || value <= 0) throw new UserError(`${flag} ${value} is not a positive number of seconds.`);
  }
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
  if (args.action === 'undo') {
    if (!args.journal && !args.statefulset) throw new UserError('k8s undo needs --journal PATH or --statefulset NAME.');
    const target = args.journal ? { journal: path.resolve(ctx.cwd, args.journal) } : { statefulset: args.statefulset as string, namespace: args.namespace, journalDir };
    const result = await undoK8sJob(target, kubectlBase, scale, onEvent);
    ctx.stdout.write(args.json ? toJson({ schemaVersion: 1, type: 'k8s-undo', ...result }) + '\n' : `${result.action === 'scaled-back' ? `Scaled statefulset/${result.statefulset} back to ${result.replicas}` : `Nothing to undo for statefulset/${result.statefulset}`} (${result.context}/${result.namespace}; ${result.journal}).\n`);
    if (result.error) ctx.stderr.write(`snapplan: ${result.error.message}\n`);
    return result.error ? result.error.exitCode || 1 : 0;
  }
  if (!args.statefulset) throw new UserError('k8s snapshot needs --statefulset NAME.');
  const kubectl = new Kubectl({ ...kubectlBase, namespace: args.namespace, context: args.context });
  const result = await runK8sSnapshot(kubectl, { statefulset: args.statefulset, snapshotClass: args.snapshotClass, journalDir, readyTimeoutSeconds: args.readyTimeout, scale, now: ctx.now() }, onEvent);
  if (args.json) {
    ctx.stdout.write(toJson({ schemaVersion: 1, type: 'k8s-snapshot', dryRun: args.dryRun, calls: kubectl.calls.map((c) => ({ argv: c.argv, executed: c.executed, manifest: c.input === undefined ? undefined : JSON.parse(c.input) })), ...result }) + '\n');
  } else {
    for (const s of result.snapshots) ctx.stdout.write(`${s.name} (${s.pvc}): ${args.dryRun ? 'would be created' : s.readyToUse ? `ready, ${s.restoreSize}` : s.error ? `failed: ${s.error}` : 'not ready'}\n`);
    ctx.stdout.write(`statefulset/${result.statefulset}: ${result.scaledBack ? `back at ${result.replicas} replicas` : `NOT scaled back to ${result.replicas}`}${result.journal ? ` (journal ${result.journal})` : ''}\n`);
  }
  if (result.error) {
    ctx.stderr.write(`snapplan: ${result.error.message}\n`);
    if (result.error.outputTail) ctx.stderr.write(result.error.outputTail.split('\n').map((l) => `  | ${l}`).join('\n') + '\n');
    if (result.error.hint) ctx.stderr.write(`${result.error.hint}\n`);
    return result.error.exitCode || 1;
  }
  return 0;
}
