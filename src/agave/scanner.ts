import { closeSync, openSync, readdirSync, readSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { isErrno } from '../core/fs-errors.js';
import { compareSlots, tryParseU64 } from '../core/slot.js';
import { compareText } from '../core/compare-text.js';
import { notAFile, openProblem, type ArchiveProblem } from './archive-check.js';
import { parseArchiveName } from './archive-name.js';
import type { BankSnapshot, IgnoredEntry, Inventory, LedgerFolders, SnapshotArchive } from './inventory.js';

export interface FolderOptions {
  readonly ledger: string;
  readonly snapshots?: string | undefined;
  readonly fullSnapshotArchivePath?: string | undefined;
  readonly incrementalSnapshotArchivePath?: string | undefined;
}

/** Applies Agave's defaults: snapshots → ledger; both archive paths → snapshots. */
export function resolveFolders(options: FolderOptions, cwd: string): LedgerFolders {
  const ledger = path.resolve(cwd, options.ledger);
  const snapshots = options.snapshots ? path.resolve(cwd, options.snapshots) : ledger;
  return {
    ledger,
    snapshots,
    fullArchives: options.fullSnapshotArchivePath ? path.resolve(cwd, options.fullSnapshotArchivePath) : snapshots,
    incrementalArchives: options.incrementalSnapshotArchivePath
      ? path.resolve(cwd, options.incrementalSnapshotArchivePath)
      : snapshots,
  };
}

/**
 * Entries a ledger or snapshots folder normally holds besides archives. They are not
 * snapshots, but listing them as "ignored" would only bury the entries that matter.
 */
const KNOWN_LEDGER_ENTRIES = new Set([
  'rocksdb', 'rocksdb_fifo', 'accounts', 'accounts_index', 'accounts_hash_cache', 'accounts_index_path',
  'snapshots', 'snapshot', 'remote', 'genesis.bin', 'genesis.tar.bz2', 'tmp-genesis', 'ledger_tool',
  'contact-info.bin', 'admin.rpc', 'snapplan-quarantine', '.snapplan.lock',
  // snapplan's own records in the ledger: fetch's blacklist, restart-flags' pointer to the patched start.
  'snapplan-fetch-blacklist.json', 'snapplan-restart-flags.json',
]);
const KNOWN_LEDGER_PATTERN = /^tower(-[0-9_]+)?-[1-9A-HJ-NP-Za-km-z]+\.bin(\.new)?$|^agave-validator.*\.log$|^solana-validator.*\.log$|^\.snapplan-restore-|^rocksdb_backup_|^backup_rocksdb_/; // the last two: restart-boot copies, listed by restart-boot-backups.ts

/**
 * Reads the archive folders (each with its `remote/`) and the bank snapshot folders into an
 * Inventory. Read-only: it opens nothing for writing and follows no link out of a folder
 * except to read a linked archive's size, as Agave itself would open it.
 *
 * Synchronous on purpose: a ledger holds thousands of entries, and one stat per entry
 * through fs/promises cost ~10× more than the syscalls themselves (see docs/PERFORMANCE.md).
 */
export function scanLedger(folders: LedgerFolders): Inventory {
  requireFolder(folders.ledger, '--ledger');
  requireFolder(folders.snapshots, '--snapshots');
  requireFolder(folders.fullArchives, '--full-snapshot-archive-path');
  requireFolder(folders.incrementalArchives, '--incremental-snapshot-archive-path');

  const archives: SnapshotArchive[] = [];
  const ignored: IgnoredEntry[] = [];
  const scannedArchiveFolders: string[] = [];

  // The same folder may serve both roles (the default): scan it once, accepting both kinds.
  const roles = new Map<string, Set<'full' | 'incremental'>>();
  for (const [dir, role] of [[folders.fullArchives, 'full'], [folders.incrementalArchives, 'incremental']] as const) {
    const set = roles.get(dir) ?? new Set();
    set.add(role);
    roles.set(dir, set);
  }

  for (const [root, accepted] of roles) {
    for (const [dir, remote] of [[root, false], [path.join(root, 'remote'), true]] as const) {
      const entries = listFolder(dir, remote ? 'optional' : 'required');
      if (entries === null) continue;
      scannedArchiveFolders.push(dir);
      scanArchiveFolder({ dir, root, remote, accepted, entries, folders, archives, ignored });
    }
  }

  const { bankSnapshots, scannedBankFolders } = scanBankSnapshots(folders, ignored);

  archives.sort(
    (a, b) => compareSlots(a.slot, b.slot) || compareSlots(a.baseSlot ?? 0n, b.baseSlot ?? 0n) || compareText(a.path, b.path),
  );
  ignored.sort((a, b) => compareText(a.path, b.path));
  scannedArchiveFolders.sort();
  return { folders, scannedArchiveFolders, scannedBankFolders, archives, bankSnapshots, ignored };
}

interface ArchiveFolderScan {
  readonly dir: string;
  readonly root: string;
  readonly remote: boolean;
  readonly accepted: ReadonlySet<'full' | 'incremental'>;
  readonly entries: readonly Dirent[];
  readonly folders: LedgerFolders;
  readonly archives: SnapshotArchive[];
  readonly ignored: IgnoredEntry[];
}

function scanArchiveFolder(scan: ArchiveFolderScan): void {
  const { dir, root, remote, accepted, entries, folders, archives, ignored } = scan;
  for (const entry of entries) {
    const full = childPath(dir, entry.name);
    if (!remote && isKnownLedgerEntry(entry.name)) continue;
    const verdict = parseArchiveName(entry.name);
    if (!verdict.ok) {
      ignored.push({ path: full, reason: verdict.reason ?? 'not a snapshot archive name' });
      continue;
    }
    const archive = verdict.archive;
    if (!accepted.has(archive.kind)) {
      const where = archive.kind === 'full' ? folders.fullArchives : folders.incrementalArchives;
      ignored.push({
        path: full,
        reason: `${archive.kind} archive outside the ${archive.kind}-archive folder: Agave looks for it only in ${where}`,
      });
      continue;
    }
    const kind = entryKind(full, entry);
    if (kind === 'vanished') {
      ignored.push({ path: full, reason: 'vanished while scanning' });
      continue;
    }
    const common = {
      kind: archive.kind, slot: archive.slot, baseSlot: archive.baseSlot, hash: archive.hash,
      format: archive.format, legacy: archive.legacy, path: full, root, remote,
    };
    archives.push('problem' in kind ? { ...common, size: null, problem: kind.problem } : { ...common, size: kind.size });
  }
}

/**
 * What an archive-named entry is. Agave lists archives by name only (it never checks that the
 * entry is a regular file), so a directory, a broken or looping link and an unreadable entry
 * are candidates all the same: they carry the problem Agave would run into when it opened
 * them. Regular files are not stat'ed (the directory entry says enough; sizes come later, for
 * the few that matter); links are, and a valid link to a file is an archive like any other.
 */
function entryKind(file: string, entry: Dirent): { size: number | null } | { problem: ArchiveProblem } | 'vanished' {
  if (entry.isFile()) return { size: null };
  if (entry.isDirectory()) return { problem: notAFile(true) };
  // A link, a FIFO or device, or a file system that does not report entry types (DT_UNKNOWN).
  let info;
  try {
    info = statSync(file);
  } catch (error) {
    if (isErrno(error, 'ENOENT') && !entry.isSymbolicLink()) return 'vanished';
    return { problem: openProblem(error) };
  }
  return info.isFile() ? { size: info.size } : { problem: notAFile(info.isDirectory()) };
}

/** Fills in the size of every archive `wanted` selects (a missing file keeps null). */
export function measureArchives(inventory: Inventory, wanted: (archive: SnapshotArchive) => boolean): Inventory {
  const archives = inventory.archives.map((a) => {
    if (a.size !== null || a.problem || !wanted(a)) return a;
    try {
      const info = statSync(a.path);
      return info.isFile() ? { ...a, size: info.size } : a;
    } catch {
      // Gone, or not readable since the scan: the size stays unknown; the header check says why.
      return a;
    }
  });
  return { ...inventory, archives };
}

function scanBankSnapshots(folders: LedgerFolders, ignored: IgnoredEntry[]): { bankSnapshots: BankSnapshot[]; scannedBankFolders: string[] } {
  // `snapshots/` is the current name; validators <= ~1.17 and ledger-tool < 3.0 used `snapshot/`.
  // Before Agave 2.0 a validator given --incremental-snapshot-archive-path kept them there
  // (agave PR #1631), so that folder is looked at too.
  const parents = new Set([folders.snapshots, folders.incrementalArchives]);
  const candidates = [...parents].flatMap((parent) => [path.join(parent, 'snapshots'), path.join(parent, 'snapshot')]);
  const bankSnapshots: BankSnapshot[] = [];
  const scannedBankFolders: string[] = [];
  for (const root of candidates) {
    const entries = listFolder(root, 'optional');
    if (entries === null) continue;
    scannedBankFolders.push(root);
    for (const entry of entries) {
      const full = childPath(root, entry.name);
      const slot = tryParseU64(entry.name);
      if (slot === undefined || !entry.isDirectory()) {
        ignored.push({
          path: full,
          reason: slot === undefined ? 'not a bank snapshot folder name (a slot number)' : 'named like a bank snapshot but is not a folder',
        });
        continue;
      }
      const { problems, layout } = bankSnapshotProblems(full, entry.name, path.basename(root) === 'snapshot');
      bankSnapshots.push({ slot, path: full, root, complete: problems.length === 0, problems, ...(layout ? { layout } : {}) });
    }
  }
  bankSnapshots.sort((a, b) => compareSlots(a.slot, b.slot) || compareText(a.path, b.path));
  return { bankSnapshots, scannedBankFolders };
}

/**
 * Completeness by the layout the folder's release writes. Agave (snapshot_utils, and the
 * reference in docs/ARCHITECTURE.md): `version` parses, `<slot>` and `status_cache` non-empty.
 * Solana 1.8–1.14 (solana-labs runtime/src/snapshot_utils.rs `add_bank_snapshot`) wrote only
 * `<slot>.pre`, later `<slot>`, into `snapshot/<slot>/`: `version` and `status_cache` went
 * into the archive's staging folder, never there. So in a `snapshot/` folder, a `<slot>/`
 * holding neither is that layout, complete when `<slot>` is there and non-empty. A file that
 * cannot be read (another user's validator) is named as such, never thrown.
 */
function bankSnapshotProblems(dir: string, slotName: string, oldFolderName: boolean): { problems: string[]; layout?: 'solana-1.x' } {
  const problems: string[] = [];
  const version = readSmall(childPath(dir, 'version'), 16);
  const statusCache = fileSize(childPath(dir, 'status_cache'));
  const bank = fileSize(childPath(dir, slotName));
  if (oldFolderName && version === null && statusCache === null) {
    if (typeof bank === 'number' && bank > 0) return { problems, layout: 'solana-1.x' };
    problems.push(bankFileProblem(dir, slotName, bank));
    return { problems, layout: 'solana-1.x' };
  }
  if (version === null) problems.push('version file missing');
  else if (typeof version !== 'string') problems.push(`version file ${version.unreadable}`);
  else if (!/^[0-9]+\.[0-9]+\.[0-9]+$/.test(version.trim())) problems.push('version file unreadable');
  if (bank === null || typeof bank === 'object' || bank === 0) problems.push(bankFileProblem(dir, slotName, bank));
  if (statusCache === null) problems.push('status_cache missing');
  else if (typeof statusCache === 'object') problems.push(`status_cache ${statusCache.unreadable}`);
  else if (statusCache === 0) problems.push('status_cache empty');
  return { problems };
}

function bankFileProblem(dir: string, slotName: string, bank: number | Unreadable | null): string {
  if (bank === 0) return `${slotName} empty`;
  if (bank !== null) return `${slotName} ${(bank as Unreadable).unreadable}`;
  const pre = fileSize(childPath(dir, `${slotName}.pre`));
  return typeof pre === 'number' ? `only ${slotName}.pre (a Solana 1.x pre-hash bank, not loadable)` : `${slotName} missing`;
}

/** A file that exists (or may) but cannot be read: the reason, e.g. "cannot be read: permission denied". */
interface Unreadable {
  readonly unreadable: string;
}

function unreadable(error: unknown): Unreadable {
  const code = (error as { code?: string }).code;
  return { unreadable: code === 'EACCES' || code === 'EPERM' ? 'cannot be read: permission denied' : `cannot be read (${code ?? String(error)})` };
}

function readSmall(file: string, limit: number): string | Unreadable | null {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buffer = Buffer.alloc(limit);
    const bytesRead = readSync(fd, buffer, 0, limit, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'EISDIR') || isErrno(error, 'ENOTDIR')) return null;
    return unreadable(error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function fileSize(file: string): number | Unreadable | null {
  try {
    const info = statSync(file);
    return info.isFile() ? info.size : null;
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return null;
    return unreadable(error);
  }
}

/**
 * `dir`/`name` for a directory entry of an absolute, resolved folder: the same as path.join,
 * whose normalisation pass cost more than the rest of the per-entry work on 10,000 entries.
 */
function childPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

function isKnownLedgerEntry(name: string): boolean {
  return KNOWN_LEDGER_ENTRIES.has(name) || KNOWN_LEDGER_PATTERN.test(name);
}

function requireFolder(dir: string, flag: string): void {
  let info;
  try {
    info = statSync(dir);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) {
      throw new UserError(`The folder ${dir} (${flag}) does not exist.`, {
        hint: `Check ${flag}; it must name the folder the validator uses.`,
      });
    }
    if (isErrno(error, 'EACCES')) {
      throw new UserError(`The folder ${dir} (${flag}) cannot be read: permission denied.`, {
        hint: 'Run snapplan as the validator\'s user, or with read access to the ledger.',
      });
    }
    throw error;
  }
  if (!info.isDirectory()) {
    throw new UserError(`${dir} (${flag}) is not a folder.`, { hint: `Pass the folder itself to ${flag}.` });
  }
}

function listFolder(dir: string, mode: 'required' | 'optional'): Dirent[] | null {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if (mode === 'optional' && (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR'))) return null;
    if (isErrno(error, 'EACCES')) {
      throw new UserError(`The folder ${dir} cannot be read: permission denied.`, {
        hint: 'Run snapplan as the validator\'s user, or with read access to the ledger.',
      });
    }
    throw error;
  }
}
