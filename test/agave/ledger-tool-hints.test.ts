import { describe, expect, it } from 'vitest';
import { hintFor } from '../../src/agave/ledger-tool/ledger-tool.js';

// Real failure texts of agave-ledger-tool (ledger_utils.rs, main.rs) → what to do next.
describe('ledger-tool failure hints', () => {
  it.each([
    ['Exiting. Failed to load and process ledger: failed to process blockstore from starting slot 289625000 to ending slot 289624982; the ending slot is less than the starting slot. The starting slot is either…', /newer than the target is still in a snapshot folder/],
    ['Unable to process blockstore from starting slot 289625000 to 289624982; the ending slot is less than the starting slot.', /newer than the target/],
    ['Error: snapshot slot 289624982 does not exist in blockstore or is not full.', /lacks the target slot: see snapplan blockstore --slot X/],
    ['Exiting. Failed to load and process ledger: … the blockstore does not contain a replayable sequence of blocks between these slots', /lacks blocks between the base snapshot and the target/],
    ['Capitalization change: 1500 lamports\nBut `--enable-capitalization-change flag not provided', /pass --enable-capitalization-change/],
    ["error: Found argument '--snapshot-archive-path' which wasn't expected, or isn't valid in this context", /takes other flags/],
    ['IO error: While lock file: /mnt/ledger/rocksdb/LOCK: Resource temporarily unavailable', /validator is probably still running/],
  ])('%s', (output, hint) => {
    expect(hintFor(output, false)).toMatch(hint);
  });

  it('a time-out names the flag of the call that timed out, never --blocks', () => {
    expect(hintFor('', true)).toMatch(/Raise --ledger-tool-timeout/);
    expect(hintFor('', true, { timeoutFlag: '--create-timeout', boundsCall: false })).toMatch(/^Raise --create-timeout/);
    expect(hintFor('', true, { timeoutFlag: '--create-timeout', boundsCall: false })).not.toMatch(/--ledger-tool-timeout|--bounds-from/);
    for (const timedOut of [true, false]) expect(hintFor('whatever', timedOut)).not.toContain('--blocks');
  });
});
