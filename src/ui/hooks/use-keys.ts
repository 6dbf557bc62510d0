import { useInput, type Key } from 'ink';
import { useCallback, useLayoutEffect, useRef, useState } from 'react';

const NO_KEY: Key = {
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
 * them as one string, which would match no key at all.
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
 * useInput, one key per render. Each key is handled after the previous one's state is on
 * screen, by the handler of the latest render: Ink subscribes a new handler only in a passive
 * effect, and a key pressed right after a screen changed would otherwise reach the old one.
 */
export function useKeys(handler: (input: string, key: Key) => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  const queue = useRef<Array<[string, Key]>>([]);
  const [tick, setTick] = useState(0);
  const receive = useCallback((input: string, key: Key) => {
    queue.current.push(...splitKeys(input, key));
    setTick((t) => t + 1);
  }, []);
  useInput(receive);
  useLayoutEffect(() => {
    const next = queue.current.shift();
    if (!next) return;
    latest.current(next[0], next[1]);
    if (queue.current.length > 0) setTick((t) => t + 1);
  }, [tick]);
}
