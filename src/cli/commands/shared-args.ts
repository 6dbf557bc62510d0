import { secondsToMs } from '../option-values.js';

/** `--ledger-tool-timeout` seconds (validated while parsing, option-values.ts) → milliseconds. */
export const ledgerToolTimeoutMs = secondsToMs;
