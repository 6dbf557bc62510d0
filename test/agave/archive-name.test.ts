import { describe, expect, it } from 'vitest';
import { formatArchiveName, isHash, parseArchiveName } from '../../src/agave/archive-name.js';

// Real names seen in public material (Firedancer docs, Sig tests) and Agave's builders.
const REAL_FULL = 'snapshot-240023734-3upPYDhyaoJ6DJZoeHnRPQKuba7B2xB93gFkHbGri5sK.tar.zst';
const REAL_INCREMENTAL = 'incremental-snapshot-240023734-240033566-7pHtH4n592Cgn3wWz459PGkbBgZUSJ3HtLxFYzEq8BXN.tar.zst';
const SIG_INCREMENTAL = 'incremental-snapshot-269-307-4JLFzdaaqkSrmHs55bBDhZrQjHYZvqU1vCcQ5mP22pdB.tar.zst';
const ZERO_HASH = '11111111111111111111111111111111'; // 32 zero bytes

describe('parseArchiveName', () => {
  it.each([
    [REAL_FULL, { kind: 'full', slot: 240023734n, baseSlot: undefined, format: 'tar.zst', legacy: false }],
    [REAL_INCREMENTAL, { kind: 'incremental', slot: 240033566n, baseSlot: 240023734n, format: 'tar.zst', legacy: false }],
    [SIG_INCREMENTAL, { kind: 'incremental', slot: 307n, baseSlot: 269n, format: 'tar.zst', legacy: false }],
    [`snapshot-100-${ZERO_HASH}.tar.lz4`, { kind: 'full', slot: 100n, format: 'tar.lz4', legacy: false }],
    [`snapshot-100-${ZERO_HASH}.tar.bz2`, { kind: 'full', slot: 100n, format: 'tar.bz2', legacy: true }],
    [`snapshot-100-${ZERO_HASH}.tar.gz`, { kind: 'full', slot: 100n, format: 'tar.gz', legacy: true }],
    [`snapshot-100-${ZERO_HASH}.tar`, { kind: 'full', slot: 100n, format: 'tar', legacy: true }],
    [`incremental-snapshot-1-2-${ZERO_HASH}.tar.gz`, { kind: 'incremental', slot: 2n, baseSlot: 1n, format: 'tar.gz', legacy: true }],
    // u64::MAX is a valid slot and must survive without rounding.
    [`snapshot-18446744073709551615-${ZERO_HASH}.tar.zst`, { kind: 'full', slot: 18446744073709551615n }],
  ])('accepts %s', (name, expected) => {
    const verdict = parseArchiveName(name);
    expect(verdict.ok).toBe(true);
    if (verdict.ok) expect(verdict.archive).toMatchObject(expected);
  });

  it.each([
    ['tmp-snapshot-archive-289625300.tar.zst', /in-progress/],
    ['tmp-snapshot-archive-289625300-Xq3z', /in-progress/],
    ['tmp-incremental-snapshot-100-200-abc', /in-progress/],
    ['tmp-bank-snapshot-100', /in-progress/],
    [`snapshot-100-${ZERO_HASH}.tar..tmp`, /partial download/],
    [`${REAL_FULL}.tmp`, /partial download/],
    [`${REAL_FULL}.partial`, /partial download by snapplan fetch/],
    [`${REAL_FULL}.partial.json`, /partial download by snapplan fetch/],
    ['snapshots_to_be_deleted', /deletion/],
    [`snapshot-18446744073709551616-${ZERO_HASH}.tar.zst`, /does not fit/],
    [`incremental-snapshot-18446744073709551616-1-${ZERO_HASH}.tar.zst`, /base slot does not fit/],
    ['snapshot-100-notbase58hashwith0OIl0000000000000000.tar.zst', /base58/],
    ['snapshot-100-3upPYDhyaoJ6DJZoeHnRPQKuba7B2x.tar.zst', /base58/], // 30 chars: too short for 32 bytes
    [`snapshot-100-${'z'.repeat(44)}.tar.zst`, /base58/], // 44 chars but decodes to more than 32 bytes
    [`snapshot-100-${ZERO_HASH}.tar.xz`, /does not match/],
    [`snapshot--100-${ZERO_HASH}.tar.zst`, /does not match/],
    [`snapshot-100-${ZERO_HASH}.tar.zst.bak`, /does not match/],
    [`snapshot-1e5-${ZERO_HASH}.tar.zst`, /does not match/],
  ])('rejects %s with a reason', (name, reason) => {
    const verdict = parseArchiveName(name);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toMatch(reason);
  });

  it('says nothing about names that are not snapshot-shaped', () => {
    expect(parseArchiveName('genesis.bin')).toEqual({ ok: false, reason: null });
    expect(parseArchiveName('validator.log')).toEqual({ ok: false, reason: null });
  });

  it('round-trips through formatArchiveName', () => {
    for (const name of [REAL_FULL, REAL_INCREMENTAL, SIG_INCREMENTAL]) {
      const verdict = parseArchiveName(name);
      if (!verdict.ok) throw new Error(`expected ${name} to parse`);
      expect(formatArchiveName(verdict.archive)).toBe(name);
    }
  });
});

describe('isHash', () => {
  it('accepts exactly 32 bytes of base58', () => {
    expect(isHash(ZERO_HASH)).toBe(true);
    expect(isHash('3upPYDhyaoJ6DJZoeHnRPQKuba7B2xB93gFkHbGri5sK')).toBe(true);
  });
  it('rejects 31 and 33 bytes and non-alphabet characters', () => {
    expect(isHash('1111111111111111111111111111111')).toBe(false); // 31 zero bytes
    expect(isHash('111111111111111111111111111111111')).toBe(false); // 33 zero bytes
    expect(isHash('0upPYDhyaoJ6DJZoeHnRPQKuba7B2xB93gFkHbGri5sK')).toBe(false); // 0 is not base58
  });
});
