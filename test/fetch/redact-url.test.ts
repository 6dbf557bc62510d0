import { describe, expect, it } from 'vitest';
import { requestErrorText, requestFor, resolveWithCredentials } from '../../src/agave/fetch/http-request.js';
import { redactUrl, sourceKey } from '../../src/agave/fetch/redact-url.js';

describe('redactUrl', () => {
  const cases: Array<[string, string]> = [
    ['http://1.2.3.4:8899', 'http://1.2.3.4:8899'],
    ['http://1.2.3.4:8899/', 'http://1.2.3.4:8899'],
    ['https://user:pass@rpc.example.com/', 'https://rpc.example.com'],
    ['https://mainnet.helius-rpc.com/?api-key=1234-abcd', 'https://mainnet.helius-rpc.com?api-key=***'],
    ['https://x.solana-mainnet.quiknode.pro/a1b2c3d4e5f6a7b8c9d0/', 'https://x.solana-mainnet.quiknode.pro/***/'],
    ['http://h:1/snapshot-100-7Gs9xeL8vZ6rM2N3p4Q5r6S7t8U9v1W2x3Y4z5A6b7C.tar.zst', 'http://h:1/snapshot-100-7Gs9xeL8vZ6rM2N3p4Q5r6S7t8U9v1W2x3Y4z5A6b7C.tar.zst'],
    ['http://h:1/rpc#token=abc', 'http://h:1/rpc'],
    ['not a url', '<unparseable URL>'],
  ];
  for (const [input, output] of cases) it(input, () => expect(redactUrl(input)).toBe(output));

  it('sourceKey keeps scheme, host and port only', () => {
    expect(sourceKey('https://u:p@h.example:8443/x?k=v')).toBe('https://h.example:8443');
  });
});

describe('credentials on the wire, never in text', () => {
  it('turns a user part into a Basic header and keeps it on the same origin only', () => {
    expect(requestFor('http://op:s3cret@h:1/x')).toEqual({ url: 'http://h:1/x', headers: { authorization: `Basic ${Buffer.from('op:s3cret').toString('base64')}` } });
    expect(resolveWithCredentials('/snapshot-1.tar.zst', 'http://op:s3cret@h:1/snapshot.tar.bz2')).toBe('http://op:s3cret@h:1/snapshot-1.tar.zst');
    expect(resolveWithCredentials('http://other:2/snapshot-1.tar.zst', 'http://op:s3cret@h:1/snapshot.tar.bz2')).toBe('http://other:2/snapshot-1.tar.zst');
  });

  it('redacts URLs inside error messages', () => {
    expect(requestErrorText(new TypeError('Request cannot be constructed from http://a:b@h:1/?api-key=zzz'))).toBe('Request cannot be constructed from http://h:1?api-key=***');
    expect(requestErrorText(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))).toBe('ECONNREFUSED');
  });
});
