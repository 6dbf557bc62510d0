/**
 * JSON text for documents that hold bigints. JSON numbers have no size limit, so u64 slots are
 * written as exact integer literals (jq and Python keep them exact; JavaScript's JSON.parse
 * rounds above 2^53, see README). Node 20 has no JSON.rawJSON, hence this small writer.
 */
export function toJson(value: unknown, indent = 2): string {
  return write(value, indent, '');
}

function write(value: unknown, indent: number, pad: string): string {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  const inner = pad + ' '.repeat(indent);
  const sep = indent > 0 ? ',\n' : ',';
  const open = indent > 0 ? '\n' : '';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((item) => inner + write(item === undefined ? null : item, indent, inner));
    return `[${open}${items.join(sep)}${open}${indent > 0 ? pad : ''}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const colon = indent > 0 ? ': ' : ':';
    const items = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}${colon}${write(v, indent, inner)}`);
    return `{${open}${items.join(sep)}${open}${indent > 0 ? pad : ''}}`;
  }
  throw new TypeError(`cannot write ${typeof value} as JSON`);
}
