/**
 * URLs as they may be printed or stored. RPC providers put API keys in the user part, the
 * query (`?api-key=…`) or a path segment (`/<token>/`), so every printed URL goes through
 * here: the user part and the fragment are dropped, every query value is masked, and a path
 * segment that looks like a token (long, letters and digits mixed, not an archive name) is
 * masked too.
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return '<unparseable URL>';
  }
  parsed.username = '';
  parsed.password = '';
  parsed.hash = '';
  const keys = [...new Set(parsed.searchParams.keys())];
  const query = keys.map((key) => `${encodeURIComponent(key)}=***`).join('&');
  const segments = parsed.pathname.split('/').map((segment) => (looksLikeToken(segment) ? '***' : segment));
  const pathname = segments.join('/');
  return `${parsed.protocol}//${parsed.host}${pathname === '/' ? '' : pathname}${query ? `?${query}` : ''}`;
}

/** `host:port` only: the stable key of a source (blacklist, partial-file owner), never a secret. */
export function sourceKey(url: string | URL): string {
  const parsed = new URL(String(url));
  return `${parsed.protocol}//${parsed.host}`;
}

const ARCHIVE_LIKE = /^(incremental-)?snapshot-|\.tar(\.[a-z0-9]+)?$/;

function looksLikeToken(segment: string): boolean {
  if (segment.length < 16 || ARCHIVE_LIKE.test(segment)) return false;
  return /^[A-Za-z0-9_-]+$/.test(segment) && /[0-9]/.test(segment) && /[A-Za-z]/.test(segment);
}
