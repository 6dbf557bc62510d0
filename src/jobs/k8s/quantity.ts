import { UserError } from '../../core/errors.js';

const FACTORS: Record<string, bigint> = {
  '': 1n,
  k: 1000n,
  M: 1000n ** 2n,
  G: 1000n ** 3n,
  T: 1000n ** 4n,
  P: 1000n ** 5n,
  Ki: 1024n,
  Mi: 1024n ** 2n,
  Gi: 1024n ** 3n,
  Ti: 1024n ** 4n,
  Pi: 1024n ** 5n,
};

/**
 * A Kubernetes storage quantity (`200Gi`, `1T`, `5368709120`) in bytes, exactly. Volume sizes
 * are compared (restore size against the claim), so no floating point.
 */
export function parseQuantity(text: string): bigint | null {
  const match = /^([0-9]+)(?:\.([0-9]+))?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/.exec(text.trim());
  if (!match) return null;
  const factor = FACTORS[match[3] ?? ''] ?? 1n;
  const whole = BigInt(match[1] ?? '0') * factor;
  const fraction = match[2] ?? '';
  if (fraction === '') return whole;
  // Round a fractional quantity up, as the API server does for storage.
  const scale = 10n ** BigInt(fraction.length);
  return whole + (BigInt(fraction) * factor + scale - 1n) / scale;
}

export function requireQuantity(text: string, flag: string): bigint {
  const value = parseQuantity(text);
  if (value === null) throw new UserError(`${flag} ${JSON.stringify(text)} is not a Kubernetes quantity.`, { hint: 'Write it like 200Gi or 500G.' });
  return value;
}
