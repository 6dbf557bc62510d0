import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LedgerScreen } from '../../src/ui/components/LedgerScreen.js';
import { PlanScreen } from '../../src/ui/components/PlanScreen.js';
import { shortenMiddle, wrapText } from '../../src/ui/text.js';
import { inventory, L, overview, planFor } from './fixtures.js';
import { plain, renderPlain } from './helpers.js';

// Issue 11 item 17: a file name with a terminal escape sequence is shown escaped in the app.
const ESC = '\u001b';
const evil = `snapshot-x${ESC}]0;owned${ESC}\\${ESC}[2J.tar.zst`;

function frame(node: Parameters<typeof renderPlain>[0]): string {
  const r = renderPlain(node);
  const text = r.lastFrame() ?? '';
  r.unmount();
  return text;
}

describe('the app never sends a control character from a file name to the terminal', () => {
  it('the ignored list shows the name escaped', () => {
    const withEvil = { ...overview, inventory: { ...inventory, ignored: [{ path: path.join(L, evil), reason: 'not a snapshot archive name' }] } };
    const text = frame(<LedgerScreen overview={{ state: 'done', value: withEvil }} target={null} showIgnored={true} offset={0} width={80} height={60} />);
    expect(text).not.toContain(ESC); // no colour here either: any ESC would come from the name
    expect(plain(text)).toContain('snapshot-x\\x1b]0;owned\\x1b\\\\x1b[2J.tar.zst');
  });

  it('a finding that quotes such a path shows it escaped', () => {
    const outcome = planFor(289624982n);
    const plan = { ...outcome.plan, findings: [{ code: 'bad-archive' as const, severity: 'error' as const, message: `The full archive ${L}/${evil} is empty (0 bytes).`, remedy: 'Replace it.' }] };
    const text = frame(<PlanScreen target={289624982n} plan={{ state: 'done', value: { ...outcome, plan } }} offset={0} width={80} height={80} />);
    expect(text).not.toContain(ESC);
    expect(plain(text)).toContain('\\x1b[2J');
  });

  it('the text helpers escape, keeping the caller\'s own line breaks', () => {
    expect(wrapText(`a${ESC}[1mb\nnext`, 40)).toEqual(['a\\x1b[1mb', 'next']);
    expect(shortenMiddle(`/l/${ESC}[2J`, 40)).toBe('/l/\\x1b[2J');
  });
});

describe('text measured in terminal columns, not string length', () => {
  it('wraps and shortens wide characters (CJK, emoji) by the columns they take, never splitting one', async () => {
    const stringWidth = (await import('string-width')).default;
    // 12 CJK characters: 24 columns, 12 code units.
    const wide = '快照存档文件名称测试目录一';
    const lines = wrapText(wide, 10);
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(10);
    expect(lines.join('')).toBe(wide);
    // A family emoji is one grapheme of several code points: it stays whole.
    const family = '👨‍👩‍👧';
    const withEmoji = wrapText(`${family.repeat(6)}`, 8);
    expect(withEmoji.join('')).toBe(family.repeat(6));
    for (const line of withEmoji) expect(line.replaceAll(family, '')).toBe('');
    const short = shortenMiddle(`/mnt/${wide}/${wide}.tar.zst`, 20);
    expect(stringWidth(short)).toBeLessThanOrEqual(20);
    expect(short).toContain('…');
    expect(short.endsWith('.tar.zst')).toBe(true);
    // ASCII is unchanged by the column count.
    expect(wrapText('aaaa bbbb cccc', 9)).toEqual(['aaaa bbbb', 'cccc']);
    expect(shortenMiddle('/mnt/ledger/snapshot-1.tar.zst', 20)).toBe('/mnt/l…hot-1.tar.zst');
  });
});
