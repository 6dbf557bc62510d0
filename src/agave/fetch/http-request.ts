import { redactUrl } from './redact-url.js';

/**
 * fetch() refuses URLs with a user part (`http://user:pass@host/`), which is how some RPC
 * providers hand out access. The user part becomes a Basic Authorization header instead,
 * sent only to the same origin (a redirect elsewhere does not get it).
 */
export function requestFor(url: string): { url: string; headers: Record<string, string> } {
  const parsed = new URL(url);
  const headers: Record<string, string> = {};
  if (parsed.username !== '' || parsed.password !== '') {
    const user = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    headers['authorization'] = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    parsed.username = '';
    parsed.password = '';
  }
  return { url: parsed.toString(), headers };
}

/** `http://user:pass@host/x` + a relative or absolute Location → the target, keeping the credentials only on the same origin. */
export function resolveWithCredentials(location: string, base: string): string {
  const from = new URL(base);
  const target = new URL(location, from);
  if (target.origin === from.origin) {
    target.username = from.username;
    target.password = from.password;
  }
  return target.toString();
}

/**
 * One short phrase for a failed request, safe to print: the system error code when there is
 * one, otherwise the message with every URL in it redacted (undici puts the URL in some).
 */
export function requestErrorText(error: unknown): string {
  const code = (error as { cause?: { code?: unknown } }).cause?.code ?? (error as { code?: unknown }).code;
  if (typeof code === 'string' && code !== 'ABORT_ERR') return code;
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s)"']+/gi, (url) => redactUrl(url));
}
