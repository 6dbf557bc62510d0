import { defineCommand, defineOptions, type ArgsOf } from '../define-command.js';
import { backupDirOption, boundsFromOption, ledgerFolderOptions, ledgerToolOptions } from '../options/ledger-options.js';
import { verifyArchivesOption } from '../options/verify-archives-option.js';
import { allowLedgerToolVersionOption, announcementOptions } from '../options/announcement-options.js';

export const tuiOptions = defineOptions({
  ...ledgerFolderOptions,
  ...verifyArchivesOption,
  // Optional here: the app asks for X; given, it opens on the plan (and is needed without a terminal).
  slot: { alias: 'x', type: 'string', describe: 'The restart slot X (the app opens on its plan)' },
  ...boundsFromOption,
  ...backupDirOption,
  ...allowLedgerToolVersionOption,
  rpc: { type: 'string', array: true, describe: 'RPC URL the plan screen may fetch a snapshot from when there is no base (repeatable; see snapplan fetch)' },
  ...ledgerToolOptions,
  ...announcementOptions,
});

export type TuiArgs = ArgsOf<typeof tuiOptions>;

export const tuiCommand = defineCommand({
  name: 'tui',
  describe: 'Open the interactive app: see the ledger, choose X, plan, apply and undo from one screen',
  options: tuiOptions,
  epilogue: 'Without a terminal (pipes, CI, cron) it never waits for input: it prints the plan for --slot as snapplan plan does.',
  // Ink and React load here only, never for plan/apply.
  handler: async () => (await import('./tui-handler.js')).tuiHandler,
});
