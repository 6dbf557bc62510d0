import { defineCommand, defineOptions, type ArgsOf, type WithPassThrough } from '../define-command.js';
import { backupDirOption, boundsFromOption, ledgerFolderOptions, ledgerToolOptions } from '../options/ledger-options.js';
import { verifyArchivesOption } from '../options/verify-archives-option.js';
import { allowLedgerToolVersionOption, announcementOptions } from '../options/announcement-options.js';

const CREATE_SNAPSHOT = 'Passed to create-snapshot:';

export const applyOptions = defineOptions({
  ...ledgerFolderOptions,
  ...verifyArchivesOption,
  // Required unless the announcement gives snapshot-slot (checked by the handler).
  slot: { alias: 'x', type: 'string', describe: 'The snapshot slot X (required unless --announcement gives snapshot-slot)' },
  ...boundsFromOption,
  ...backupDirOption,
  yes: { alias: 'y', type: 'boolean', default: false, describe: 'Do not ask for confirmation (needed without a terminal)' },
  'dry-run': { type: 'boolean', default: false, describe: 'Check everything and print the steps; change nothing' },
  json: { type: 'boolean', default: false, describe: 'Print one JSON result document (schemaVersion 1); progress goes to stderr' },
  incremental: { type: 'boolean', default: false, describe: 'Create an incremental snapshot on the loaded full one', group: CREATE_SNAPSHOT },
  'enable-capitalization-change': { type: 'boolean', default: false, describe: 'Allow the edits to change the capitalization', group: CREATE_SNAPSHOT },
  ...allowLedgerToolVersionOption,
  'create-timeout': { type: 'seconds', zero: 'no limit', default: 0, describe: 'Seconds before create-snapshot is stopped (0: no limit)' },
  'force-copy': { type: 'boolean', default: false, describe: 'Copy into the backup folder even on the same file system' },
  ...ledgerToolOptions,
  ...announcementOptions,
});

export type ApplyArgs = WithPassThrough<ArgsOf<typeof applyOptions>>;

export const applyCommand = defineCommand({
  name: 'apply',
  describe: 'Carry out the plan: move newer snapshots aside (journaled, undoable), run agave-ledger-tool create-snapshot, print the restart flags',
  options: applyOptions,
  passThrough: 'Arguments after -- go to create-snapshot as they are (but not --hard-fork: create-snapshot gets exactly the announced hard forks).',
  handler: async () => (await import('./apply-handler.js')).applyHandler,
});
