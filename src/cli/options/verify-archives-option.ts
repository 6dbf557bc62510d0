import type { Argv } from 'yargs';

/**
 * `--verify-archives`, the same on plan, apply and tui: the base archives the plan chooses are
 * decoded to their end (zstd or lz4, then the tar stream), not only checked at their header.
 */
export function withVerifyArchives(yargs: Argv): Argv {
  return yargs.option('verify-archives', {
    type: 'boolean',
    default: false,
    describe: 'Decode the chosen base archives to their end (minutes per 100 GB), not only check their headers',
  });
}

export interface VerifyArchivesArgs {
  readonly verifyArchives: boolean;
}
