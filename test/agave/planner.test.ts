import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BlockstoreReport } from '../../src/agave/blockstore/blockstore-source.js';
import type { BankSnapshot, Inventory, SnapshotArchive } from '../../src/agave/inventory.js';
import type { PlanRequest } from '../../src/agave/plan-model.js';
import { chooseBase, chooseUsableBase, planRestartSnapshot } from '../../src/agave/planner.js';
import { hashFor } from '../support/ledger-tree.js';

// In-memory builders: the planner is pure, so its tests need no files.
const L = '/mnt/ledger';
const folders = { ledger: L, snapshots: L, fullArchives: L, incrementalArchives: L };

function full(slot: bigint, options: Partial<SnapshotArchive> = {}): SnapshotArchive {
  const format = options.format ?? 'tar.zst';
  const hash = options.hash ?? hashFor(`f${slot}`);
  const dir = options.remote ? `${L}/remote` : L;
  return { kind: 'full', slot, hash, format, legacy: ['tar', 'tar.gz', 'tar.bz2'].includes(format), path: `${dir}/snapshot-${slot}-${hash}.${format}`, root: L, remote: false, size: 1000, ...options };
}

function inc(base: bigint, slot: bigint, options: Partial<SnapshotArchive> = {}): SnapshotArchive {
  const hash = hashFor(`i${base}-${slot}`);
  const dir = options.remote ? `${L}/remote` : L;
  return { kind: 'incremental', slot, baseSlot: base, hash, format: 'tar.zst', legacy: false, path: `${dir}/incremental-snapshot-${base}-${slot}-${hash}.tar.zst`, root: L, remote: false, size: 100, ...options };
}

function bank(slot: bigint, complete = true): BankSnapshot {
  return { slot, path: `${L}/snapshots/${slot}`, root: `${L}/snapshots`, complete, problems: complete ? [] : ['status_cache missing'] };
}

function inventory(archives: SnapshotArchive[], bankSnapshots: BankSnapshot[] = []): Inventory {
  return { folders, scannedArchiveFolders: [L], scannedBankFolders: [`${L}/snapshots`], archives, bankSnapshots, ignored: [] };
}

function blocks(first: bigint | null, last?: bigint): BlockstoreReport {
  return { source: 'ledger-tool', slots: first === null ? null : { total: (last ?? first) - first + 1n, first, last: last ?? first }, roots: null };
}

function request(target: bigint, version: string | null = '2.1.13'): PlanRequest {
  return { target, ledgerToolVersion: version, ledgerToolCommand: 'agave-ledger-tool', backupDir: `${L}/snapplan-quarantine`, now: new Date('2026-11-21T12:00:00Z') };
}

const codes = (plan: { findings: readonly { code: string }[] }) => plan.findings.map((f) => f.code);

describe('base selection (as bank_forks_utils picks it)', () => {
  it('takes the highest full below X and the highest incremental on it below X', () => {
    const plan = planRestartSnapshot(
      inventory([full(100n), full(200n), inc(100n, 290n), inc(200n, 250n), inc(200n, 280n), inc(200n, 300n)]),
      blocks(150n, 400n),
      request(300n),
    );
    expect(plan.base?.full.slot).toBe(200n);
    expect(plan.base?.incremental?.slot).toBe(280n);
    expect(plan.baseSlot).toBe(280n);
    expect(plan.blocks.needed).toEqual({ first: 281n, last: 300n });
    expect(plan.reachable).toBe(true);
    // inc(100,290) is on an older full: Agave ignores it, so it stays; inc(200,300) is at X.
    expect(plan.quarantine.map((q) => q.slot)).toEqual([300n]);
  });

  it('uses a full alone when no incremental fits, and warns (agave#9496)', () => {
    const plan = planRestartSnapshot(inventory([full(200n), inc(100n, 250n)]), blocks(150n, 400n), request(300n));
    expect(plan.base?.incremental).toBeNull();
    expect(plan.baseSlot).toBe(200n);
    expect(codes(plan)).toContain('full-only-base');
    expect(codes(plan)).toContain('orphan-incremental');
    expect(plan.reachable).toBe(true);
  });

  it('treats remote/ archives like local ones', () => {
    const plan = planRestartSnapshot(inventory([full(100n), full(200n, { remote: true }), full(400n, { remote: true })]), blocks(0n, 500n), request(300n));
    expect(plan.base?.full.remote).toBe(true);
    expect(plan.quarantine.map((q) => q.path)).toEqual([full(400n, { remote: true }).path]);
  });

  it('warns when two archives at the base slot have different hashes', () => {
    const plan = planRestartSnapshot(inventory([full(200n), full(200n, { remote: true, hash: hashFor('other') })]), blocks(0n, 500n), request(300n));
    expect(codes(plan)).toContain('duplicate-archive-slot');
  });
});

describe('cause 1: no snapshot below X', () => {
  it('is not reachable when every archive is newer, and says a snapshot cannot be replayed backwards', () => {
    const plan = planRestartSnapshot(inventory([full(400n), inc(400n, 450n)]), blocks(0n, 500n), request(300n));
    expect(plan.reachable).toBe(false);
    expect(plan.base).toBeNull();
    expect(plan.blocks.needed).toBeNull();
    expect(plan.findings[0]).toMatchObject({ code: 'no-base-snapshot', severity: 'error' });
    expect(plan.findings[0]?.message).toMatch(/replayed backwards/);
    expect(plan.commands).toEqual([]);
  });

  it('is not reachable with no archives at all', () => {
    const plan = planRestartSnapshot(inventory([]), blocks(0n, 500n), request(300n));
    expect(plan.reachable).toBe(false);
    expect(plan.findings[0]?.message).toMatch(/No usable full snapshot archive/);
  });

  it('an incremental below X without its full does not make a base', () => {
    const plan = planRestartSnapshot(inventory([inc(100n, 250n), full(400n)]), blocks(0n, 500n), request(300n));
    expect(plan.reachable).toBe(false);
    expect(codes(plan)).toEqual(expect.arrayContaining(['no-base-snapshot', 'orphan-incremental']));
  });
});

describe('cause 2: blocks missing in (S, X]', () => {
  const inv = inventory([full(200n), inc(200n, 250n)]);
  it.each([
    ['ends before X', blocks(100n, 280n), [{ first: 281n, last: 300n }], /ends at 280/],
    ['starts after S+1', blocks(260n, 500n), [{ first: 251n, last: 259n }], /starts at 260/],
    ['both ends', blocks(260n, 280n), [{ first: 251n, last: 259n }, { first: 281n, last: 300n }], /starts at 260/],
    ['empty blockstore', blocks(null), [{ first: 251n, last: 300n }], /empty/],
    ['only X missing', blocks(100n, 299n), [{ first: 300n, last: 300n }], /slot 300 is missing/],
  ])('%s', (_name, report, missing, message) => {
    const plan = planRestartSnapshot(inv, report, request(300n));
    expect(plan.reachable).toBe(false);
    expect(plan.blocks.missing).toEqual(missing);
    const finding = plan.findings.find((f) => f.code === 'blocks-missing');
    expect(finding?.severity).toBe('error');
    expect(finding?.message).toMatch(message);
    expect(plan.commands).toEqual([]);
  });

  it('is reachable when the blockstore starts right after S', () => {
    const plan = planRestartSnapshot(inv, blocks(251n, 300n), request(300n));
    expect(plan.blocks.missing).toEqual([]);
    expect(plan.reachable).toBe(true);
  });

  it('uses the parent-chain walk when the source gives one for this base and target', () => {
    const report: BlockstoreReport = {
      ...blocks(100n, 500n),
      source: 'native',
      chain: { base: 250n, target: 300n, complete: false, chain: [300n, 297n], firstProblem: { slot: 297n, problem: 'incomplete' }, missing: [{ first: 297n, last: 297n }] },
    };
    const plan = planRestartSnapshot(inv, report, request(300n));
    expect(plan.blocks.missing).toEqual([{ first: 297n, last: 297n }]);
    expect(plan.findings.find((f) => f.code === 'blocks-missing')?.message).toMatch(/slot 297 is not full/);
    expect(plan.reachable).toBe(false);
  });

  it('prefers the range\'s exact edges when the range itself lacks blocks, even with a chain walk', () => {
    const report: BlockstoreReport = {
      ...blocks(100n, 280n),
      source: 'native',
      chain: { base: 250n, target: 300n, complete: false, chain: [], firstProblem: { slot: 300n, problem: 'missing' }, missing: [{ first: 300n, last: 300n }] },
    };
    const plan = planRestartSnapshot(inv, report, request(300n));
    expect(plan.blocks.missing).toEqual([{ first: 281n, last: 300n }]);
    expect(plan.findings.find((f) => f.code === 'blocks-missing')?.message).toMatch(/ends at 280/);
  });

  it('ignores a chain walked for another base or target', () => {
    const report: BlockstoreReport = {
      ...blocks(100n, 500n),
      source: 'native',
      chain: { base: 200n, target: 300n, complete: false, chain: [], firstProblem: { slot: 297n, problem: 'incomplete' }, missing: [{ first: 297n, last: 297n }] },
    };
    expect(planRestartSnapshot(inv, report, request(300n)).blocks.missing).toEqual([]);
  });
});

describe('cause 3 and the quarantine list', () => {
  it('moves every archive newer than X, incrementals on newer fulls, archives at X and bank snapshots at or after X', () => {
    const archives = [
      full(100n),
      full(200n),
      inc(200n, 250n),
      inc(200n, 300n), // at X
      inc(200n, 320n), // newer, on the base full
      full(300n), // at X
      full(350n),
      inc(350n, 360n), // base after X
      full(400n, { remote: true }),
    ];
    const banks = [bank(250n), bank(300n), bank(310n, false)];
    const plan = planRestartSnapshot(inventory(archives, banks), blocks(0n, 500n), request(300n));
    expect(plan.reachable).toBe(true);
    expect([plan.base?.full.slot, plan.base?.incremental?.slot]).toEqual([200n, 250n]);
    expect(plan.quarantine.map((q) => `${q.kind}@${q.slot}`)).toEqual([
      'incremental@300', 'full@300', 'incremental@320', 'full@350', 'incremental@360', 'full@400', 'bank-snapshot@300', 'bank-snapshot@310',
    ]);
    expect(plan.quarantine.find((q) => q.slot === 360n)?.reason).toMatch(/full snapshot at 350/);
    expect(codes(plan)).toEqual(expect.arrayContaining(['newer-snapshots', 'target-snapshot-exists', 'bank-snapshot-at-or-after-target', 'incomplete-bank-snapshot']));
    // Nothing below X that Agave would ignore is moved.
    expect(plan.quarantine.some((q) => q.slot < 300n)).toBe(false);
  });

  it('keeps destinations inside the quarantine folder, named by UTC time and slot', () => {
    const plan = planRestartSnapshot(inventory([full(200n), full(400n)]), blocks(0n, 500n), request(300n));
    expect(plan.quarantineDir).toBe(`${L}/snapplan-quarantine/snapplan-20261121T120000Z-slot-300`);
    for (const q of plan.quarantine) expect(q.destination.startsWith(`${plan.quarantineDir}/`)).toBe(true);
  });

  it('lists the moves first, then create-snapshot with the folder flags', () => {
    const plan = planRestartSnapshot(inventory([full(200n), inc(200n, 250n), full(400n)]), blocks(0n, 500n), request(300n));
    expect(plan.commands[0]).toMatch(/^mkdir -p -- /);
    expect(plan.commands[1]).toMatch(/^mv -n -- \/mnt\/ledger\/snapshot-400-/);
    expect(plan.commands.at(-1)).toBe(
      'agave-ledger-tool --ledger /mnt/ledger --snapshots /mnt/ledger --incremental-snapshot-archive-path /mnt/ledger create-snapshot 300 /mnt/ledger --hard-fork 300',
    );
  });

  it('needs no moves when nothing is at or after X', () => {
    const plan = planRestartSnapshot(inventory([full(200n), inc(200n, 250n)], [bank(250n)]), blocks(0n, 500n), request(300n));
    expect(plan.quarantine).toEqual([]);
    expect(plan.commands).toHaveLength(1);
    expect(plan.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });
});

describe('ledger-tool versions', () => {
  const inv = inventory([full(200n)]);
  it.each([
    ['1.18.26', '--snapshot-archive-path /mnt/ledger --incremental-snapshot-archive-path /mnt/ledger create-snapshot'],
    ['2.3.13', '--snapshots /mnt/ledger --incremental-snapshot-archive-path /mnt/ledger create-snapshot'],
    ['3.1.0', '--snapshots /mnt/ledger --full-snapshot-archive-path /mnt/ledger --incremental-snapshot-archive-path /mnt/ledger create-snapshot'],
  ])('%s gets the flags it accepts', (version, flags) => {
    const plan = planRestartSnapshot(inv, blocks(0n, 500n), request(300n, version));
    expect(plan.commands.at(-1)).toContain(flags);
  });

  it('assumes >= 3.0 flags without a version, and says so', () => {
    const plan = planRestartSnapshot(inv, blocks(0n, 500n), request(300n, null));
    expect(plan.flagEra).toBe('v3');
    expect(codes(plan)).toContain('ledger-tool-version-unknown');
  });

  it('warns that ledger-tool 2.x cannot name a full-archive folder apart from the snapshots folder', () => {
    const split = { ledger: L, snapshots: L, fullArchives: '/mnt/full', incrementalArchives: L };
    const plan = planRestartSnapshot({ ...inventory([full(200n)]), folders: split }, blocks(0n, 500n), request(300n, '2.3.13'));
    expect(plan.findings.find((f) => f.code === 'folder-layout-unsupported')?.severity).toBe('warning');
    expect(plan.commands.at(-1)).toContain('--snapshots /mnt/full --incremental-snapshot-archive-path /mnt/ledger');
    const v3 = planRestartSnapshot({ ...inventory([full(200n)]), folders: split }, blocks(0n, 500n), request(300n, '3.0.6'));
    expect(codes(v3)).not.toContain('folder-layout-unsupported');
  });

  it('quotes paths for the shell', () => {
    const spaced = { ledger: '/mnt/my ledger', snapshots: '/mnt/my ledger', fullArchives: "/mnt/it's", incrementalArchives: '/mnt/my ledger' };
    const plan = planRestartSnapshot({ ...inventory([full(200n)]), folders: spaced }, blocks(0n, 500n), request(300n, '3.0.6'));
    expect(plan.commands.at(-1)).toContain("--ledger '/mnt/my ledger'");
    expect(plan.commands.at(-1)).toContain("--full-snapshot-archive-path '/mnt/it'\\''s'");
  });
});

describe('legacy archive formats', () => {
  it('Agave >= 3.0 cannot see tar.bz2 archives: not a base, not moved', () => {
    const plan = planRestartSnapshot(inventory([full(100n), full(200n, { format: 'tar.bz2' }), full(400n, { format: 'tar.gz' })]), blocks(0n, 500n), request(300n, '3.0.6'));
    expect(plan.base?.full.slot).toBe(100n);
    expect(plan.quarantine).toEqual([]);
    expect(plan.findings.find((f) => f.code === 'legacy-archive-format')?.severity).toBe('info');
  });

  it('Agave 2.x loads them: a legacy full can be the base', () => {
    const plan = planRestartSnapshot(inventory([full(100n), full(200n, { format: 'tar.bz2' })]), blocks(0n, 500n), request(300n, '2.3.13'));
    expect(plan.base?.full.slot).toBe(200n);
  });

  it('warns when the base is legacy and the version is unknown', () => {
    const plan = planRestartSnapshot(inventory([full(200n, { format: 'tar' })]), blocks(0n, 500n), request(300n, null));
    expect(plan.findings.find((f) => f.code === 'legacy-archive-format')?.severity).toBe('warning');
  });

  it('explains how to recompress when only legacy archives lie below X on >= 3.0', () => {
    const plan = planRestartSnapshot(inventory([full(200n, { format: 'tar.bz2' })]), blocks(0n, 500n), request(300n, '3.0.6'));
    expect(plan.reachable).toBe(false);
    expect(plan.findings[0]?.remedy).toMatch(/recompress/);
  });
});

describe('bad archives (header checked by plan-service, or not a file at all)', () => {
  const empty = { code: 'empty', message: 'is empty (0 bytes)' } as const;
  const directory = { code: 'not-a-file', message: 'is a directory, not an archive file' } as const;

  it('does not take an empty full as the base: error, on the quarantine list, and the base Agave picks after the move', () => {
    const bad = full(290n, { problem: empty, checked: 'header', size: 0 });
    const plan = planRestartSnapshot(inventory([full(200n), inc(200n, 280n), bad]), blocks(0n, 500n), request(300n));
    expect(plan.base?.full.slot).toBe(200n);
    expect(plan.base?.incremental?.slot).toBe(280n);
    expect(plan.quarantine.map((q) => [q.path, q.reason])).toEqual([[bad.path, 'not loadable (is empty (0 bytes)): Agave would pick it as the base and fail']]);
    const finding = plan.findings.find((f) => f.code === 'bad-archive');
    expect(finding?.severity).toBe('error');
    expect(finding?.message).toBe(`The full archive ${bad.path} is empty (0 bytes); Agave would pick it as the base and fail.`);
    expect(finding?.remedy).toContain(`mv -n -- ${bad.path} ${plan.quarantine[0]?.destination}`);
    expect(finding?.remedy).toContain('the base is then the full archive at 200 with the incremental at 280');
    // Never a "Reachable" while Agave, as the disk stands, would load a bad archive.
    expect(plan.reachable).toBe(false);
    expect(plan.commands).toEqual([]);
  });

  it('sets aside a bad incremental and takes the next one on the same full', () => {
    const bad = inc(200n, 290n, { problem: { code: 'truncated', message: 'is only 2 bytes long' }, checked: 'header' });
    const plan = planRestartSnapshot(inventory([full(200n), inc(200n, 250n), bad]), blocks(0n, 500n), request(300n));
    expect(plan.base?.incremental?.slot).toBe(250n);
    expect(plan.quarantine.map((q) => q.slot)).toEqual([290n]);
    expect(codes(plan)).toContain('bad-archive');
  });

  it('sets aside a bad twin of the chosen base: Agave may take either one', () => {
    const twin = full(200n, { remote: true, hash: hashFor('twin'), problem: directory });
    const plan = planRestartSnapshot(inventory([full(100n), full(200n), twin]), blocks(0n, 500n), request(300n));
    expect(plan.base?.full.path).toBe(full(200n).path);
    expect(plan.quarantine.map((q) => q.path)).toEqual([twin.path]);
    expect(plan.findings.filter((f) => f.code === 'bad-archive').map((f) => f.severity)).toEqual(['error']);
    expect(codes(plan)).not.toContain('duplicate-archive-slot');
  });

  it('is not reachable when every candidate below X is bad, with both findings', () => {
    const plan = planRestartSnapshot(inventory([full(100n, { problem: empty }), full(200n, { problem: directory })]), blocks(0n, 500n), request(300n));
    expect(plan.base).toBeNull();
    expect(plan.quarantine.map((q) => q.slot)).toEqual([100n, 200n]);
    expect(codes(plan)).toEqual(expect.arrayContaining(['bad-archive', 'no-base-snapshot']));
    expect(plan.findings.find((f) => f.code === 'bad-archive')?.remedy).toContain(`no usable archive below 300 remains then`);
  });

  it('moves a bad entry after X as any other, saying what it is; one below the base is an info finding, left in place', () => {
    const after = full(400n, { problem: directory });
    const below = full(100n, { problem: { code: 'unreadable', message: 'is a broken symbolic link (its target does not exist)' } });
    const plan = planRestartSnapshot(inventory([below, full(200n), after]), blocks(0n, 500n), request(300n));
    expect(plan.reachable).toBe(true);
    expect(plan.quarantine.map((q) => [q.slot, q.reason])).toEqual([
      [400n, 'newer than the target: ledger-tool would load it and start after slot 300; it also is a directory, not an archive file'],
    ]);
    const info = plan.findings.find((f) => f.code === 'bad-archive');
    expect(info?.severity).toBe('info');
    expect(info?.message).toContain(`${path.basename(below.path)} is a broken symbolic link`);
  });

  it('gives one finding each to the first five bad archives and one to the rest', () => {
    const bads = Array.from({ length: 40 }, (_, i) => full(BigInt(260 + i), { problem: empty }));
    const plan = planRestartSnapshot(inventory([full(200n), ...bads]), blocks(0n, 500n), request(300n));
    expect(plan.base?.full.slot).toBe(200n);
    expect(plan.quarantine).toHaveLength(40);
    const bad = plan.findings.filter((f) => f.code === 'bad-archive');
    expect(bad).toHaveLength(6);
    expect(bad[0]?.message).toContain('snapshot-299-');
    expect(bad[5]?.message).toMatch(/^35 more archives that Agave would pick in turn cannot be loaded either \(snapshot-294-/);
  });

  it('chooseUsableBase lists what it set aside, in the order Agave would have tried them', () => {
    const bad1 = full(300n, { problem: empty });
    const bad2 = inc(200n, 250n, { problem: empty });
    const { base, blocking } = chooseUsableBase([full(200n), inc(200n, 220n), bad2, bad1], 400n);
    expect(blocking).toEqual([bad1, bad2]);
    expect([base?.full.slot, base?.incremental?.slot]).toEqual([200n, 220n]);
  });
});

describe('X = 0', () => {
  it('says that no snapshot can lie below slot 0, instead of asking for one', () => {
    const plan = planRestartSnapshot(inventory([full(100n)]), blocks(0n, 500n), request(0n));
    const finding = plan.findings.find((f) => f.code === 'no-base-snapshot');
    expect(finding?.message).toBe('Slot 0 is the genesis slot: no snapshot can lie below it, so none can be replayed up to it.');
    expect(finding?.remedy).toMatch(/^Check --slot/);
    expect(JSON.stringify(plan.findings)).not.toContain('below 0');
  });
});

describe('invariants over random ledgers', () => {
  // A small deterministic PRNG so a failure names a reproducible seed.
  function rng(seed: number) {
    let s = seed >>> 0;
    return (n: number) => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s % n;
    };
  }

  it('after the moves, Agave would pick exactly the planned base, and nothing left is at or after X', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = rng(seed);
      const fulls = Array.from({ length: 1 + next(5) }, () => BigInt(next(50) * 10));
      const archives = [...new Set(fulls)].map((s) => full(s));
      for (let i = next(8); i > 0; i--) {
        const base = fulls[next(fulls.length)] as bigint;
        archives.push(inc(base, base + 1n + BigInt(next(60))));
      }
      const X = BigInt(next(500));
      const plan = planRestartSnapshot(inventory(archives), blocks(0n, 1000n), request(X));
      const moved = new Set(plan.quarantine.map((q) => q.path));
      const left = archives.filter((a) => !moved.has(a.path));
      expect(left.every((a) => a.slot < X), `seed ${seed}`).toBe(true);
      // Agave's own choice over what is left, with no cap on X:
      const agave = chooseBase(left, 2n ** 64n);
      expect(agave?.full.path, `seed ${seed}`).toBe(plan.base?.full.path);
      expect(agave?.incremental?.path ?? null, `seed ${seed}`).toBe(plan.base?.incremental?.path ?? null);
      expect(plan.reachable, `seed ${seed}`).toBe(plan.base !== null);
    }
  });

  it('with bad archives among them: after the moves, Agave picks the planned base, and it is a good one', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = rng(seed);
      const bad = () => (next(3) === 0 ? { problem: { code: 'empty', message: 'is empty (0 bytes)' } as const } : {});
      const fulls = [...new Set(Array.from({ length: 1 + next(5) }, () => BigInt(next(50) * 10)))];
      const archives = fulls.map((s) => full(s, bad()));
      for (let i = next(8); i > 0; i--) {
        const base = fulls[next(fulls.length)] as bigint;
        archives.push(inc(base, base + 1n + BigInt(next(60)), bad()));
      }
      const X = BigInt(next(500));
      const plan = planRestartSnapshot(inventory(archives), blocks(0n, 1000n), request(X));
      const moved = new Set(plan.quarantine.map((q) => q.path));
      const left = archives.filter((a) => !moved.has(a.path));
      const agave = chooseBase(left, 2n ** 64n);
      expect(agave?.full.path, `seed ${seed}`).toBe(plan.base?.full.path);
      expect(agave?.incremental?.path ?? null, `seed ${seed}`).toBe(plan.base?.incremental?.path ?? null);
      expect(agave?.full.problem ?? agave?.incremental?.problem, `seed ${seed}`).toBeUndefined();
      // Reachable only when no bad archive had to be moved aside to get there.
      const movedBad = archives.some((a) => a.problem && a.slot < X && moved.has(a.path));
      expect(plan.reachable, `seed ${seed}`).toBe(plan.base !== null && !movedBad);
    }
  });
});
