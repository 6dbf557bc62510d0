import { escapeControl } from '../core/escape-control.js';

/**
 * Splits text into lines of at most `width` characters at spaces (a longer word is cut), so a
 * screen knows exactly how many rows it uses: every row is one line, and scrolling stays exact.
 */
export function wrapText(text: string, width: number): string[] {
  const max = Math.max(8, width);
  const out: string[] = [];
  // Newlines are the caller's line breaks; every other control character (from a file name)
  // is shown escaped, so no terminal sequence reaches the screen.
  for (const paragraph of text.split('\n').map(escapeControl)) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      let rest = word;
      while (rest.length > max) {
        if (line) {
          out.push(line);
          line = '';
        }
        out.push(rest.slice(0, max));
        rest = rest.slice(max);
      }
      if (line === '') line = rest;
      else if (line.length + 1 + rest.length <= max) line += ' ' + rest;
      else {
        out.push(line);
        line = rest;
      }
    }
    out.push(line);
  }
  return out;
}

/** Keeps the end of a long path visible: the file name matters more than the root. */
export function shortenMiddle(raw: string, width: number): string {
  const text = escapeControl(raw);
  if (text.length <= width || width < 5) return text;
  const keep = width - 1;
  const head = Math.floor(keep / 3);
  return text.slice(0, head) + '…' + text.slice(text.length - (keep - head));
}
