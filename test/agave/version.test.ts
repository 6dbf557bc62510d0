import { describe, expect, it } from 'vitest';
import { flagEraOf, loadsLegacyArchives, parseToolVersion } from '../../src/agave/ledger-tool/version.js';

describe('parseToolVersion', () => {
  it.each([
    ['agave-ledger-tool 1.18.26 (src:c2b35002; feat:3241752014, client:Agave)', 'agave-ledger-tool', '1.18.26', 'Agave'],
    ['solana-ledger-tool 1.14.17 (src:b29a37cf; feat:3488713414)', 'solana-ledger-tool', '1.14.17', null],
    ['agave-ledger-tool 4.0.0-rc.1 (src:0b0cc5c7; feat:d6f1a2b3, client:Agave)', 'agave-ledger-tool', '4.0.0-rc.1', 'Agave'],
    ['agave-ledger-tool 2.2.1 (src:00000000; feat:1, client:Unknown(42))', 'agave-ledger-tool', '2.2.1', 'Unknown(42)'],
    ['solana-ledger-tool 1.9.0', 'solana-ledger-tool', '1.9.0', null],
  ])('%s', (line, name, version, client) => {
    expect(parseToolVersion(`${line}\n`)).toMatchObject({ name, version, client });
  });

  it.each([[''], ['ledger tool'], ['agave-ledger-tool version two'], ['agave-ledger-tool 1.2 (src:x)']])('rejects %j', (line) => {
    expect(parseToolVersion(line)).toBeNull();
  });
});

describe('flag eras and legacy loading', () => {
  it.each([
    ['1.14.17', 'v1', true],
    ['1.18.26', 'v1', true],
    ['2.0.21', 'v2', true],
    ['2.3.13', 'v2', true],
    ['3.0.6', 'v3', false],
    ['4.0.0-rc.1', 'v3', false],
  ])('%s → %s', (version, era, legacy) => {
    expect(flagEraOf(version)).toBe(era);
    expect(loadsLegacyArchives(version)).toBe(legacy);
  });

  it('knows nothing without a version', () => {
    expect(flagEraOf(null)).toBeNull();
    expect(loadsLegacyArchives(null)).toBeNull();
  });
});
