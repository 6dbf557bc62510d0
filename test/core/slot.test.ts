import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { parseSlotArg, parseSlotRangeArg, subtractRange, tryParseU64, U64_MAX } from '../../src/core/slot.js';
import { toJson } from '../../src/core/json.js';

describe('u64 slots', () => {
  it('parses the whole u64 range exactly', () => {
    expect(tryParseU64('0')).toBe(0n);
    expect(tryParseU64('18446744073709551615')).toBe(U64_MAX);
    expect(tryParseU64('9007199254740993')).toBe(9007199254740993n); // 2^53 + 1: a double would round it
  });

  it.each([['-1', /negative/], ['18446744073709551616', /larger than the largest slot/], ['1e6', /whole number/], ['', /whole number/], ['12a', /whole number/], ['1.5', /whole number/]])(
    'refuses %j',
    (text, why) => {
      expect(() => parseSlotArg(text, '--slot')).toThrow(UserError);
      expect(() => parseSlotArg(text, '--slot')).toThrow(why);
    },
  );

  it('parses FIRST..LAST ranges and refuses reversed ones', () => {
    expect(parseSlotRangeArg('10..20', '--blocks')).toEqual({ first: 10n, last: 20n });
    expect(() => parseSlotRangeArg('20..10', '--blocks')).toThrow(/first slot is after the last/);
    expect(() => parseSlotRangeArg('10-20', '--blocks')).toThrow(/FIRST..LAST/);
  });

  it('subtracts ranges into at most two missing pieces', () => {
    const wanted = { first: 10n, last: 20n };
    expect(subtractRange(wanted, { first: 0n, last: 30n })).toEqual([]);
    expect(subtractRange(wanted, { first: 15n, last: 30n })).toEqual([{ first: 10n, last: 14n }]);
    expect(subtractRange(wanted, { first: 0n, last: 12n })).toEqual([{ first: 13n, last: 20n }]);
    expect(subtractRange(wanted, { first: 12n, last: 18n })).toEqual([{ first: 10n, last: 11n }, { first: 19n, last: 20n }]);
    expect(subtractRange(wanted, { first: 30n, last: 40n })).toEqual([wanted]);
    expect(subtractRange(wanted, null)).toEqual([wanted]);
  });
});

describe('toJson', () => {
  it('writes bigints as exact integer literals', () => {
    const text = toJson({ slot: U64_MAX, list: [1n, null], nested: { ok: true, s: 'a"b' }, skip: undefined }, 0);
    expect(text).toBe('{"slot":18446744073709551615,"list":[1,null],"nested":{"ok":true,"s":"a\\"b"}}');
  });
  it('never unwraps a real string that looks like its bigint mark', () => {
    const tricky = { a: '\u0000u64:12', b: '\\u0000u64:12', c: 5n, d: U64_MAX };
    const text = toJson(tricky);
    expect(JSON.parse(text)).toEqual({ a: '\u0000u64:12', b: '\\u0000u64:12', c: 5, d: 18446744073709552000 });
    expect(text).toContain('"d": 18446744073709551615');
  });
  it('keeps bigints exact on both sides of 2^53 and leaves BigInt.prototype as it was', () => {
    const text = toJson({ below: 9007199254740991n, above: 9007199254740993n, negative: -9007199254740993n, list: [2n ** 64n - 1n] }, 0);
    expect(text).toBe('{"below":9007199254740991,"above":9007199254740993,"negative":-9007199254740993,"list":[18446744073709551615]}');
    expect(Object.getOwnPropertyDescriptor(BigInt.prototype, 'toJSON')).toBeUndefined();
    expect(() => JSON.stringify({ a: 1n })).toThrow(TypeError);
  });
  it('restores the prototype even when serialisation throws', () => {
    const cyclic: Record<string, unknown> = { slot: 1n };
    cyclic.self = cyclic;
    expect(() => toJson(cyclic)).toThrow(TypeError);
    expect(Object.getOwnPropertyDescriptor(BigInt.prototype, 'toJSON')).toBeUndefined();
  });
  it('matches JSON.stringify for plain values when indented', () => {
    const value = { a: [1, 2, { b: 'c' }], d: {}, e: [], f: null };
    expect(toJson(value, 2)).toBe(JSON.stringify(value, null, 2));
  });
});
