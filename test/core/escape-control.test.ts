import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { escapeControl } from '../../src/core/escape-control.js';
import { shellJoin, shellQuote } from '../../src/core/shell-quote.js';

const ESC = '\u001b';

describe('escapeControl', () => {
  it.each([
    ['snapshot-1-abc.tar.zst', 'snapshot-1-abc.tar.zst'],
    ['/mnt/ledger/ünïcödé ok', '/mnt/ledger/ünïcödé ok'],
    [`evil${ESC}[2J${ESC}]0;owned\u0007.tar.zst`, 'evil\\x1b[2J\\x1b]0;owned\\x07.tar.zst'],
    ['two\nlines\rand\ttab', 'two\\nlines\\rand\\ttab'],
    ['del\u007f c1\u009b csi', 'del\\x7f c1\\x9b csi'],
    ['rlo\u202egpj.exe and \u2028 line', 'rlo\\u202egpj.exe and \\u2028 line'],
  ])('%j → %j', (input, shown) => {
    expect(escapeControl(input)).toBe(shown);
  });

  it('leaves no character below U+0020 or in U+007F–U+009F', () => {
    const all = Array.from({ length: 0xa0 }, (_, i) => String.fromCharCode(i)).join('');
    expect(escapeControl(all)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/); // eslint-disable-line no-control-regex
  });
});

describe('shellQuote', () => {
  it('keeps plain words bare and single-quotes the rest, as before', () => {
    expect(shellJoin(['mv', '-n', '--', '/a/b.tar.zst', "/it's here"])).toBe("mv -n -- /a/b.tar.zst '/it'\\''s here'");
    expect(shellQuote('')).toBe("''");
  });

  it('writes control characters in $\'…\' form: nothing raw reaches the terminal', () => {
    const quoted = shellQuote(`/l/x${ESC}[31m\n.tar.zst`);
    expect(quoted).toBe("$'/l/x\\x1b[31m\\x0a.tar.zst'");
    expect(quoted).not.toMatch(/[\u0000-\u001f]/); // eslint-disable-line no-control-regex
  });

  it.each([
    `evil${ESC}[2J.tar.zst`,
    "quote ' and back\\slash\nnewline",
    'c1 \u009b and rlo \u202e and tab\t',
    `${ESC}5 hex digit after an escape`,
    'plain name with spaces',
  ])('round-trips through bash: %j', (name) => {
    const printed = execFileSync('bash', ['-c', `printf '%s' ${shellQuote(name)}`]);
    expect(printed.equals(Buffer.from(name, 'utf8'))).toBe(true);
  });
});
