import { randomUUID } from 'node:crypto';

/**
 * JSON text for documents that hold bigints. JSON numbers have no size limit, so u64 slots are
 * written as exact integer literals (jq and Python keep them exact; JavaScript's JSON.parse
 * rounds above 2^53, see README). Node 20 has no JSON.rawJSON, so bigints go through
 * JSON.stringify as marked strings and the marks are then unwrapped; the mark carries a fresh
 * random nonce per call, so no string in the document can imitate it. (A fixed mark could be
 * forged by any string value; a hand-written serializer was several times slower.)
 */
export function toJson(value: unknown, indent = 2): string {
  const nonce = randomUUID();
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${nonce}:${v}` : v), indent);
  return text.replaceAll(new RegExp(`"${nonce}:([0-9]+)"`, 'g'), '$1');
}
