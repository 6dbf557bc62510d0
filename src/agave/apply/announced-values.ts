import { UserError } from '../../core/errors.js';
import { isBase58Of32Bytes } from '../base58.js';

/**
 * The bank hash and shred version from the restart announcement are checked before anything
 * changes: a typo found only after hours of replay is a wasted restart window.
 */
export function checkAnnouncedValues(values: { readonly expectedBankHash?: string | undefined; readonly expectedShredVersion?: number | undefined }): void {
  const hash = values.expectedBankHash;
  if (hash !== undefined && !isBase58Of32Bytes(hash)) {
    throw new UserError(`--expected-bank-hash ${JSON.stringify(hash)} is not a bank hash: it must be base58 of 32 bytes (43 or 44 characters).`, {
      hint: 'Copy it from the restart announcement; nothing was changed.',
    });
  }
  const shred = values.expectedShredVersion;
  if (shred !== undefined && !(Number.isInteger(shred) && shred >= 1 && shred <= 0xffff)) {
    throw new UserError(`--expected-shred-version ${shred} is not a shred version (1 to 65535).`, { hint: 'Copy it from the restart announcement; nothing was changed.' });
  }
}
