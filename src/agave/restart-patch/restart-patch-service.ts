import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { applyPatch, createTwoFilesPatch, parsePatch, reversePatch, type StructuredPatch } from 'diff';
import { UserError } from '../../core/errors.js';
import { isErrno } from '../../core/fs-errors.js';
import { killPoint } from '../../ops/kill-point.js';
import { writeFileAtomically, type Ownership } from './atomic-write.js';
import { planPatch, restartFlagValues, type FlagChange, type RestartValues } from './patch-plan.js';
import { detectKind, flagValue, locateValidatorCommand, type StartFileKind } from './start-file.js';

/** Beside the patched file: what --revert needs (the diff, the hashes, where the original copy is). */
export const RECORD_SUFFIX = '.snapplan-restart.json';
/** In the ledger: tells `watch` which log to follow and the restart slot, while the patch is in place. */
export const LEDGER_POINTER = 'snapplan-restart-flags.json';

export interface PatchRecord {
  readonly schemaVersion: 1;
  readonly file: string;
  readonly kind: StartFileKind;
  readonly backup: string;
  readonly patchedAt: string;
  readonly originalSha256: string;
  readonly patchedSha256: string;
  readonly diff: string;
  readonly values: { restartSlot: string; expectedBankHash: string; expectedShredVersion: number; validatorHardForks: string[] };
  readonly ledger: string | null;
  readonly log: string | null;
}

export interface LedgerPointer {
  readonly file: string;
  readonly restartSlot: string;
  readonly log: string | null;
  readonly patchedAt: string;
}

export interface PatchPreview {
  readonly file: string;
  readonly kind: StartFileKind;
  readonly original: string;
  readonly patched: string;
  readonly changes: readonly FlagChange[];
  readonly diff: string;
  readonly ledger: string | null;
  readonly log: string | null;
  readonly line: number;
  readonly stats: Stats;
}

export const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');
export const recordPathOf = (file: string): string => `${file}${RECORD_SUFFIX}`;

/** `FILE.snapplan-<UTC yyyymmddThhmmssZ>`: the untouched copy kept beside the file. */
export function backupPathOf(file: string, now: Date): string {
  return `${file}.snapplan-${now.toISOString().replace(/[-:]/g, '').replace(/\.[0-9]+Z$/, 'Z')}`;
}

/** Reads and plans; changes nothing. */
export async function previewPatch(file: string, values: RestartValues): Promise<PatchPreview> {
  const { text, stats } = await readStartFile(file);
  const record = await readRecord(file);
  if (record !== null) {
    const current = sha256(text);
    if (current === record.patchedSha256) {
      throw new UserError(`${file} already carries restart flags snapplan added on ${record.patchedAt}.`, {
        hint: `Revert first (snapplan restart-flags --revert ${file}), then patch with the new values.`,
      });
    }
    if (current !== record.originalSha256) {
      throw new UserError(`${file} has a snapplan patch record (${recordPathOf(file)}) but has changed since.`, {
        hint: `Run snapplan restart-flags --revert ${file} to take the old flags out first.`,
      });
    }
    // The record of a patch that never reached the file (killed before the rename): replaced below.
  }
  ownershipOf(file, stats); // refuse before showing a diff that could not be written
  const kind = detectKind(file, text);
  const cmd = locateValidatorCommand(text, kind, file);
  const plan = planPatch(text, cmd, values, file);
  const diff = createTwoFilesPatch(file, file, text, plan.patched, 'original', 'with restart flags');
  const ledger = flagValue(cmd, ['--ledger', '-l']);
  const log = flagValue(cmd, ['--log', '-o']);
  return {
    file,
    kind,
    original: text,
    patched: plan.patched,
    changes: plan.changes,
    diff,
    ledger: ledger === null ? null : path.resolve(path.dirname(file), ledger),
    log: log === null || log === '-' ? null : path.resolve(path.dirname(file), log),
    line: cmd.line,
    stats,
  };
}

export interface PatchOutcome {
  readonly backup: string;
  readonly record: string;
  readonly pointer: string | null;
}

/** Keeps the original beside the file, writes the record, then replaces the file atomically. */
export async function writePatch(preview: PatchPreview, values: RestartValues, now: Date): Promise<PatchOutcome> {
  const owner = ownershipOf(preview.file, preview.stats);
  const backup = backupPathOf(preview.file, now);
  if (await exists(backup)) throw new UserError(`${backup} already exists.`, { hint: 'Wait a second and run again, or move that copy away.' });
  await writeFileAtomically(backup, preview.original, owner);
  killPoint(`restart-flags: original kept at ${backup}`);
  const record: PatchRecord = {
    schemaVersion: 1,
    file: preview.file,
    kind: preview.kind,
    backup,
    patchedAt: now.toISOString(),
    originalSha256: sha256(preview.original),
    patchedSha256: sha256(preview.patched),
    diff: preview.diff,
    values: {
      restartSlot: String(values.restartSlot),
      expectedBankHash: values.expectedBankHash,
      expectedShredVersion: values.expectedShredVersion,
      validatorHardForks: values.validatorHardForks.map(String),
    },
    ledger: preview.ledger,
    log: preview.log,
  };
  const recordPath = recordPathOf(preview.file);
  await writeFileAtomically(recordPath, `${JSON.stringify(record, null, 2)}\n`, { ...owner, mode: 0o644 });
  killPoint(`restart-flags: record written ${recordPath}`);
  await writeFileAtomically(preview.file, preview.patched, owner);
  const pointer = await writePointer(record);
  return { backup, record: recordPath, pointer };
}

export interface RevertOutcome {
  /** `restored`: the exact original bytes; `reconciled`: the flags taken out of a file edited since; `unchanged`: nothing was patched. */
  readonly result: 'restored' | 'reconciled' | 'unchanged';
  readonly diff: string;
  readonly backup: string;
  /** For `reconciled`: the edited file as it was before the revert. */
  readonly keptCurrent: string | null;
  readonly kind: StartFileKind;
  readonly reverted: string;
  readonly current: string;
}

/** Plans the revert (reads only). */
export async function previewRevert(file: string): Promise<{ record: PatchRecord; outcome: RevertOutcome; stats: Stats }> {
  const record = await readRecord(file);
  if (record === null) {
    throw new UserError(`There is no restart-flags record beside ${file} (${path.basename(recordPathOf(file))}).`, {
      hint: 'Only a file patched by snapplan restart-flags --patch can be reverted; compare it with its FILE.snapplan-* copy by hand.',
    });
  }
  const { text: current, stats } = await readStartFile(file);
  const currentSha = sha256(current);
  const base = { backup: record.backup, kind: record.kind, current };
  if (currentSha === record.originalSha256) return { record, stats, outcome: { ...base, result: 'unchanged', diff: '', keptCurrent: null, reverted: current } };
  const reversed = reversePatch(parsePatch(record.diff)[0] as StructuredPatch);
  const reverted = applyPatch(current, reversed);
  if (currentSha === record.patchedSha256) {
    const original = reverted !== false && sha256(reverted) === record.originalSha256 ? reverted : await backupIfIntact(record);
    if (original === null) {
      throw new UserError(`Cannot rebuild the original of ${file}: the record's diff does not undo it and ${record.backup} differs from the original.`, {
        hint: `Compare ${record.backup} with ${file} and restore by hand.`,
      });
    }
    return { record, stats, outcome: { ...base, result: 'restored', diff: createTwoFilesPatch(file, file, current, original, 'with restart flags', 'original'), keptCurrent: null, reverted: original } };
  }
  const cannot = (why: string) =>
    new UserError(`${file} changed since snapplan patched it on ${record.patchedAt}, and ${why}; nothing was changed.`, {
      hint: `Compare it with the original kept at ${record.backup} (diff -u ${record.backup} ${file}) and take the restart flags out by hand.`,
    });
  if (reverted === false) throw cannot('the later edits touch the lines the patch changed');
  const original = await backupIfIntact(record);
  if (original !== null) {
    const want = JSON.stringify(restartFlagValues(locateValidatorCommand(original, record.kind, file)));
    let got: string;
    try {
      got = JSON.stringify(restartFlagValues(locateValidatorCommand(reverted, record.kind, file)));
    } catch {
      throw cannot('the result would no longer hold one validator command');
    }
    if (got !== want) throw cannot('the restart flags would not come out as they were before the patch');
  }
  return { record, stats, outcome: { ...base, result: 'reconciled', diff: createTwoFilesPatch(file, file, current, reverted, 'current', 'reverted'), keptCurrent: null, reverted } };
}

/** Writes the revert planned by previewRevert, then removes the record and the ledger pointer. */
export async function writeRevert(file: string, planned: { record: PatchRecord; outcome: RevertOutcome; stats: Stats }, now: Date): Promise<RevertOutcome> {
  const { record, outcome, stats } = planned;
  let keptCurrent: string | null = null;
  if (outcome.result !== 'unchanged') {
    const owner = ownershipOf(file, stats);
    if (outcome.result === 'reconciled') {
      // The operator's later edits are worth keeping as they were.
      keptCurrent = `${backupPathOf(file, now)}-before-revert`;
      await writeFileAtomically(keptCurrent, outcome.current, owner);
    }
    await writeFileAtomically(file, outcome.reverted, owner);
  }
  await removePointer(record);
  await unlink(recordPathOf(file)).catch((error: unknown) => {
    if (!isErrno(error, 'ENOENT')) throw error;
  });
  return { ...outcome, keptCurrent };
}

export async function readRecord(file: string): Promise<PatchRecord | null> {
  let text: string;
  try {
    text = await readFile(recordPathOf(file), 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw error;
  }
  try {
    const record = JSON.parse(text) as PatchRecord;
    if (record.schemaVersion !== 1 || typeof record.diff !== 'string') throw new Error('unknown layout');
    return record;
  } catch {
    throw new UserError(`${recordPathOf(file)} is not a restart-flags record snapplan can read.`, { hint: 'Move it away if it is not snapplan\'s, then run again.' });
  }
}

export async function readLedgerPointer(ledger: string): Promise<LedgerPointer | null> {
  try {
    return JSON.parse(await readFile(path.join(ledger, LEDGER_POINTER), 'utf8')) as LedgerPointer;
  } catch {
    return null;
  }
}

async function readStartFile(file: string): Promise<{ text: string; stats: Stats }> {
  let stats: Stats;
  try {
    stats = await stat(file);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) throw new UserError(`${file} does not exist.`, { hint: 'Name the validator start script or systemd unit (or drop-in).' });
    throw new UserError(`Cannot read ${file}: ${(error as Error).message}.`, { hint: 'Check the path and its permissions.' });
  }
  if (!stats.isFile()) throw new UserError(`${file} is not a regular file.`, { hint: 'Name the start script or unit file itself.' });
  const buffer = await readFile(file);
  const text = buffer.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(buffer)) {
    throw new UserError(`${file} is not UTF-8 text; snapplan will not rewrite it.`, { hint: 'Add the restart flags by hand.' });
  }
  return { text, stats };
}

function ownershipOf(file: string, stats: Stats): Ownership {
  const uid = process.getuid?.();
  if (uid !== undefined && uid !== 0 && uid !== stats.uid) {
    throw new UserError(`${file} belongs to uid ${stats.uid}; rewriting it as uid ${uid} would change its owner.`, {
      hint: 'Run restart-flags as the file\'s owner or as root.',
    });
  }
  return { mode: stats.mode, uid: stats.uid, gid: stats.gid };
}

async function backupIfIntact(record: PatchRecord): Promise<string | null> {
  try {
    const text = await readFile(record.backup, 'utf8');
    return sha256(text) === record.originalSha256 ? text : null;
  } catch {
    return null;
  }
}

async function writePointer(record: PatchRecord): Promise<string | null> {
  if (record.ledger === null) return null;
  try {
    if (!(await stat(record.ledger)).isDirectory()) return null;
  } catch {
    return null; // the ledger is on another machine or not created yet: watch then needs --log
  }
  const pointer: LedgerPointer = { file: record.file, restartSlot: record.values.restartSlot, log: record.log, patchedAt: record.patchedAt };
  const target = path.join(record.ledger, LEDGER_POINTER);
  const temp = `${target}.tmp-${process.pid}`;
  await writeFile(temp, `${JSON.stringify(pointer, null, 2)}\n`);
  await rename(temp, target);
  return target;
}

async function removePointer(record: PatchRecord): Promise<void> {
  if (record.ledger === null) return;
  const pointer = await readLedgerPointer(record.ledger);
  if (pointer?.file !== record.file) return;
  await unlink(path.join(record.ledger, LEDGER_POINTER)).catch(() => undefined);
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}
