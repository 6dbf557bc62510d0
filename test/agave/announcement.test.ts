import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAnnouncement, mergeAnnouncement, type Announcement } from '../../src/agave/announcement/announcement.js';
import { announcementFromArgs } from '../../src/cli/options/announcement-options.js';
import { UserError } from '../../src/core/errors.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import { tempDir } from '../support/temp-dir.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/announcements');
const HASH = '9bDxQgg7BHwiQLz9wGujZSaKsoNnrHWgsfLiMzdahD5W';
const GATE = '5syhxu91W32HXjswMSToKdj9o123MY7XRULdjfiXx54p';

/** A complete, valid document in file keys; each case below changes one key. */
const VALID: Record<string, unknown> = {
  cluster: 'testnet',
  'ledger-tool-version': '3.1.7',
  'snapshot-slot': 383520371,
  'restart-slot': 383520372,
  'hard-forks': [383520372],
  'deactivate-feature-gates': [GATE],
  'expected-bank-hash': HASH,
  'expected-shred-version': 27350,
  'validator-hard-fork': false,
};

async function write(name: string, text: string): Promise<{ dir: string; file: string }> {
  const dir = await tempDir();
  const file = path.join(dir, name);
  await writeFile(file, text);
  return { dir, file };
}

async function loadError(name: string, text: string): Promise<UserError> {
  const { dir } = await write(name, text);
  const error = await loadAnnouncement(name, dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe('loadAnnouncement: the shipped examples', () => {
  it('reads the January 2026-shaped YAML: hard fork at X+1, every value typed, every source named', async () => {
    const a = await loadAnnouncement('testnet-2026-01-22.yaml', FIXTURES);
    expect(a).toMatchObject({
      cluster: 'testnet',
      ledgerToolVersion: '3.1.7',
      snapshotSlot: 383520371n,
      restartSlot: 383520372n,
      hardForks: [383520372n],
      deactivateFeatureGates: [GATE],
      expectedBankHash: HASH,
      expectedShredVersion: 27350,
      validatorHardFork: false,
    });
    expect(a.sources.restartSlot).toBe('restart-slot in testnet-2026-01-22.yaml');
    expect(a.sources.hardForks).toBe('hard-forks in testnet-2026-01-22.yaml');
    expect(a.destakeVoteAccounts).toBeUndefined();
    expect(a.sources.destakeVoteAccounts).toBeUndefined();
  });

  it('reads the February 2024-shaped YAML: hard fork at X, snapshot at X+1', async () => {
    const a = await loadAnnouncement(path.join(FIXTURES, 'testnet-2024-02-21.yaml'), '/');
    expect(a.snapshotSlot).toBe(254108256n);
    expect(a.restartSlot).toBe(254108257n);
    expect(a.hardForks).toEqual([254108256n]);
    expect(a.expectedShredVersion).toBe(35459);
    expect(a.ledgerToolVersion).toBeUndefined();
  });
});

describe('loadAnnouncement: YAML and JSON', () => {
  it.each([
    ['ann.json', JSON.stringify(VALID)],
    ['ann.txt', JSON.stringify(VALID, null, 2)], // JSON recognised by its brace
    ['ann.yml', Object.entries(VALID).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n')],
  ])('%s gives the same values', async (name, text) => {
    const { dir } = await write(name, text);
    const a = await loadAnnouncement(name, dir);
    expect(a.restartSlot).toBe(383520372n);
    expect(a.hardForks).toEqual([383520372n]);
    expect(a.expectedShredVersion).toBe(27350);
    expect(a.sources.expectedShredVersion).toBe(`expected-shred-version in ${name}`);
  });

  it('keeps u64 slots above 2^53 exact, unquoted in YAML or quoted in JSON', async () => {
    const big = '18446744073709551615';
    const yaml = await write('big.yaml', `snapshot-slot: ${big}\nrestart-slot: ${big}\nhard-forks: [${big}]\nexpected-bank-hash: ${HASH}\nexpected-shred-version: 1\n`);
    expect((await loadAnnouncement(yaml.file, '/')).restartSlot).toBe(BigInt(big));
    const json = await write('big.json', JSON.stringify({ ...VALID, 'snapshot-slot': big, 'restart-slot': big, 'hard-forks': [big] }));
    expect((await loadAnnouncement(json.file, '/')).hardForks).toEqual([BigInt(big)]);
  });

  it('accepts "v3.1.7" and stores 3.1.7', async () => {
    const { file } = await write('v.json', JSON.stringify({ ...VALID, 'ledger-tool-version': 'v3.1.7' }));
    expect((await loadAnnouncement(file, '/')).ledgerToolVersion).toBe('3.1.7');
  });
});

describe('loadAnnouncement: one clear error per bad key (exit 2)', () => {
  it.each(['snapshot-slot', 'restart-slot', 'hard-forks', 'expected-bank-hash', 'expected-shred-version'])('missing %s', async (key) => {
    const doc = { ...VALID };
    delete doc[key];
    const error = await loadError('ann.json', JSON.stringify(doc));
    expect(error.exitCode).toBe(ExitCode.Usage);
    expect(error.message).toBe(`The announcement ann.json is not valid: ${key} is missing.`);
  });

  it.each([
    ['cluster', '', 'non-empty text'],
    ['ledger-tool-version', 'latest', 'a release such as "3.1.7"'],
    ['snapshot-slot', -1, 'a slot'],
    ['snapshot-slot', 1.5, 'a slot'],
    ['restart-slot', 'next', 'a slot'],
    ['hard-forks', 383520372, 'a list of distinct slots'],
    ['hard-forks', [383520372, 383520372], 'a list of distinct slots'],
    ['hard-forks', ['x'], 'a list of distinct slots'],
    ['deactivate-feature-gates', GATE, 'a list of distinct base58 public keys'],
    ['destake-vote-accounts', ['0OIl'], 'a list of distinct base58 public keys'],
    ['remove-accounts', [1], 'a list of distinct base58 public keys'],
    ['expected-bank-hash', 'not base58!', 'a base58 hash of 32 bytes'],
    ['expected-shred-version', 0, 'a whole number from 1 to 65535'],
    ['expected-shred-version', 65536, 'a whole number from 1 to 65535'],
    ['expected-shred-version', '27350', 'a whole number from 1 to 65535'],
    ['validator-hard-fork', 'yes', 'true or false'],
  ])('%s = %j', async (key, value, expected) => {
    const error = await loadError('ann.json', JSON.stringify({ ...VALID, [key]: value }));
    expect(error.message).toContain(`${key} ${JSON.stringify(value)} is not ${expected}`);
    // Exactly one problem: the other keys are fine.
    expect(error.message.split(';')).toHaveLength(1);
    expect(error.hint).toContain('ann.json');
  });

  it('names every bad key at once, in a stable order', async () => {
    const doc: Record<string, unknown> = { ...VALID, 'restart-slot': 'x', 'expected-shred-version': 0 };
    delete doc['hard-forks'];
    const error = await loadError('ann.json', JSON.stringify(doc));
    expect(error.message).toBe(
      'The announcement ann.json is not valid: restart-slot "x" is not a slot (a whole number from 0 to 2^64-1); hard-forks is missing; expected-shred-version 0 is not a whole number from 1 to 65535.',
    );
  });

  it('refuses an unknown key and suggests the right one', async () => {
    const error = await loadError('ann.yaml', `${Object.entries(VALID).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n')}\nhard_fork: [1]\n`);
    expect(error.message).toContain('hard_fork is not a known key (did you mean hard-forks?)');
  });

  it.each([
    ['a slot beyond u64', { 'restart-slot': '18446744073709551616' }, 'restart-slot "18446744073709551616" is larger than the largest slot'],
    ['a base58 hash that is not 32 bytes', { 'expected-bank-hash': '11111111111111111111111111111111111' }, 'expected-bank-hash "11111111111111111111111111111111111" is not a base58 hash of 32 bytes'],
    ['a gate key that is not 32 bytes', { 'deactivate-feature-gates': ['1111111111111111111111111111111111'] }, 'deactivate-feature-gates holds "1111111111111111111111111111111111"'],
  ])('refuses %s (checks JSON Schema cannot express)', async (_name, change, expected) => {
    const error = await loadError('ann.json', JSON.stringify({ ...VALID, ...change }));
    expect(error.message).toContain(expected);
  });

  it('refuses a JSON number too large to be exact (JSON.parse would round it)', async () => {
    const text = JSON.stringify({ ...VALID, 'snapshot-slot': 0 }).replace('"snapshot-slot":0', '"snapshot-slot":9007199254740993');
    const error = await loadError('ann.json', text);
    expect(error.message).toContain('snapshot-slot 9007199254740992 is larger than the largest slot (18446744073709551615), or was written as a number too large to be exact (quote it)');
  });

  it.each([
    ['a list', 'ann.yaml', '- 1\n- 2\n', 'it must be a mapping of keys'],
    ['an empty file', 'ann.yaml', '', 'it must be a mapping of keys'],
    ['broken JSON', 'ann.json', '{"restart-slot": ', 'is not valid JSON'],
    ['broken YAML', 'ann.yaml', 'restart-slot: [1\nhard-forks: 2', 'is not valid YAML'],
    ['a key twice in YAML', 'ann.yaml', 'restart-slot: 1\nrestart-slot: 2\n', 'is not valid YAML'],
  ])('refuses %s', async (_name, file, text, expected) => {
    const error = await loadError(file, text);
    expect(error.message).toContain(expected);
    expect(error.message).toContain(file);
  });

  it('refuses a file that is not there, naming the flag and the path', async () => {
    const dir = await tempDir();
    const error = await loadAnnouncement('nope.yaml', dir).catch((e: unknown) => e as UserError);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('--announcement nope.yaml cannot be read: there is no such file.');
  });
});

describe('mergeAnnouncement: flags win nothing', () => {
  const file: Announcement = {
    restartSlot: 383520372n,
    hardForks: [383520372n],
    expectedShredVersion: 27350,
    sources: { restartSlot: 'restart-slot in ann.yaml', hardForks: 'hard-forks in ann.yaml', expectedShredVersion: 'expected-shred-version in ann.yaml' },
  };

  it('a flag that differs from the file is refused, naming both', () => {
    expect(() => mergeAnnouncement(file, { restartSlot: 383520371n })).toThrow(/^--restart-slot 383520371 differs from restart-slot in ann.yaml \(383520372\)\.$/);
    expect(() => mergeAnnouncement(file, { hardForks: [383520371n] })).toThrow('--hard-fork 383520371 differs from hard-forks in ann.yaml (383520372)');
    expect(() => mergeAnnouncement(file, { hardForks: [383520372n, 383520371n] })).toThrow('--hard-fork 383520372, 383520371 differs');
  });

  it('every conflict is named in one refusal', () => {
    expect(() => mergeAnnouncement(file, { restartSlot: 1n, expectedShredVersion: 1 })).toThrow(
      '--restart-slot 1 differs from restart-slot in ann.yaml (383520372); --expected-shred-version 1 differs from expected-shred-version in ann.yaml (27350).',
    );
  });

  it('an equal flag is accepted and the file stays the source', () => {
    const merged = mergeAnnouncement(file, { restartSlot: 383520372n, hardForks: [383520372n] });
    expect(merged.restartSlot).toBe(383520372n);
    expect(merged.sources.restartSlot).toBe('restart-slot in ann.yaml');
  });

  it('a flag fills a key the file leaves out, and is named as the source', () => {
    const merged = mergeAnnouncement(file, { expectedBankHash: HASH, snapshotSlot: 383520371n });
    expect(merged.expectedBankHash).toBe(HASH);
    expect(merged.sources.expectedBankHash).toBe('--expected-bank-hash');
    expect(merged.sources.snapshotSlot).toBe('--slot');
  });

  it('without a file, the flags are the announcement', () => {
    const merged = mergeAnnouncement(null, { restartSlot: 5n, validatorHardFork: true });
    expect(merged).toEqual({ restartSlot: 5n, validatorHardFork: true, sources: { restartSlot: '--restart-slot', validatorHardFork: '--validator-hard-fork' } });
  });
});

describe('announcementFromArgs', () => {
  it('reads the file relative to cwd and merges the flags', async () => {
    const a = await announcementFromArgs({ announcement: 'testnet-2026-01-22.yaml', slot: '383520371', hardFork: ['383520372'], deactivateFeatureGate: [] }, FIXTURES);
    expect(a.snapshotSlot).toBe(383520371n);
    expect(a.sources.snapshotSlot).toBe('snapshot-slot in testnet-2026-01-22.yaml');
    expect(a.deactivateFeatureGates).toEqual([GATE]);
  });

  it('--slot differing from snapshot-slot in the file is refused (exit 2)', async () => {
    const error = await announcementFromArgs({ announcement: 'testnet-2026-01-22.yaml', slot: '383520372' }, FIXTURES).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('--slot 383520372 differs from snapshot-slot in testnet-2026-01-22.yaml (383520371).');
  });

  it.each([
    [{ restartSlot: 'x' }, '--restart-slot "x" is not a valid slot'],
    [{ hardFork: ['1', '-2'] }, '--hard-fork "-2" is not a valid slot'],
    [{ expectedShredVersion: '70000' }, '--expected-shred-version "70000" is not a shred version'],
    [{ expectedBankHash: 'abc' }, '--expected-bank-hash "abc" is not a base58 hash of 32 bytes'],
    [{ removeAccount: ['abc'] }, '--remove-account "abc" is not a base58 public key'],
    [{ ledgerToolVersion: '3.1' }, '--ledger-tool-version "3.1" is not a release number'],
    [{ cluster: ' ' }, '--cluster is empty'],
  ])('refuses a bad flag %j, naming it', async (args, expected) => {
    await expect(announcementFromArgs(args, '/')).rejects.toThrow(expected);
  });

  it('empty repeatable lists mean "not given"', async () => {
    const a = await announcementFromArgs({ hardFork: [], removeAccount: [] }, '/');
    expect(a).toEqual({ sources: {} });
  });
});
