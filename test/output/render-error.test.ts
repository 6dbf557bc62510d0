import { describe, expect, it } from 'vitest';
import { BugError, ExternalError, FileOperationError, UserError } from '../../src/core/errors.js';
import { renderError, type RenderErrorOptions, type VersionInfo } from '../../src/output/render-error.js';
import { errorReport } from '../../src/jobs/steps.js';

const VERSIONS: VersionInfo = { version: '0.1.0', commit: '0123456789ab', node: 'v20.20.2', platform: 'linux x64' };
const options = (extra: Partial<RenderErrorOptions> = {}): RenderErrorOptions => ({ versions: () => VERSIONS, debug: false, ...extra });
const TOOL_FAILED = new ExternalError('agave-ledger-tool bounds exited with code 1.', { command: 'agave-ledger-tool', args: ['bounds'], exitCode: 1, outputTail: 'Error: no rocksdb\nat /mnt/ledger' }, { hint: 'Check --ledger.' });

describe('renderError: one way to print an error', () => {
  it('prints one sentence and the hint for a refusal, and no stack', () => {
    expect(renderError(new UserError('--slot "x" is not a slot.', { hint: 'Give X from the announcement.' }), options())).toBe('snapplan: --slot "x" is not a slot.\nGive X from the announcement.\n');
  });

  it('prints a tool\'s last lines between the sentence and the hint, from the outputTail getter', () => {
    expect(TOOL_FAILED.outputTail).toBe('Error: no rocksdb\nat /mnt/ledger');
    expect(renderError(TOOL_FAILED, options())).toBe('snapplan: agave-ledger-tool bounds exited with code 1.\n  | Error: no rocksdb\n  | at /mnt/ledger\nCheck --ledger.\n');
  });

  it('prints a failure a job reported in its result the same way as a thrown one', () => {
    // ErrorReport (what backup, restore, k8s and devicedb put in their documents) keeps the tail.
    const report = errorReport(TOOL_FAILED);
    expect(report.outputTail).toBe('Error: no rocksdb\nat /mnt/ledger');
    expect(renderError(report, options())).toBe(renderError(TOOL_FAILED, options()));
  });

  it('has no tail for errors without one', () => {
    const error = new FileOperationError('Cannot rename a to b: EXDEV.', { operation: 'rename', path: 'a', code: 'EXDEV' });
    expect(error.outputTail).toBeUndefined();
    expect(renderError(error, options())).toBe('snapplan: Cannot rename a to b: EXDEV.\n');
  });

  it('adds the stack of an ordinary error only under SNAPPLAN_DEBUG', () => {
    const error = new UserError('refused.');
    expect(renderError(error, options({ debug: true }))).toContain(`snapplan: refused.\n${error.stack}`);
  });

  it('turns a BugError into a bug report with the versions, the stack and the cwd blanked out', () => {
    const error = new BugError('findLedgerTool returned no tool.');
    error.stack = 'BugError: findLedgerTool returned no tool.\n    at preparePlan (/home/op/snapplan/dist/x.js:1:1)\n    at /home/op/work/ledger';
    const text = renderError(error, options({ command: 'plan', cwd: '/home/op/work' }));
    expect(text).toContain('snapplan: findLedgerTool returned no tool.\n\nThis is a bug in snapplan.\n');
    expect(text).toContain('Unexpected error during snapplan plan\n');
    expect(text).toContain('    at preparePlan (/home/op/snapplan/dist/x.js:1:1)\n    at <cwd>/ledger');
    expect(text).toContain('- snapplan 0.1.0 (commit 0123456789ab)\n- Node.js v20.20.2\n- linux x64');
  });

  it('treats anything that is not a snapplan error as a bug, with a prefilled link when package.json names the tracker', () => {
    const text = renderError(new TypeError('text.trim is not a function'), options({ command: 'plan', versions: () => ({ ...VERSIONS, bugsUrl: 'https://example.org/snapplan/issues' }) }));
    expect(text.split('\n')[0]).toBe('snapplan: unexpected error: text.trim is not a function');
    const link = text.split('\n').find((line) => line.startsWith('https://'));
    const url = new URL(link ?? '');
    expect(url.origin + url.pathname).toBe('https://example.org/snapplan/issues/new');
    expect(url.searchParams.get('title')).toBe('Unexpected error during snapplan plan');
    expect(url.searchParams.get('body')).toContain('TypeError: text.trim is not a function');
    expect(url.searchParams.get('body')).toContain('- Node.js v20.20.2');
  });

  it('reads the versions only for bugs', () => {
    let asked = 0;
    renderError(new UserError('no.'), options({ versions: () => (asked++, VERSIONS) }));
    expect(asked).toBe(0);
    renderError('a thrown string', options({ versions: () => (asked++, VERSIONS) }));
    expect(asked).toBe(1);
  });
});
