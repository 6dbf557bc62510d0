import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, chooseKillPoints, crashThenUndo, makeTemplate, runPool, traceSteps } from './fault-harness.js';
import type { Scenario, Template } from './fault-harness.js';
import { cleanupTemp, otherFilesystem, tempDir } from './helpers.js';

// Fault injection, copy path: forced copy on the same filesystem, and a real move across
// filesystems (/tmp → /dev/shm) when this machine has one. SIGKILL at many steps (inside
// chunked copies of 3 MiB files, between verification and deletion…), then undo; every file
// must be back with the same bytes and nothing left twice. Needs `npm run build`.
const shm = otherFilesystem();
const forced: Scenario = { name: 'forced copy', forceCopy: true, backupBase: () => tempDir('snapplan-fault-backup-') };
const cross: Scenario = { name: 'across filesystems', forceCopy: false, backupBase: () => tempDir('snapplan-fault-backup-', shm ?? undefined) };

let template: Template;

beforeAll(async () => {
  assertBuilt();
  template = await makeTemplate();
}, 60_000);
afterAll(cleanupTemp);

describe('fault injection: copy path', () => {
  it('forced copy: survives SIGKILL at ≥25 distinct steps, and of the undo itself', { timeout: 120_000 }, async () => {
    const points = chooseKillPoints(await traceSteps(template, forced), 25);
    expect(points.length).toBeGreaterThanOrEqual(25);
    await runPool(points, (point) => crashThenUndo(template, forced, point));
    const cases: [number | null, number][] = [[300, 5], [1200, 40], [null, 90]];
    await runPool(cases, ([q, u]) => crashThenUndo(template, forced, q, u));
  });

  it.skipIf(shm === null)('across filesystems: survives SIGKILL at ≥15 distinct steps, and of the undo itself', { timeout: 120_000 }, async () => {
    const points = chooseKillPoints(await traceSteps(template, cross), 15);
    expect(points.length).toBeGreaterThanOrEqual(15);
    await runPool(points, (point) => crashThenUndo(template, cross, point));
    const cases: [number | null, number][] = [[700, 20], [null, 60], [null, 700]];
    await runPool(cases, ([q, u]) => crashThenUndo(template, cross, q, u));
  });
});
