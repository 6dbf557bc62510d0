import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NativeBlockstoreSource, countSlots, slotEdges } from '../../src/agave/blockstore/native-source.js';
import { decodeSlotMeta, isFull } from '../../src/agave/blockstore/slot-meta.js';
import { BlockstoreFormatError, UserError } from '../../src/core/errors.js';
import { ALL_FIXTURES, FIXTURES, LAYOUT_OF, dbDir, expectedOf, scratchDir } from '../rocksdb/helpers.js';
import { RocksDbSnapshot } from '../../src/agave/rocksdb/rocksdb-snapshot.js';
import type { Expected } from '../rocksdb/helpers.js';

const source = new NativeBlockstoreSource({ retryDelayMs: 0 });

/** A plain re-statement of the chain rule over the generator's content, for many (base, target). */
function referenceWalk(expected: Expected, base: bigint, target: bigint): { complete: boolean; first: string | null; missing: string[] } {
  const metas = new Map(expected.meta.map((m) => [BigInt(m.slot), decodeSlotMeta(Buffer.from(m.value, 'hex'))]));
  const missing: string[] = [];
  let first: string | null = null;
  let slot = target;
  let reached = base === target;
  while (!reached && slot > base) {
    const m = metas.get(slot);
    if (m === undefined || m.parentSlot === null) {
      missing.push(String(slot));
      first ??= `${slot}:${m === undefined ? 'missing' : 'no-parent'}`;
      break;
    }
    if (!isFull(m)) {
      missing.push(String(slot));
      first ??= `${slot}:incomplete`;
    }
    if (m.parentSlot < base) {
      first ??= `${slot}:skips-base`;
      break;
    }
    if (m.parentSlot === base) reached = true;
    slot = m.parentSlot;
  }
  return { complete: reached && missing.length === 0, first, missing: missing.sort((a, b) => Number(a) - Number(b)) };
}

describe.each(ALL_FIXTURES)('native source on %s', (name) => {
  const expected = expectedOf(name);
  const ledger = join(FIXTURES, name);

  it('reports slots and roots as agave-ledger-tool bounds counts them, when asked to count', async () => {
    const report = await source.read({ ledger, target: 420n, base: null, count: true });
    expect(report.source).toBe('native');
    expect(report.slots).toEqual({ total: BigInt(expected.meta.length), first: BigInt(expected.meta[0]?.slot ?? -1), last: BigInt(expected.meta.at(-1)?.slot ?? -1) });
    expect(report.roots).toEqual({ total: BigInt(expected.root.length), first: BigInt(expected.root[0] ?? -1), last: BigInt(expected.root.at(-1) ?? -1) });
    expect(report.chain).toBeUndefined();
  });

  it('finds the same first and last slot by seeking, without counting (purged and deleted edges applied)', async () => {
    const report = await source.read({ ledger, target: 420n, base: null });
    expect(report.slots).toEqual({ total: null, first: BigInt(expected.meta[0]?.slot ?? -1), last: BigInt(expected.meta.at(-1)?.slot ?? -1) });
    expect(report.roots).toEqual({ total: null, first: BigInt(expected.root[0] ?? -1), last: BigInt(expected.root.at(-1) ?? -1) });
  });

  it('seeking the edges reads fewer blocks than counting', async () => {
    const seek = await RocksDbSnapshot.open(dbDir(name), { columnFamilies: ['meta'] });
    expect(slotEdges(seek, 'meta')).toMatchObject({ first: 120n, last: 420n });
    const count = await RocksDbSnapshot.open(dbDir(name), { columnFamilies: ['meta'] });
    expect(countSlots(count, 'meta')).toMatchObject({ first: 120n, last: 420n });
    expect(seek.stats.blocksRead).toBeLessThan(count.stats.blocksRead);
    seek.close();
    count.close();
  });

  it('reads every SlotMeta in the layout the generator wrote it in', async () => {
    const db = await RocksDbSnapshot.open(dbDir(name), { columnFamilies: ['meta'] });
    const layouts = [...db.scan('meta')].map((e) => decodeSlotMeta(e.value).layout);
    db.close();
    // an empty u32 set (8 zero bytes) also reads as an empty bit vector, which Agave tries first:
    // the one value both layouts accept, with the same meaning
    const emptySet = (hex: string): boolean => hex.length < 2 * 4161 && hex.endsWith('0'.repeat(16));
    expect(layouts).toEqual(expected.meta.map((m) => (emptySet(m.value) ? 'v2' : (m.layout ?? 'v1'))));
    const written = new Set(expected.meta.filter((m) => !emptySet(m.value)).map((m) => m.layout ?? 'v1'));
    expect([...written].sort()).toEqual({ v1: ['v1'], v2: ['v2'], mixed: ['v1', 'v2'] }[LAYOUT_OF(name)]);
  });

  it.each(expected.cases)('walks the chain from $target down to $base', async (c) => {
    const report = await source.read({ ledger, target: BigInt(c.target), base: BigInt(c.base) });
    const chain = report.chain;
    expect(chain).toBeDefined();
    expect(chain?.complete).toBe(c.complete);
    expect(chain?.firstProblem === null ? null : { slot: String(chain?.firstProblem?.slot), problem: chain?.firstProblem?.problem }).toEqual(c.firstProblem);
    expect(chain?.missing.map((r) => ({ first: String(r.first), last: String(r.last) }))).toEqual(c.missing);
    expect(chain?.chain[0]).toBe(BigInt(c.target));
  });

  it('agrees with a plain walk over the generator content for many base/target pairs', async () => {
    const pairs: [bigint, bigint][] = [];
    for (let t = 110n; t <= 425n; t += 23n) for (const back of [1n, 5n, 40n, 150n]) if (t - back >= 90n) pairs.push([t - back, t]);
    for (const [base, target] of pairs) {
      const chain = (await source.read({ ledger, target, base }))?.chain;
      const ref = referenceWalk(expected, base, target);
      const got = { complete: chain?.complete, first: chain?.firstProblem ? `${chain.firstProblem.slot}:${chain.firstProblem.problem}` : null, missing: chain?.missing.map((r) => String(r.first)) };
      expect(got, `base ${base} target ${target}`).toEqual(ref);
    }
  });

  it('lists the chain highest first, skipping forks and skipped slots', async () => {
    const chain = (await source.read({ ledger, target: 160n, base: 145n })).chain;
    expect(chain?.chain).toEqual([160n, 159n, 158n, 156n, 155n, 154n, 153n, 152n, 151n, 149n, 148n, 147n, 146n]);
    expect(chain?.complete).toBe(true);
  });
});

describe('native source errors', () => {
  it('says plainly when the ledger has no blockstore', async () => {
    const empty = scratchDir('snapplan-empty-');
    await expect(source.read({ ledger: empty, target: 1n, base: null })).rejects.toBeInstanceOf(UserError);
  });

  it('refuses a base above the target', async () => {
    await expect(source.read({ ledger: join(FIXTURES, 'fv5-layered'), target: 150n, base: 200n })).rejects.toBeInstanceOf(UserError);
  });

  it('stops when asked to', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(source.read({ ledger: join(FIXTURES, 'fv5-layered'), target: 150n, base: null, signal: controller.signal })).rejects.toThrow();
  });

  it('is a typed error class with exit code 1', () => {
    expect(new BlockstoreFormatError('x', 'corrupt').exitCode).toBe(1);
  });
});
