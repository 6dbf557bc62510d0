import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { announcementFromArgs } from '../options/announcement-options.js';
import { canPrompt, colorLevel, type CliContext } from '../context.js';
import { parseRpcUrl } from '../options/rpc-url.js';
import { packageVersion } from '../version.js';
import { planHandler } from './plan-handler.js';
import { ledgerToolTimeoutMs } from './shared-args.js';
import { tuiOptions, type TuiArgs } from './tui.js';
import { defaultArgs } from '../define-command.js';

/**
 * `snapplan tui`: the app on a terminal. Without one it never waits for input: it prints the
 * plan exactly as `snapplan plan` does (same exit code) and says how to script the rest.
 */
export async function tuiHandler(args: TuiArgs, ctx: CliContext): Promise<number> {
  const terminal = terminalOf(ctx);
  if (!terminal) return withoutTerminal(args, ctx);
  // --announcement and its flags, checked as for plan; X may come from the file.
  const announcement = await announcementFromArgs(args, ctx.cwd);
  const slot = announcement.snapshotSlot;
  // Loaded only here: plan and apply never load Ink or React.
  const { runTui } = await import('../../ui/run-tui.js');
  return runTui(
    {
      folders: {
        ledger: args.ledger,
        snapshots: args.snapshots,
        fullSnapshotArchivePath: args.fullSnapshotArchivePath,
        incrementalSnapshotArchivePath: args.incrementalSnapshotArchivePath,
      },
      boundsFrom: args.boundsFrom,
      ledgerTool: args.ledgerTool,
      ledgerToolTimeoutMs: ledgerToolTimeoutMs(args.ledgerToolTimeout),
      backupDir: args.backupDir,
      verifyArchives: args.verifyArchives,
      slot,
      announcement,
      allowLedgerToolVersion: args.allowLedgerToolVersion,
      rpc: args.rpc?.map(parseRpcUrl),
    },
    { cwd: ctx.cwd, env: ctx.env, now: ctx.now, signal: ctx.signal, toolVersion: packageVersion() },
    { ...terminal, color: colorLevel(ctx) > 0 },
  );
}

/**
 * For `snapplan` with no command on a terminal: opens the app on `ledger`, or on the current
 * folder when it is a ledger (it has `rocksdb/`). Otherwise it says how to name the ledger.
 */
export async function openAppWithoutCommand(ctx: CliContext, ledger?: string): Promise<number> {
  const chosen = ledger ?? (existsSync(path.join(ctx.cwd, 'rocksdb')) ? ctx.cwd : undefined);
  if (chosen === undefined) {
    throw new UserError('Name the ledger to open the app on: snapplan tui --ledger L.', {
      hint: 'snapplan --help lists the other commands (plan, apply, undo, status).',
    });
  }
  return tuiHandler({ ...defaultArgs(tuiOptions), ledger: chosen }, ctx);
}

/** Ink needs the real streams; a context built by tests or pipes has none, and gets the plain path. */
function terminalOf(ctx: CliContext): { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream; stderr: NodeJS.WriteStream } | null {
  if (!canPrompt(ctx)) return null;
  const isStream = (s: unknown): boolean => typeof s === 'object' && s !== null && 'isTTY' in s && (s as { isTTY?: boolean }).isTTY === true;
  if (!isStream(ctx.stdout) || !isStream(ctx.stdin)) return null;
  return {
    stdout: ctx.stdout as NodeJS.WriteStream,
    stdin: ctx.stdin as NodeJS.ReadStream,
    stderr: ctx.stderr as NodeJS.WriteStream,
  };
}

async function withoutTerminal(args: TuiArgs, ctx: CliContext): Promise<number> {
  if (args.slot === undefined && args.announcement === undefined) {
    throw new UserError('snapplan tui needs a terminal, and there is none here (or CI is set).', {
      hint: 'In scripts: snapplan --plan --ledger L --slot X [--json] shows the plan; snapplan apply --ledger L --slot X --yes carries it out; snapplan status --ledger L lists the quarantines.',
    });
  }
  const code = await planHandler({ ...args, json: false, showIgnored: false, count: false }, ctx);
  ctx.stderr.write(
    'snapplan tui: no terminal here (or CI is set), so this is the plan instead of the app. ' +
      'In scripts use snapplan --plan … (add --json for one JSON document), then snapplan apply … --yes.\n',
  );
  return code;
}
