import { defineCommand } from '../define-command.js';

export interface UndoArgs {
  readonly journal?: string;
  readonly ledger?: string;
  readonly backupDir?: string;
  readonly json: boolean;
  readonly forceCopy: boolean;
  readonly includeNew: boolean;
  readonly force: boolean;
  readonly dryRun: boolean;
  readonly yes: boolean;
}

export const undoCommand = defineCommand<UndoArgs>({
  command: 'undo',
  describe: 'Put back everything a quarantine moved aside (also after a crash in the middle of apply)',
  builder: (yargs) =>
    yargs
      .option('journal', { type: 'string', describe: 'The quarantine\'s journal.jsonl (or its folder)' })
      .option('ledger', { alias: 'l', type: 'string', describe: 'Undo the newest quarantine of this ledger' })
      .option('backup-dir', { type: 'string', describe: 'Where the quarantines are (default: <ledger>/snapplan-quarantine)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Show what undo would do with each item (and check the sha256 of copies); change nothing' })
      .option('include-new', { type: 'boolean', default: false, describe: 'After a successful create-snapshot: move the new archive aside into the quarantine first, then put the rest back' })
      .option('force', { type: 'boolean', default: false, describe: 'After a successful create-snapshot: put the old snapshots back anyway, next to the new one' })
      .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'Undo even when it would be partial (the validator booted with the restart wait since)' })
      .option('force-copy', { type: 'boolean', default: false, describe: 'Copy back even on the same file system', hidden: true })
      .check((argv) => {
        if (argv.journal === undefined && argv.ledger === undefined) throw new Error('Name the quarantine: --journal PATH, or --ledger L for its newest one.');
        return true;
      }),
  handler: async () => (await import('./undo-handler.js')).undoHandler,
});
