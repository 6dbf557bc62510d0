import { useInput, type Key } from 'ink';
import { useCallback, useRef } from 'react';

// Ink's Key as of ink 6.8.0 (super, hyper, capsLock, numLock came with its kitty keyboard support).
export const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

const SEQUENCES: Record<string, Partial<Key>> = {
  '\r': { return: true },
  '\n': { return: true },
  '\t': { tab: true },
  '\u007F': { backspace: true },
  '\b': { backspace: true },
  '\u001B': { escape: true, meta: true },
  '\u001B[A': { upArrow: true },
  '\u001B[B': { downArrow: true },
  '\u001B[C': { rightArrow: true },
  '\u001B[D': { leftArrow: true },
  '\u001BOA': { upArrow: true },
  '\u001BOB': { downArrow: true },
  '\u001B[5~': { pageUp: true },
  '\u001B[6~': { pageDown: true },
  '\u001B[Z': { tab: true, shift: true },
};

// Escape sequences, single control characters, or runs of printable text (kept whole: a paste).
// eslint-disable-next-line no-control-regex
const TOKEN = /\u001B\[[0-9;]*[A-Za-z~]|\u001BO[A-Za-z]|[\u0000-\u001F\u007F]|[^\u0000-\u001F\u007F]+/g;

// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\u0000-\u001F\u007F]/;

/**
 * Splits what Ink hands over as one chunk into single keys. Keys typed fast, or sent by
 * `tmux send-keys`, can arrive in one read ("i\r", "\u007F\u007F\u001B[B"); Ink then reports
 * them as one string, which would match no key at all. Written against ink 6.8.0 (its Key shape
 * and its reading of Esc+key as Alt+key); check both when Ink is upgraded.
 */
export function splitKeys(input: string, key: Key): Array<[string, Key]> {
  // Esc and the next key in one read look like Alt+key ("\u001Bq"); this app binds no Alt keys.
  if (key.meta && !key.escape && input.length === 1 && !HAS_CONTROL.test(input)) return [['', { ...NO_KEY, escape: true, meta: true }], [input, NO_KEY]];
  if (input.length <= 1 || !HAS_CONTROL.test(input)) return [[input, key]];
  const out: Array<[string, Key]> = [];
  for (const token of input.match(TOKEN) ?? []) {
    const known = SEQUENCES[token];
    if (known) out.push(['', { ...NO_KEY, ...known }]);
    else if (!HAS_CONTROL.test(token)) out.push([token, NO_KEY]);
  }
  return out;
}

/**
 * useInput, one call per key. The handler is read from a ref, so Ink keeps one subscription and
 * a key never reaches the handler of an older render; the app's state lives in a reducer, so no
 * key has to wait for the previous one's render.
 */
export function useKeys(handler: (input: string, key: Key) => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  const receive = useCallback((input: string, key: Key) => {
    for (const [one, oneKey] of splitKeys(input, key)) latest.current(one, oneKey);
  }, []);
  useInput(receive);
}
