import { defineOptions } from '../define-command.js';

/**
 * `--verify-archives`, the same on plan, apply and tui: the base archives the plan chooses are
 * decoded to their end (zstd or lz4, then the tar stream), not only checked at their header.
 */
export const verifyArchivesOption = defineOptions({
  'verify-archives': {
    type: 'boolean',
    default: false,
    describe: 'Decode the chosen base archives to their end (minutes per 100 GB), not only check their headers',
  },
});
