import stringWidth from 'string-width';
import { escapeControl } from '../core/escape-control.js';

// Widths are terminal columns, not string lengths: a CJK character or an emoji in a file name
// takes two columns, a combining accent none. Cutting goes by grapheme, so no character is split.
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The longest start of `text` that fits in `columns`, and the rest. */
function cutToWidth(text: string, columns: number): [string, string] {
  let used = 0;
  let end = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    const w = stringWidth(segment);
    if (used + w > columns) return [text.slice(0, index), text.slice(index)];
    used += w;
    end = index + segment.length;
  }
  return [text.slice(0, end), text.slice(end)];
}

/** The shortest end of `text` that fits in `columns`. */
function tailToWidth(text: string, columns: number): string {
  const parts = [...graphemes.segment(text)].map((s) => s.segment);
  let used = 0;
  let start = parts.length;
  while (start > 0) {
    const w = stringWidth(parts[start - 1] as string);
    if (used + w > columns) break;
    used += w;
    start--;
  }
  return parts.slice(start).join('');
}

/**
 * Splits text into lines of at most `width` columns at spaces (a longer word is cut), so a
 * screen knows exactly how many rows it uses: every row is one line, and scrolling stays exact.
 */
export function wrapText(text: string, width: number): string[] {
  const max = Math.max(8, width);
  const out: string[] = [];
  // Newlines are the caller's line breaks; every other control character (from a file name)
  // is shown escaped, so no terminal sequence reaches the screen.
  for (const paragraph of text.split('\n').map(escapeControl)) {
    let line = '';
    let lineWidth = 0;
    for (const word of paragraph.split(' ')) {
      let rest = word;
      let restWidth = stringWidth(rest);
      while (restWidth > max) {
        if (line) {
          out.push(line);
          line = '';
          lineWidth = 0;
        }
        // max is at least 8 columns and a grapheme at most 2, so every cut makes progress.
        const [head, tail] = cutToWidth(rest, max);
        out.push(head);
        rest = tail;
        restWidth = stringWidth(rest);
      }
      if (line === '') {
        line = rest;
        lineWidth = restWidth;
      } else if (lineWidth + 1 + restWidth <= max) {
        line += ' ' + rest;
        lineWidth += 1 + restWidth;
      } else {
        out.push(line);
        line = rest;
        lineWidth = restWidth;
      }
    }
    out.push(line);
  }
  return out;
}

/** Keeps the end of a long path visible: the file name matters more than the root. */
export function shortenMiddle(raw: string, width: number): string {
  const text = escapeControl(raw);
  if (stringWidth(text) <= width || width < 5) return text;
  const keep = width - 1;
  const head = Math.floor(keep / 3);
  const [start] = cutToWidth(text, head);
  return start + '…' + tailToWidth(text, keep - stringWidth(start));
}
