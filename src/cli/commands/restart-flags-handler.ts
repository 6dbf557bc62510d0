import path from 'node:path';
import { previewPatch, previewRevert, writePatch, writeRevert } from '../../agave/restart-patch/restart-patch-service.js';
import { restartValuesFrom } from '../../agave/restart-patch/restart-values.js';
import { ExternalError, UserError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { capture, describeExit, tailLines } from '../../core/process.js';
import { toJson } from '../../core/json.js';
import { changeSummary } from '../../output/restart-flags-report.js';
import type { CliContext } from '../context.js';
import { announcementFromArgs } from '../options/announcement-options.js';
import { confirm } from '../prompt.js';
import type { RestartFlagsArgs } from './restart-flags.js';

/** 0 when written (or nothing to do, or a dry run); 2 when refused or declined; 1 when daemon-reload failed. */
export async function restartFlagsHandler(args: RestartFlagsArgs, ctx: CliContext): Promise<number> {
  if ((args.patch === undefined) === (args.revert === undefined)) {
    throw new UserError(args.patch === undefined ? 'restart-flags needs a file: --patch FILE or --revert FILE.' : 'Pass either --patch FILE or --revert FILE, not both.', {
      hint: '--patch adds the restart flags to a start script or unit; --revert takes them out again.',
    });
  }
  return args.patch !== undefined ? patch(args, path.resolve(ctx.cwd, args.patch), ctx) : revert(args, path.resolve(ctx.cwd, args.revert as string), ctx);
}

async function patch(args: RestartFlagsArgs, file: string, ctx: CliContext): Promise<number> {
  const values = restartValuesFrom(await announcementFromArgs(args, ctx.cwd));
  const preview = await previewPatch(file, values);
  const changed = preview.patched !== preview.original;
  const doc = {
    schemaVersion: 1,
    command: 'restart-flags',
    action: 'patch',
    file,
    kind: preview.kind,
    line: preview.line,
    dryRun: args.dryRun,
    changed,
    changes: preview.changes,
    diff: preview.diff,
    written: false,
    backup: null as string | null,
    record: null as string | null,
    ledgerPointer: null as string | null,
    daemonReload: preview.kind === 'systemd' && changed ? ('needed' as 'needed' | 'done') : null,
  };
  if (!args.json) {
    if (changed) ctx.stdout.write(preview.diff);
    ctx.stdout.write(`${changeSummary(preview.changes)}\n`);
  }
  if (!changed || args.dryRun) {
    if (args.json) ctx.stdout.write(toJson({ ...doc, daemonReload: null }) + '\n');
    else ctx.stdout.write(changed ? 'Dry run: nothing was written.\n' : `${file} already has exactly these restart flags; nothing to do.\n`);
    return ExitCode.Ok;
  }
  if (!args.yes && !(await confirm(ctx, `Write these restart flags into ${file}?`, '--yes'))) {
    throw new UserError('Nothing was changed: the operator declined.', { hint: 'Run again and confirm, or pass --yes.' });
  }
  const outcome = await writePatch(preview, values, ctx.now());
  doc.written = true;
  doc.backup = outcome.backup;
  doc.record = outcome.record;
  doc.ledgerPointer = outcome.pointer;
  if (preview.kind === 'systemd' && args.reload) {
    await daemonReload(ctx);
    doc.daemonReload = 'done';
  }
  if (args.json) {
    ctx.stdout.write(toJson(doc) + '\n');
    return ExitCode.Ok;
  }
  ctx.stdout.write(`Wrote ${file}. The original is kept at ${outcome.backup}.\n`);
  if (preview.kind === 'systemd') {
    ctx.stdout.write(args.reload ? 'Ran systemctl daemon-reload: the next start of the service uses these flags.\n' : 'This is a systemd unit: run systemctl daemon-reload before starting the service (or pass --reload).\n');
  }
  ctx.stdout.write(`Once the cluster has restarted, take the flags out again: snapplan restart-flags --revert ${file}\n`);
  return ExitCode.Ok;
}

async function revert(args: RestartFlagsArgs, file: string, ctx: CliContext): Promise<number> {
  const planned = await previewRevert(file);
  const { outcome } = planned;
  const doc = {
    schemaVersion: 1,
    command: 'restart-flags',
    action: 'revert',
    file,
    kind: outcome.kind,
    dryRun: args.dryRun,
    result: outcome.result,
    diff: outcome.diff,
    written: false,
    keptCurrent: null as string | null,
    backup: outcome.backup,
    daemonReload: outcome.kind === 'systemd' && outcome.result !== 'unchanged' ? ('needed' as 'needed' | 'done') : null,
  };
  if (!args.json) {
    if (outcome.result === 'unchanged') ctx.stdout.write(`${file} holds its original bytes (the patch never reached it or was undone by hand).\n`);
    else {
      ctx.stdout.write(outcome.diff);
      if (outcome.result === 'reconciled') ctx.stdout.write('The file was edited after the patch: only the restart flags come out, the later edits stay.\n');
    }
  }
  if (args.dryRun) {
    if (args.json) ctx.stdout.write(toJson(doc) + '\n');
    else ctx.stdout.write('Dry run: nothing was written.\n');
    return ExitCode.Ok;
  }
  if (outcome.result !== 'unchanged' && !args.yes && !(await confirm(ctx, `Take the restart flags out of ${file}?`, '--yes'))) {
    throw new UserError('Nothing was changed: the operator declined.', { hint: 'Run again and confirm, or pass --yes.' });
  }
  const done = await writeRevert(file, planned, ctx.now());
  doc.written = done.result !== 'unchanged';
  doc.keptCurrent = done.keptCurrent;
  if (doc.daemonReload !== null && args.reload) {
    await daemonReload(ctx);
    doc.daemonReload = 'done';
  }
  if (args.json) {
    ctx.stdout.write(toJson(doc) + '\n');
    return ExitCode.Ok;
  }
  if (done.result === 'restored') ctx.stdout.write(`Restored ${file} to its exact original bytes.\n`);
  if (done.result === 'reconciled') ctx.stdout.write(`Took the restart flags out of ${file}; the file as it was is kept at ${done.keptCurrent}.\n`);
  if (doc.daemonReload === 'needed') ctx.stdout.write('This is a systemd unit: run systemctl daemon-reload (or pass --reload).\n');
  if (doc.daemonReload === 'done') ctx.stdout.write('Ran systemctl daemon-reload.\n');
  return ExitCode.Ok;
}

async function daemonReload(ctx: CliContext): Promise<void> {
  const timeoutMs = 60_000;
  const result = await capture('systemctl', ['daemon-reload'], { timeoutMs, env: ctx.env, signal: ctx.signal });
  if (result.exitCode !== 0) {
    throw new ExternalError(
      `The file was written, but systemctl daemon-reload ${describeExit(result, timeoutMs)}.`,
      { command: 'systemctl', args: ['daemon-reload'], exitCode: result.exitCode, outputTail: tailLines(result.stderr + result.stdout, 10) },
      { hint: 'Run systemctl daemon-reload yourself before starting the service.' },
    );
  }
}
