import { UserError } from '../../core/errors.js';

/** `--ledger-tool-timeout` seconds → milliseconds, refusing zero, negatives and NaN. */
export function ledgerToolTimeoutMs(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UserError(`--ledger-tool-timeout ${seconds} is not a positive number of seconds.`, { hint: 'For example --ledger-tool-timeout 600.' });
  }
  return Math.round(seconds * 1000);
}
