import { redactUrl } from '../../agave/fetch/redact-url.js';
import { UserError } from '../../core/errors.js';

/** An `--rpc` value: an http or https URL. The error shows it without its credentials. */
export function parseRpcUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`--rpc ${JSON.stringify(text.replace(/\/\/[^@/]*@/, '//***@'))} is not a URL.`, {
      hint: 'Give the RPC address with its scheme, for example --rpc http://203.0.113.5:8899.',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(`--rpc ${redactUrl(text)} is not an http or https URL.`, { hint: 'For example --rpc http://203.0.113.5:8899.' });
  }
  return url.toString();
}
