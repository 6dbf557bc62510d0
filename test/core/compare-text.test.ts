import { describe, expect, it } from 'vitest';
import { compareText } from '../../src/core/compare-text.js';

describe('compareText', () => {
  it('orders by code unit, whatever the locale (upper case before lower, no collation)', () => {
    expect(['b', 'B', 'a', 'remote/x', 'Z', 'é', 'e'].sort(compareText)).toEqual(['B', 'Z', 'a', 'b', 'e', 'remote/x', 'é']);
    expect(compareText('same', 'same')).toBe(0);
  });
});
