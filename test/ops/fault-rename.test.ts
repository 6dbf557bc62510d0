import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, chooseKillPoints, crashThenUndo, makeTemplate, runPool, traceSteps } from './fault-harness.js';
import type { Scenario, Template } from './fault-harness.js';
import { cleanupTemp, tempDir } from './helpers.js';

// Fault injection, same filesystem (rename path): SIGKILL at many steps of a quarantine of
// ~270 files, then undo; every file must be back with the same bytes. Needs `npm run build`.
const scenario: Scenario = { name: 'rename', forceCopy: false, backupBase: () => tempDir('snapplan-fault-backup-') };

let template: Template;
let points: number[] = [];

beforeAll(async () => {
  assertBuilt();
  template = await makeTemplate();
  points = chooseKillPoints(await traceSteps(template, scenario), 30);
}, 60_000);
afterAll(cleanupTemp);

describe('fault injection: rename path', () => {
  it('survives SIGKILL at ≥30 distinct steps of the quarantine', { timeout: 120_000 }, async () => {
    expect(points.length).toBeGreaterThanOrEqual(30);
    await runPool(points, (point) => crashThenUndo(template, scenario, point));
  });

  it('survives SIGKILL of the undo itself, then a second undo', { timeout: 60_000 }, async () => {
    const cases: [number | null, number][] = [[40, 3], [120, 10], [200, 25], [null, 4], [null, 30], [null, 150]];
    await runPool(cases, ([quarantineKill, undoKill]) => crashThenUndo(template, scenario, quarantineKill, undoKill));
  });
});
