import { describe, expect, it } from 'vitest';
import { execStartLine, mangledExecStart, parsePeers } from '../../src/plugins/loom/unit-peers.js';
import { parseStacksInfo } from '../../src/plugins/stacks/info.js';
import { compareVersions, parseStacksVersion } from '../../src/plugins/stacks/version.js';
import { stacksPlugin } from '../../src/plugins/stacks/stacks-plugin.js';
import { loomPlugin } from '../../src/plugins/loom/loom-plugin.js';
import { compileExcludes } from '../../src/ops/exclude-patterns.js';
import { unsafeEntry } from '../../src/ops/safe-extract.js';

describe('stacks-node version lines (both formats)', () => {
  it.each([
    ['stacks-node 3.1.0.0.8 (release/3.1.0.0.8:d53e5f5+, release build, linux [x86_64])', { version: '3.1.0.0.8', branch: 'release/3.1.0.0.8', commit: 'd53e5f5', dirty: true, build: 'release' }],
    ['stacks-node 4.0.1 (62e03cc, release build, linux [x86_64])', { version: '4.0.1', branch: null, commit: '62e03cc', dirty: false }],
    ['stacks-node 0.0.1 (:, debug build, linux [x86_64])', { version: '0.0.1', branch: null, commit: null, build: 'debug' }],
    ['INFO some log line\nstacks-node 2.5.0.0.3 (master:a1b2c3d, release build, linux [aarch64])\n', { version: '2.5.0.0.3', branch: 'master', arch: 'aarch64' }],
  ])('%s', (line, expected) => {
    expect(parseStacksVersion(line)).toMatchObject(expected);
  });
  it('rejects other text and compares dotted versions numerically', () => {
    expect(parseStacksVersion('command not found')).toBeNull();
    expect(compareVersions('3.1.0.0.10', '3.1.0.0.8')).toBe(1);
    expect(compareVersions('3.1', '3.1.0.0')).toBe(0);
    expect(compareVersions('2.5.0.0.3', '3.0.0.0.0')).toBe(-1);
  });
});

describe('/v2/info', () => {
  it('reads the heights, version and network, tolerating nulls and old field names', () => {
    expect(parseStacksInfo({ stacks_tip_height: 170000, burn_block_height: 880000, server_version: 'stacks-node 4.0.1 (62e03cc, release build, linux [x86_64])', network_id: 2147483648, unanchored_tip: null, tenure_height: null, burn_consensus: 'x' })).toEqual({
      height: 170000, burnHeight: 880000, serverVersion: 'stacks-node 4.0.1 (62e03cc, release build, linux [x86_64])', network: 'testnet',
    });
    expect(parseStacksInfo({ burn_block_height: 1 })).toBeNull();
    expect(parseStacksInfo('<html>')).toBeNull();
  });
});

describe('archive names', () => {
  const now = new Date('2026-07-13T05:06:07Z');
  it('Stacks as Hiro publishes them; Loom as backup.sh names them', () => {
    expect(stacksPlugin.archiveName({ now, dataDir: '/x/mainnet', host: 'h', set: 'data', version: '3.4.0.0.4', network: 'testnet' })).toBe('testnet-stacks-blockchain-3.4.0.0.4-20260713.tar.zst');
    expect(loomPlugin.archiveName({ now, dataDir: '/home/ubuntu', host: 'backup-1', set: 'data', version: null, network: null })).toBe('2026-07-13--050607-backup-1.tar.zst');
    expect(stacksPlugin.describeArchive({ name: 'mainnet-stacks-blockchain-3.1.0.0.8-20250101.tar.zst', manifest: null }).version).toBe('3.1.0.0.8');
    expect(loomPlugin.describeArchive({ name: '2026-07-13--050607-backup-1.tar.zst', manifest: null }).createdAt?.toISOString()).toBe('2026-07-13T05:06:07.000Z');
  });
});

describe('Loom unit peers', () => {
  const unit = '[Service]\nWorkingDirectory=/home/ubuntu\nExecStart=/usr/bin/loom run --persistent-peers tcp://AAAA1111aaaa1111aaaa1111aaaa1111aaaa1111@10.0.0.1:46656,tcp://bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222@10.0.0.2:46656 --x\n';
  it('reads IDs and hosts, and builds the mangled line with the backup IDs', () => {
    const line = execStartLine(unit) as string;
    expect(parsePeers(line).map((p) => `${p.id}@${p.host}`)).toEqual(['aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111@10.0.0.1', 'bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222@10.0.0.2']);
    const backup = parsePeers('ExecStart=/usr/bin/loom run tcp://cccc@192.168.1.1:46656,tcp://dddd@192.168.1.2:46656');
    expect(mangledExecStart(line, backup)).toBe('ExecStart=/usr/bin/loom run --persistent-peers tcp://cccc@10.0.0.1:46656,tcp://dddd@10.0.0.2:46656 --x');
  });
});

describe('exclude patterns and entry safety', () => {
  const matches = (pattern: string, rel: string) => compileExcludes([pattern]).excluded(rel);
  it.each([
    ['*.log', 'chainstate/debug.log', true],
    ['*.log', 'chainstate/debug.logx', false],
    ['*.log', '.hidden.log', true],
    ['chainstate/blocks', 'chainstate/blocks/a/b', true],
    ['chainstate/blocks', 'other/chainstate/blocks', false],
    ['**/LOCK', 'a/b/LOCK', true],
    // The hand-written matcher missed these three.
    ['**/LOCK', 'LOCK', true],
    ['a/**/b', 'a/b', true],
    ['/LOCK', 'LOCK', true],
    ['/LOCK', 'db/LOCK', false],
    ['./x/', 'x', true],
    ['LOCK', 'db/LOCK', true],
    ['[ab].txt', 'a.txt', true],
    ['[ab].txt', 'c.txt', false],
  ])('%s against %s: %s', (pattern, rel, expected) => {
    expect(matches(pattern, rel)).toBe(expected);
  });
  it('tells which patterns matched nothing, and refuses one that names no path in the folder', () => {
    const matcher = compileExcludes(['*.log', 'nothing-here', '/LOCK']);
    for (const rel of ['a/x.log', 'LOCK', 'b']) matcher.excluded(rel);
    expect(matcher.unmatched()).toEqual(['nothing-here']);
    expect(() => compileExcludes(['../etc'])).toThrow(/names no path inside the data folder/);
    expect(() => compileExcludes(['/'])).toThrow(/names no path inside the data folder/);
  });
  it('judges paths and links as written', () => {
    expect(unsafeEntry('a/../../b', 'File', undefined)?.reason).toBe('unsafe-path');
    expect(unsafeEntry('a/b/../c', 'File', undefined)?.reason).toBe('unsafe-path');
    expect(unsafeEntry('a/l', 'SymbolicLink', '../b')).toBeNull();
    expect(unsafeEntry('a/l', 'SymbolicLink', '../../b')?.reason).toBe('unsafe-link');
    expect(unsafeEntry('a/l', 'Link', 'a/x')).toBeNull();
    expect(unsafeEntry('a/dev', 'CharacterDevice', undefined)?.reason).toBe('unsupported-entry');
  });
});
