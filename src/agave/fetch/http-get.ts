import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { requestFor, resolveWithCredentials } from './http-request.js';

const MAX_REDIRECTS = 5;

/**
 * GET with Node's own http/https client, following up to five redirects (credentials kept on
 * the same origin only). The archive body goes through this instead of fetch(): fetch hands
 * each 64 KiB piece over as a WHATWG stream read (a promise and a copy each), and measured on
 * a 2 GiB archive that alone kept the download well below curl (docs/PERFORMANCE.md). The
 * caller reads the IncomingMessage as a Node stream, with pause/resume for back-pressure.
 */
export async function httpGet(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const target = requestFor(current);
    const client = target.url.startsWith('https:') ? https : http;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = client.get(target.url, { headers: { ...target.headers, ...headers }, signal }, resolve);
      request.on('error', reject);
    });
    const location = response.headers.location;
    if (response.statusCode !== undefined && response.statusCode >= 300 && response.statusCode < 400 && location && hop < MAX_REDIRECTS) {
      response.resume();
      current = resolveWithCredentials(location, current);
      continue;
    }
    return response;
  }
}

export function header(response: IncomingMessage, name: string): string | null {
  const value = response.headers[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? (value[0] ?? null) : null;
}
