import { describe, expect, it } from 'vitest';
import type { OptionSpec } from '../../src/cli/define-command.js';
import { readOptionValue } from '../../src/cli/option-values.js';
import { UserError } from '../../src/core/errors.js';

const KEEP: OptionSpec = { type: 'integer', min: 1, describe: '' };
const LEVEL: OptionSpec = { type: 'integer', min: 1, max: 19, default: 3, describe: '' };
const FACTOR: OptionSpec = { type: 'number', min: 0, default: 0.6, describe: '' };
const TIMEOUT: OptionSpec = { type: 'seconds', default: 300, describe: '' };
const CREATE: OptionSpec = { type: 'seconds', zero: 'no limit', default: 0, describe: '' };
const PATH: OptionSpec = { type: 'path', describe: '' };
const TEXT: OptionSpec = { type: 'string', describe: '' };
const LIST: OptionSpec = { type: 'string', array: true, describe: '' };

describe('readOptionValue: what each kind of option accepts', () => {
  it.each([
    ['--keep', KEEP, '7', 7],
    ['--keep', KEEP, ['7', '7'], 7],
    ['--zstd-level', LEVEL, '19', 19],
    ['--zstd-level', LEVEL, 3, 3], // the default arrives as a number
    ['--space-factor', FACTOR, '0', 0],
    ['--space-factor', FACTOR, '0.25', 0.25],
    ['--ledger-tool-timeout', TIMEOUT, '1.5', 1.5],
    ['--ledger-tool-timeout', TIMEOUT, ' 600 ', 600],
    ['--create-timeout', CREATE, '0', 0],
    ['--ledger', PATH, '/mnt/ledger', '/mnt/ledger'],
    ['--ledger', PATH, ['L', 'L'], 'L'],
    ['--name', TEXT, '', ''],
    ['--exclude', LIST, ['a', 'b', 'a'], ['a', 'b', 'a']],
    ['--exclude', LIST, 'a', ['a']],
  ] as const)('%s %j → %j', (flag, spec, raw, expected) => {
    expect(readOptionValue(flag, spec, raw)).toEqual(expected);
  });

  it.each([
    ['--keep', KEEP, 'abc', '--keep "abc" is not a whole number ≥ 1.', 'Give a whole number ≥ 1, e.g. --keep 1.'],
    ['--keep', KEEP, '0', '--keep "0" is not a whole number ≥ 1.', undefined],
    ['--keep', KEEP, '1.5', '--keep "1.5" is not a whole number ≥ 1.', undefined],
    ['--keep', KEEP, '0x10', '--keep "0x10" is not a whole number ≥ 1.', undefined],
    ['--zstd-level', LEVEL, '20', '--zstd-level "20" is not a whole number from 1 to 19.', 'Give a whole number from 1 to 19, e.g. --zstd-level 3.'],
    ['--space-factor', FACTOR, '-1', '--space-factor "-1" is not a number ≥ 0.', undefined],
    ['--space-factor', FACTOR, 'NaN', '--space-factor "NaN" is not a number ≥ 0.', undefined],
    ['--ledger-tool-timeout', TIMEOUT, 'abc', '--ledger-tool-timeout "abc" is not a positive number of seconds.', 'For example --ledger-tool-timeout 300.'],
    ['--ledger-tool-timeout', TIMEOUT, '0', '--ledger-tool-timeout 0 is not a positive number of seconds.', undefined],
    ['--ledger-tool-timeout', TIMEOUT, '-5', '--ledger-tool-timeout "-5" is not a positive number of seconds.', undefined],
    ['--ledger-tool-timeout', TIMEOUT, 'Infinity', '--ledger-tool-timeout "Infinity" is not a positive number of seconds.', undefined],
    ['--create-timeout', CREATE, 'soon', '--create-timeout "soon" is not a number of seconds (0: no limit).', undefined],
    ['--ledger', PATH, '', '--ledger was given an empty path.', 'Name the file or folder after --ledger (a relative path is taken from the current folder).'],
    ['--slot', TEXT, ['5', '6'], '--slot was given 2 times with different values ("5", "6").', 'Give --slot once, with the value you mean.'],
    ['--ledger', PATH, ['a', 'b', 'a'], '--ledger was given 3 times with different values ("a", "b").', undefined],
  ] as const)('%s %j is refused', (flag, spec, raw, message, hint) => {
    let error: unknown;
    try {
      readOptionValue(flag, spec, raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(message);
    if (hint !== undefined) expect((error as UserError).hint).toBe(hint);
  });
});
