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
  // A copy with marked bigints, then a plain stringify: a replacer function forces V8 off its
  // fast path and was ~1.5× slower on a 10,000-archive plan.
  const mark = (v: unknown): unknown => {
    if (typeof v === 'bigint') return `${nonce}:${v}`;
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(mark);
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(v)) copy[key] = mark((v as Record<string, unknown>)[key]);
    return copy;
  };
  return JSON.stringify(mark(value), null, indent).replaceAll(new RegExp(`"${nonce}:([0-9]+)"`, 'g'), '$1');
}
