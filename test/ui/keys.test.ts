import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { splitKeys } from '../../src/ui/hooks/use-keys.js';

const none = { return: false, tab: false, backspace: false, downArrow: false, escape: false } as unknown as Key;
const names = (events: Array<[string, Key]>) =>
  events.map(([input, key]) => (key.return ? '<enter>' : key.tab ? (key.shift ? '<s-tab>' : '<tab>') : key.backspace ? '<bs>' : key.downArrow ? '<down>' : key.pageDown ? '<pgdn>' : key.escape ? '<esc>' : input));

describe('splitKeys', () => {
  it('leaves single keys and pasted text as they are', () => {
    expect(splitKeys('a', none)).toEqual([['a', none]]);
    expect(names(splitKeys('289624982', none))).toEqual(['289624982']);
  });

  it('splits keys that arrived in one read', () => {
    expect(names(splitKeys('i\r', none))).toEqual(['i', '<enter>']);
    expect(names(splitKeys('289624982\r', none))).toEqual(['289624982', '<enter>']);
    expect(names(splitKeys('\u007F\u007F\u001B[B\u001B[B', none))).toEqual(['<bs>', '<bs>', '<down>', '<down>']);
    expect(names(splitKeys('\t\u001B[Z\u001B[6~y', none))).toEqual(['<tab>', '<s-tab>', '<pgdn>', 'y']);
    // Esc then q in one read: Ink reports Alt+q.
    expect(names(splitKeys('q', { ...none, meta: true }))).toEqual(['<esc>', 'q']);
  });
});
