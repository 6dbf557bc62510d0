import { describe, expect, it } from 'vitest';
import { parseBoundsOutput } from '../../src/agave/ledger-tool/bounds-output.js';

// Exact outputs of `agave-ledger-tool bounds` (ledger-tool/src/output.rs SlotBounds Display and
// its serde camelCase JSON); text ends with the blank line println! adds.
describe('parseBoundsOutput', () => {
  it('reads the range text with roots (the published bounds.txt form)', () => {
    const text = 'Ledger has data for 427359 slots 257034560 to 257472032\n  with 414285 rooted slots from 257034560 to 257471967\n  and 45 slots past the last root\n\n';
    expect(parseBoundsOutput(text)).toEqual({
      slots: { total: 427359n, first: 257034560n, last: 257472032n },
      roots: { total: 414285n, first: 257034560n, last: 257471967n },
      format: 'text',
    });
  });

  it('reads a single slot without roots', () => {
    expect(parseBoundsOutput('Ledger has data for slot 5\n  with no rooted slots\n\n')).toEqual({
      slots: { total: 1n, first: 5n, last: 5n },
      roots: null,
      format: 'text',
    });
  });

  it('reads an empty ledger', () => {
    expect(parseBoundsOutput('Ledger is empty\n\n')).toEqual({ slots: null, roots: null, format: 'text' });
  });

  it('reads --all output with the slot list', () => {
    const text = 'Ledger has data for 3 slots 10 to 12\nNon-empty slots: [10, 11, 12]\n  with 1 rooted slots from 10 to 10\n  and 2 slots past the last root\n\n';
    expect(parseBoundsOutput(text)?.slots).toEqual({ total: 3n, first: 10n, last: 12n });
  });

  it('reads the pre-JSON form of a ledger without roots', () => {
    const text = 'Ledger has data for 3 slots 10 to 12\n  with 0 rooted slots from 0 to 0\n  and 3 slots past the last root\n';
    expect(parseBoundsOutput(text)?.roots).toBeNull();
  });

  it('reads pretty and compact JSON, keeping u64 precision', () => {
    const pretty = `{
  "slots": {
    "total": 3,
    "first": 18446744073709551613,
    "last": 18446744073709551615
  },
  "roots": {
    "total": 2,
    "first": 18446744073709551613,
    "last": 18446744073709551614,
    "numAfterLastRoot": 1
  }
}
`;
    expect(parseBoundsOutput(pretty)).toEqual({
      slots: { total: 3n, first: 18446744073709551613n, last: 18446744073709551615n },
      roots: { total: 2n, first: 18446744073709551613n, last: 18446744073709551614n },
      format: 'json',
    });
    const compact = '{"allSlots":[7,9],"slots":{"total":2,"first":7,"last":9},"roots":{"total":0,"first":null,"last":null}}\n';
    expect(parseBoundsOutput(compact)).toEqual({ slots: { total: 2n, first: 7n, last: 9n }, roots: null, format: 'json' });
  });

  it('reads the empty-ledger JSON', () => {
    const empty = '{"slots":{"total":0,"first":null,"last":null},"roots":{"total":0,"first":null,"last":null}}';
    expect(parseBoundsOutput(empty)).toEqual({ slots: null, roots: null, format: 'json' });
  });

  it.each([
    [''],
    ['error: Found argument \'--output\' which wasn\'t expected\n'],
    ['Ledger has data for many slots\n'],
    ['Ledger has data for 3 slots 12 to 10\n  with no rooted slots\n'], // first after last
    ['Ledger has data for 3 slots 10 to 12\n'], // roots line missing: truncated output
    ['Ledger has data for 3 slots 10 to 12\n  with no rooted slots\nSegmentation fault\n'],
    ['{"slots":{"total":-1,"first":1,"last":2},"roots":{"total":0,"first":null,"last":null}}'],
    ['{"slots":{"total":1,"first":1,"last":2}}'],
    ['{ not json'],
  ])('returns null for %j', (text) => {
    expect(parseBoundsOutput(text)).toBeNull();
  });
});
