/**
 * Characters that must never reach a terminal raw from a file name: C0 controls (ESC starts
 * terminal escape sequences, newline and carriage return forge lines), DEL, C1 controls (U+009B
 * is a one-character CSI on some terminals), and the Unicode line separators and bidirectional
 * overrides that make a shown name read differently from the real one.
 */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/u; // eslint-disable-line no-control-regex
const CONTROL_GLOBAL = new RegExp(CONTROL_CHARACTERS.source, 'gu');

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * The text with every control character shown as an escape (`\n`, `\x1b`, `\u202e`), for text
 * output only: JSON keeps the raw string, and shell commands are quoted by shellQuote instead.
 */
export function escapeControl(text: string): string {
  if (!CONTROL_CHARACTERS.test(text)) return text;
  return text.replace(CONTROL_GLOBAL, (c) => {
    const code = c.codePointAt(0) ?? 0;
    return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}
