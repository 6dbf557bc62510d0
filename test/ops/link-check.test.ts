import { describe, expect, it } from 'vitest';
import { linkEscape } from '../../src/ops/link-check.js';

describe('linkEscape', () => {
  const inside: Array<[string, Record<string, string>]> = [
    ['data/bb', { 'data/aa': 'zz', 'data/bb': 'aa' }],
    ['data/latest2', { 'data/latest': 'snapshots/100', 'data/latest2': 'latest' }],
    ['data/a/up', { 'data/a/up': '../b' }],
    ['data/dangling', { 'data/dangling': 'not/there' }],
  ];
  it.each(inside)('%s stays inside', (link, links) => {
    expect(linkEscape(link, new Map(Object.entries(links)))).toBeNull();
  });
  const outside: Array<[string, Record<string, string>, RegExp]> = [
    ['data/etc', { 'data/etc': '/etc' }, /absolute/],
    ['data/up', { 'data/up': '../../x' }, /leads out/],
    // Reads as inside when judged alone; `d -> .` makes it climb one level more.
    ['data/e', { 'data/d': '.', 'data/e': 'd/x/../../..' }, /leads out/],
    ['data/e', { 'data/d': '/tmp', 'data/e': 'd/x' }, /goes through "data\/d" → "\/tmp"/],
    ['data/a', { 'data/a': 'b', 'data/b': 'a' }, /loop/],
  ];
  it.each(outside)('%s is refused', (link, links, reason) => {
    expect(linkEscape(link, new Map(Object.entries(links)))).toMatch(reason);
  });
});
