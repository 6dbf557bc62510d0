import type { Argv } from 'yargs';
import type { StatusProblem } from '../../ops/quarantine-status.js';
import type { Writer } from '../context.js';

/** `--ledger` / `--backup-dir`: where the quarantines are, for status and prune. */
export function withQuarantineLocation(yargs: Argv, ledgerDescribe: string): Argv {
  return yargs
    .option('ledger', { alias: 'l', type: 'string', describe: ledgerDescribe })
    .option('backup-dir', { type: 'string', describe: 'Where the quarantines are (default: <ledger>/snapplan-quarantine)' })
    .check((argv) => {
      if (argv.ledger === undefined && argv['backup-dir'] === undefined) throw new Error('Name the ledger (--ledger L) or the backup folder (--backup-dir DIR).');
      return true;
    });
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
