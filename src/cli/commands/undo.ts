import { UserError } from '../../core/errors.js';
import { defineCommand, defineOptions, type ArgsOf } from '../define-command.js';

export const undoOptions = defineOptions({
  journal: { type: 'path', describe: 'The quarantine\'s journal.jsonl (or its folder)' },
  ledger: { alias: 'l', type: 'path', describe: 'Undo the newest quarantine of this ledger' },
  'backup-dir': { type: 'path', describe: 'Where the quarantines are (default: <ledger>/snapplan-quarantine)' },
  json: { type: 'boolean', default: false, describe: 'Print one JSON document (schemaVersion 1)' },
  'dry-run': { type: 'boolean', default: false, describe: 'Show what undo would do with each item (and check the sha256 of copies); change nothing' },
  'include-new': { type: 'boolean', default: false, describe: 'After a successful create-snapshot: move the new archive aside into the quarantine first, then put the rest back' },
  force: { type: 'boolean', default: false, describe: 'After a successful create-snapshot: put the old snapshots back anyway, next to the new one' },
  yes: { alias: 'y', type: 'boolean', default: false, describe: 'Undo even when it would be partial (the validator booted with the restart wait since)' },
  'force-copy': { type: 'boolean', default: false, describe: 'Copy back even on the same file system', hidden: true },
});

export type UndoArgs = ArgsOf<typeof undoOptions>;

export const undoCommand = defineCommand({
  name: 'undo',
  describe: 'Put back everything a quarantine moved aside (also after a crash in the middle of apply)',
  options: undoOptions,
  check: (args) => {
    if (args.journal === undefined && args.ledger === undefined) {
      throw new UserError('undo needs to know which quarantine to put back.', { hint: 'Name it: --journal PATH, or --ledger L for its newest one.' });
    }
    if (args.includeNew && args.force) {
      throw new UserError('--include-new and --force contradict each other.', { hint: '--include-new moves the new archive aside; --force leaves it where the validator loads it. Choose one.' });
    }
  },
  handler: async () => (await import('./undo-handler.js')).undoHandler,
});
