import { randomUUID } from 'node:crypto';

/**
 * JSON text for documents that hold bigints. JSON numbers have no size limit, so u64 slots are
 * written as exact integer literals (jq and Python keep them exact; JavaScript's JSON.parse
 * rounds above 2^53, see README).
 *
 * How, without a replacer function (which forces V8 off its fast path) or a marked copy of
 * the document (which cost as much again in allocation and GC on a 10,000-archive plan):
 * JSON.stringify asks a BigInt for `toJSON` like an object, so BigInt.prototype.toJSON is
 * set for the duration of this synchronous call, and removed before anything else can run.
 * A bigint within ±(2^53 − 1) becomes a Number, which JSON writes as the same digits. A larger
 * one (rare: slots near u64::MAX) is written as a string marked with a fresh random nonce and
 * unwrapped afterwards; no string in the document can imitate a nonce it has never seen.
 */
export function toJson(value: unknown, indent = 2): string {
  let nonce: string | undefined;
  const previous = Object.getOwnPropertyDescriptor(BigInt.prototype, 'toJSON');
  Object.defineProperty(BigInt.prototype, 'toJSON', {
    configurable: true,
    writable: true,
    value(this: bigint): number | string {
      if (this <= MAX_SAFE && this >= -MAX_SAFE) return Number(this);
      nonce ??= randomUUID();
      return `${nonce}:${this}`;
    },
  });
  let text: string;
  try {
    text = JSON.stringify(value, null, indent);
  } finally {
    if (previous) Object.defineProperty(BigInt.prototype, 'toJSON', previous);
    else delete (BigInt.prototype as { toJSON?: unknown }).toJSON;
  }
  return nonce === undefined ? text : text.replaceAll(new RegExp(`"${nonce}:(-?[0-9]+)"`, 'g'), '$1');
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
