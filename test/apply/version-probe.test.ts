import { describe, expect, it } from 'vitest';
import { VERSION_PROBE_TIMEOUT_MS } from '../../src/agave/ledger-tool/ledger-tool.js';
import { restartLedger, X } from '../support/restart-ledger.js';
import { runMain } from '../support/run-cli.js';
import { fingerprintTree } from '../support/tree-snapshot.js';
import { toolWrapper } from './helpers.js';

// Issue 11 item 9: the --version probe has a short limit of its own and its failure degrades.
describe('the ledger tool\'s --version probe', () => {
  it('is a few seconds, not --ledger-tool-timeout', () => {
    expect(VERSION_PROBE_TIMEOUT_MS).toBeLessThanOrEqual(5_000);
  });

  it('a hung --version: plan still answers (default --ledger-tool-timeout 300), version unknown, the finding says why', async () => {
    const { root, L, env, bin } = await restartLedger();
    const { script } = await toolWrapper(bin, { versionHangs: true });
    const run = await runMain(['plan', '--ledger', L, '--slot', X, '--ledger-tool', script, '--json'], { cwd: root, env });
    expect(run.exitCode, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    const finding = doc.findings.find((f: { code: string }) => f.code === 'ledger-tool-version-unknown');
    expect(finding.message).toMatch(new RegExp(`^agave-ledger-tool --version did not finish within ${VERSION_PROBE_TIMEOUT_MS / 1000} s and was stopped\\. The ledger-tool version is unknown`));
    expect(finding.remedy).toContain(`Check that ${script} --version answers at once`);
    expect(finding.remedy).not.toContain('--blocks');
  });

  it('a failing --version (exit 1) does not fail the plan, even with --ledger-tool given', async () => {
    const { root, L, env, bin } = await restartLedger();
    const { script } = await toolWrapper(bin, { versionFails: true });
    const run = await runMain(['plan', '--ledger', L, '--slot', X, '--ledger-tool', script], { cwd: root, env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/agave-ledger-tool --version exited with code 1\. The ledger-tool version is unknown/);
  });

  it('bounds from ledger-tool still needs the tool to answer bounds: the version alone does not matter', async () => {
    const { root, L, env, bin } = await restartLedger();
    const { script } = await toolWrapper(bin, { versionFails: true });
    const run = await runMain(['plan', '--ledger', L, '--slot', X, '--ledger-tool', script, '--bounds-from', 'ledger-tool', '--json'], { cwd: root, env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).blocks.source).toBe('ledger-tool');
  });

  it('apply needs the version to pick create-snapshot\'s flags: refused before anything changes, exit 2', async () => {
    const { root, L, env, bin } = await restartLedger();
    const { script } = await toolWrapper(bin, { versionFails: true });
    const before = (await fingerprintTree(root)).filter((l) => !l.startsWith('bin/tool.pid') && !l.startsWith('bin mode=') && !l.startsWith('ledger mode='));
    const run = await runMain(['apply', '--ledger', L, '--slot', X, '--yes', '--ledger-tool', script], { cwd: root, env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/agave-ledger-tool --version exited with code 1\. apply needs the ledger tool's release to choose the folder flags of create-snapshot; nothing was changed\./);
    expect(run.stderr).not.toContain('--blocks');
    expect((await fingerprintTree(root)).filter((l) => !l.startsWith('bin/tool.pid') && !l.startsWith('bin mode=') && !l.startsWith('ledger mode='))).toEqual(before);
  });
});
