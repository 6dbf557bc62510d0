import type { BackupOutcome } from '../jobs/backup.js';
import type { RestoreOutcome } from '../jobs/restore.js';
import { formatDuration } from '../core/format.js';

/**
 * `backup --json` and `restore --json`: one document each, schemaVersion 1. `ok` is false and
 * `error` set whenever the exit code is not 0; the service's state before and after and every
 * step's outcome are always present.
 */
/**
 * The head every job document shares (schemaVersion 1): `type` is `<command>-result`, or
 * `command-failed` when there is an error; `ok` and `exitCode` agree with the process's exit.
 */
export function jobEnvelope(command: string, exitCode: number, failed: boolean) {
  return { schemaVersion: 1, type: failed ? 'command-failed' : `${command}-result`, command, ok: exitCode === 0, exitCode };
}

export function backupDocument(outcome: BackupOutcome): Record<string, unknown> {
  return {
    ...jobEnvelope('backup', outcome.exitCode, outcome.error !== null),
    dryRun: outcome.dryRun,
    chain: outcome.chain,
    set: outcome.set,
    dataDir: outcome.dataDir,
    destination: outcome.destination,
    archive: outcome.archive,
    plannedName: outcome.plannedName,
    service: outcome.service,
    node: outcome.node,
    steps: outcome.steps,
    error: outcome.error,
  };
}

export function restoreDocument(outcome: RestoreOutcome): Record<string, unknown> {
  return {
    ...jobEnvelope('restore', outcome.exitCode, outcome.error !== null),
    chain: outcome.chain,
    dataDir: outcome.dataDir,
    rollback: outcome.rollback,
    archives: outcome.archives,
    oldDirs: outcome.oldDirs,
    service: outcome.service,
    node: outcome.node,
    findings: outcome.findings,
    steps: outcome.steps,
    error: outcome.error,
  };
}

const MARK = { ok: 'ok  ', skipped: 'skip', failed: 'FAIL' } as const;

export function renderSteps(steps: BackupOutcome['steps']): string {
  return steps.map((s) => `  ${MARK[s.status]} ${s.name}${s.message ? `: ${s.message}` : ''}${s.ms >= 1000 ? ` (${formatDuration(s.ms)})` : ''}\n`).join('');
}

export function renderBackupText(outcome: BackupOutcome): string {
  let text = `snapplan backup ${outcome.chain} (${outcome.set}) of ${outcome.dataDir}${outcome.dryRun ? ' — dry run' : ''}\n`;
  text += renderSteps(outcome.steps);
  if (outcome.archive) {
    text += `archive:  ${outcome.archive.location}\n          ${outcome.archive.size} bytes, ${outcome.archive.files} files, sha256 ${outcome.archive.sha256}\n`;
  } else if (outcome.plannedName) text += `archive name: ${outcome.plannedName}\n`;
  text += `service:  ${outcome.service.label}: ${outcome.service.before ?? '?'} before, ${outcome.service.after ?? '?'} after\n`;
  return text;
}

export function renderRestoreText(outcome: RestoreOutcome): string {
  let text = `snapplan restore ${outcome.chain}${outcome.rollback ? ' --rollback' : ''} into ${outcome.dataDir}\n`;
  text += renderSteps(outcome.steps);
  for (const f of outcome.findings) text += `  ${f.severity}: ${f.message}${f.remedy ? `\n    fix: ${f.remedy}` : ''}\n`;
  for (const dir of outcome.oldDirs) text += `old data: ${dir}${outcome.rollback ? ' (put back)' : ' (kept; --rollback puts it back)'}\n`;
  text += `service:  ${outcome.service.label}: ${outcome.service.before ?? '?'} before, ${outcome.service.after ?? '?'} after\n`;
  return text;
}
