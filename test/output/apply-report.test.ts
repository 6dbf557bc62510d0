import { describe, expect, it } from 'vitest';
import { temporaryFlagList } from '../../src/output/apply-report.js';

describe('the restart flags to remove after the restart', () => {
  it('names only the flags that were printed, and keeps --expected-shred-version', () => {
    const printed = ['--wait-for-supermajority', '289624982', '--expected-bank-hash', 'H', '--expected-shred-version', '62405', '--no-snapshot-fetch'];
    expect(temporaryFlagList(printed)).toBe('--wait-for-supermajority, --expected-bank-hash and --no-snapshot-fetch');
    expect(temporaryFlagList([...printed, '--hard-fork', '289624982'])).toBe('--wait-for-supermajority, --expected-bank-hash, --no-snapshot-fetch and --hard-fork');
    expect(temporaryFlagList(['--no-snapshot-fetch'])).toBe('--no-snapshot-fetch');
  });
});
