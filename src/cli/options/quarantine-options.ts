import type { StatusProblem } from '../../ops/quarantine-status.js';
import { UserError } from '../../core/errors.js';
import type { Writer } from '../../core/io.js';
import { defineOptions } from '../define-command.js';

/** `--ledger` / `--backup-dir`: where the quarantines are, for status and prune (spread into a command's options). */
export function quarantineLocationOptions(ledgerDescribe: string) {
  return defineOptions({
    ledger: { alias: 'l', type: 'path', describe: ledgerDescribe },
    'backup-dir': { type: 'path', describe: 'Where the quarantines are (default: <ledger>/snapplan-quarantine)' },
  });
}

/** The command's `check`: one of the two must be given; `what` says what the command does with them. */
export function requireQuarantineLocation(what: string): (args: { readonly ledger?: string | undefined; readonly backupDir?: string | undefined }) => void {
  return (args) => {
    if (args.ledger === undefined && args.backupDir === undefined) {
      throw new UserError(`${what}.`, { hint: 'Name the ledger (--ledger L) or the backup folder (--backup-dir DIR).' });
    }
  };
}

/** Quarantine folders whose journal header cannot be read, as the JSON documents list them. */
export function problemsJson(problems: readonly StatusProblem[]): { dir: string; message: string }[] {
  return problems.map((p) => ({ dir: p.dir, message: p.error.message }));
}

/** The first lines of a listing: the folder, and "none" only when nothing at all is there. */
export function writeListingHeader(out: Writer, backupDir: string, entries: number, problems: number): void {
  out.write(`Quarantines in ${backupDir}\n`);
  if (entries === 0 && problems === 0) out.write('  none\n');
}
