// Child process for the fault-injection suite (test/ops/fault-*.test.ts). It runs the compiled
// engine from dist/ (run `npm run build` first) so it can be killed with SIGKILL at any step:
// SNAPPLAN_TEST_KILL_AFTER=<n> with SNAPPLAN_I_AM_A_TEST_HARNESS=fault-injection arms
// src/ops/kill-point.ts (fault-harness.ts sets both). Without them, it runs to the end and
// prints how many steps it passed, which the test uses to choose kill points.
//
// Usage: node quarantine-child.mjs '<json>'
//   {"mode":"quarantine","ledger":…,"backupDir":…,"items":[…],"keep":[…],"forceCopy":bool}
//   {"mode":"undo","journal":…,"forceCopy":bool}
import { killPointSteps } from '../../../dist/ops/kill-point.js';
import { preserveCopies } from '../../../dist/ops/preserve-copies.js';
import { closeQuarantine, createQuarantine } from '../../../dist/ops/quarantine-dir.js';
import { quarantine } from '../../../dist/ops/quarantine.js';
import { undo } from '../../../dist/ops/undo.js';

const config = JSON.parse(process.argv[2] ?? '{}');

if (config.mode === 'quarantine') {
  const q = await createQuarantine({
    backupDir: config.backupDir,
    ledger: config.ledger,
    targetSlot: 300n,
    toolVersion: '0.0.0-fault-test',
  });
  await preserveCopies(config.keep, { quarantineDir: q.dir, journal: q.journal, forceCopy: config.forceCopy });
  await quarantine(config.items, { quarantineDir: q.dir, journal: q.journal, forceCopy: config.forceCopy, batchSize: 40 });
  await closeQuarantine(q.journal, 'complete');
} else if (config.mode === 'undo') {
  const result = await undo(config.journal, { forceCopy: config.forceCopy });
  if (result.conflicts.length > 0 || result.missing.length > 0) {
    process.stderr.write(`undo incomplete: ${result.conflicts.map((c) => c.message).join('; ')} missing: ${result.missing.join(', ')}\n`);
    process.exitCode = 1;
  }
} else {
  throw new Error(`unknown mode ${config.mode}`);
}
process.stdout.write(`steps=${killPointSteps()}\n`);
