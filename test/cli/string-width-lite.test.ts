import realStringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import stringWidth from '../../src/cli/string-width-lite.js';

// The bundle gives yargs this in place of string-width: it must agree with the real package.
describe('string-width-lite', () => {
  it.each(['', 'snapplan plan --ledger L --slot X', '  [string] [required]', '~!@#$%^&*()_+{}|:"<>?'])('measures printable ASCII %j by its length', (text) => {
    expect(stringWidth(text)).toBe(text.length);
    expect(stringWidth(text)).toBe(realStringWidth(text));
  });

  it.each(['日本語', 'slot → X', 'café', '\u001b[31mred\u001b[39m', 'tab\there', '👍 ok', 'e\u0301'])('defers %j to the real package', (text) => {
    expect(stringWidth(text)).toBe(realStringWidth(text));
  });

  it('counts wide characters as two columns', () => {
    expect(stringWidth('日本')).toBe(4);
  });
});
