import { beforeAll, describe, expect, it } from 'vitest';
import { camelCase, type CommandDefinition, type OptionSpec } from '../../src/cli/define-command.js';
import { commands } from '../../src/cli/registry.js';
import { runMain } from '../support/run-cli.js';

/**
 * argv → the args each handler receives, for every command (changesets' cli.test.ts): the
 * handlers are intercepted, so this checks only the wiring: flags, aliases, defaults,
 * positionals, `--`, and what a repeated flag gives.
 */

interface Call {
  readonly command: string;
  readonly args: Record<string, unknown>;
}
const calls: Call[] = [];

/** Every command with its words (`k8s snapshot`), groups opened. */
function everyCommand(): { words: string; definition: CommandDefinition }[] {
  return commands.flatMap((entry) =>
    entry.kind === 'group' ? entry.subcommands.map((definition) => ({ words: `${entry.name} ${definition.name}`, definition })) : [{ words: entry.name, definition: entry }],
  );
}

beforeAll(() => {
  // Intercept: each definition's lazy handler becomes a recorder (the real modules never load).
  for (const { words, definition } of everyCommand()) {
    (definition as { handler: unknown }).handler = async () => async (args: Record<string, unknown>) => {
      calls.push({ command: words, args });
      return 0;
    };
  }
});

async function parse(argv: string[]): Promise<{ exitCode: number; stderr: string; call: Call | undefined }> {
  calls.length = 0;
  const run = await runMain(argv, { cwd: '/' });
  expect(calls.length).toBeLessThanOrEqual(1);
  return { exitCode: run.exitCode, stderr: run.stderr, call: calls[0] };
}

const LEDGER_TOOL = { ledgerToolTimeout: 300 };
/** The repeatable announcement flags (each an empty list when not given). */
const ANNOUNCEMENT = { hardFork: [], deactivateFeatureGate: [], destakeVoteAccount: [], removeAccount: [] };
const PLAN_LIKE = { verifyArchives: false, ...ANNOUNCEMENT, ...LEDGER_TOOL };
const SERVICE = { serviceManager: 'systemd', stopTimeout: 120, forceKill: false, restart: true, healthTimeout: 300, json: false };
const K8S = { namespace: 'default', kubectl: 'kubectl', waitTimeout: 600, dryRun: false, json: false };
const DEVICEDB = { node: [], timeout: 600, pollInterval: 2, requestTimeout: 10, dryRun: false, json: false };

const TABLE: readonly (readonly [string, string[], Record<string, unknown>])[] = [
  ['plan', ['plan', '--ledger', 'L', '--slot', '5'], { ledger: 'L', slot: '5', boundsFrom: 'native', json: false, showIgnored: false, count: false, ...PLAN_LIKE }],
  ['plan', ['--plan', '-l', 'L', '-x', '5', '--blocks', '1..9', '--bounds-from', 'ledger-tool', '--ledger-tool-timeout', '1.5', '--json', '--count'], { ledger: 'L', slot: '5', blocks: '1..9', boundsFrom: 'ledger-tool', json: true, showIgnored: false, count: true, ...PLAN_LIKE, ledgerToolTimeout: 1.5 }],
  ['plan', ['plan', '--ledger', 'L', '--slot', '5', '--snapshots', 'S', '--full-snapshot-archive-path', 'F', '--incremental-snapshot-archive-path', 'I', '--backup-dir', 'B', '--ledger-tool', 'T', '--show-ignored'],
    { ledger: 'L', slot: '5', snapshots: 'S', fullSnapshotArchivePath: 'F', incrementalSnapshotArchivePath: 'I', backupDir: 'B', ledgerTool: 'T', boundsFrom: 'native', json: false, showIgnored: true, count: false, ...PLAN_LIKE }],
  // Without --slot when the announcement gives the snapshot slot (the handler checks that one of them does).
  ['plan', ['plan', '--ledger', 'L', '--announcement', 'a.yaml', '--verify-archives', '--cluster', 'c', '--ledger-tool-version', '3.1.7', '--restart-slot', '6', '--hard-fork', '5', '--hard-fork', '6', '--validator-hard-fork', '--expected-bank-hash', 'H', '--expected-shred-version', '7'],
    { ledger: 'L', announcement: 'a.yaml', verifyArchives: true, cluster: 'c', ledgerToolVersion: '3.1.7', restartSlot: '6', hardFork: ['5', '6'], validatorHardFork: true, expectedBankHash: 'H', expectedShredVersion: '7', boundsFrom: 'native', json: false, showIgnored: false, count: false, deactivateFeatureGate: [], destakeVoteAccount: [], removeAccount: [], ...LEDGER_TOOL }],
  ['apply', ['apply', '--ledger', 'L', '--slot', '5', '--deactivate-feature-gate', 'A', '--deactivate-feature-gate', 'B', '--create-timeout', '0', '-y', '--', '--foo', 'bar'],
    { ledger: 'L', slot: '5', boundsFrom: 'native', yes: true, dryRun: false, json: false, incremental: false, ...PLAN_LIKE, deactivateFeatureGate: ['A', 'B'], enableCapitalizationChange: false, allowLedgerToolVersion: false, createTimeout: 0, forceCopy: false, '--': ['--foo', 'bar'] }],
  ['apply', ['apply', '--ledger', 'L', '--announcement', 'a.yaml', '--expected-bank-hash', 'H', '--expected-shred-version', '0042', '--dry-run', '--incremental', '--enable-capitalization-change', '--force-copy', '--destake-vote-account', 'V', '--remove-account', 'R', '--verify-archives', '--allow-ledger-tool-version'],
    { ledger: 'L', announcement: 'a.yaml', boundsFrom: 'native', yes: false, dryRun: true, json: false, incremental: true, ...PLAN_LIKE, destakeVoteAccount: ['V'], removeAccount: ['R'], enableCapitalizationChange: true, expectedBankHash: 'H', expectedShredVersion: '0042', createTimeout: 0, forceCopy: true, verifyArchives: true, allowLedgerToolVersion: true, '--': [] }],
  ['undo', ['undo', '--journal', 'J'], { journal: 'J', json: false, forceCopy: false, dryRun: false, includeNew: false, force: false, yes: false }],
  ['undo', ['undo', '-l', 'L', '--backup-dir', 'B', '--json', '--dry-run', '--include-new', '-y'], { ledger: 'L', backupDir: 'B', json: true, forceCopy: false, dryRun: true, includeNew: true, force: false, yes: true }],
  ['undo', ['undo', '-l', 'L', '--force'], { ledger: 'L', json: false, forceCopy: false, dryRun: false, includeNew: false, force: true, yes: false }],
  ['status', ['status', '--ledger', 'L'], { ledger: 'L', json: false }],
  ['status', ['status', '--backup-dir', 'B', '--json'], { backupDir: 'B', json: true }],
  ['prune', ['prune', '--ledger', 'L'], { ledger: 'L', olderThan: 7, keep: 1, yes: false, json: false }],
  ['prune', ['prune', '--backup-dir', 'B', '--older-than', '19.5', '--keep', '0', '--yes', '--json'], { backupDir: 'B', olderThan: 19.5, keep: 0, yes: true, json: true }],
  ['fetch', ['fetch', '--ledger', 'L', '--slot', '5', '--rpc', 'http://a', '--rpc', 'http://b'],
    { ledger: 'L', slot: '5', rpc: ['http://a', 'http://b'], discover: false, discoverLimit: 50, knownValidator: [], fullOnly: false, speedTestCount: 5, speedTestSeconds: 3, speedWindow: 20, probeTimeout: 5, retries: 3, boundsFrom: 'native', dryRun: false, json: false, ...ANNOUNCEMENT, ...LEDGER_TOOL }],
  ['fetch', ['fetch', '-l', 'L', '--restart-slot', '6', '--rpc', 'http://a', '--discover', '--discover-limit', '9', '--known-validator', 'K', '--node-version', '>=2.1', '--full-only', '--min-speed', '50', '--max-latency', '100', '--speed-test-count', '0', '--speed-test-seconds', '0.5', '--speed-window', '0.3', '--probe-timeout', '2', '--retries', '1', '--bounds-from', 'ledger-tool', '--blocks', '1..9', '--dry-run', '--json', '--snapshots', 'S', '--ledger-tool', 'T'],
    { ledger: 'L', restartSlot: '6', rpc: ['http://a'], discover: true, discoverLimit: 9, knownValidator: ['K'], nodeVersion: '>=2.1', fullOnly: true, minSpeed: 50, maxLatency: 100, speedTestCount: 0, speedTestSeconds: 0.5, speedWindow: 0.3, probeTimeout: 2, retries: 1, boundsFrom: 'ledger-tool', blocks: '1..9', dryRun: true, json: true, snapshots: 'S', ledgerTool: 'T', ...ANNOUNCEMENT, ...LEDGER_TOOL }],
  ['restart-flags', ['restart-flags', '--patch', 'v.sh', '--announcement', 'a.yaml'], { patch: 'v.sh', announcement: 'a.yaml', yes: false, dryRun: false, json: false, reload: false, ...ANNOUNCEMENT }],
  ['restart-flags', ['restart-flags', '--revert', 'v.sh', '-x', '5', '--restart-slot', '6', '--hard-fork', '5', '-y', '--dry-run', '--json', '--reload'],
    { revert: 'v.sh', slot: '5', restartSlot: '6', yes: true, dryRun: true, json: true, reload: true, ...ANNOUNCEMENT, hardFork: ['5'] }],
  ['watch', ['watch', '--ledger', 'L'], { ledger: 'L', json: false, monitor: true, validatorBin: 'agave-validator', pollMs: 500, ...ANNOUNCEMENT }],
  ['watch', ['watch', '-l', 'L', '--log', 'v.log', '--timeout', '3600', '--json', '--no-monitor', '--validator-bin', '/v', '--poll-ms', '10', '--restart-slot', '6'],
    { ledger: 'L', log: 'v.log', timeout: 3600, json: true, monitor: false, validatorBin: '/v', pollMs: 10, restartSlot: '6', ...ANNOUNCEMENT }],
  ['blockstore', ['blockstore', '--ledger', 'L', '--slot', '7', '--base', '3'], { ledger: 'L', slot: '7', base: '3', boundsFrom: 'native', json: false, ...LEDGER_TOOL }],
  ['tui', ['tui', '--ledger', 'L'], { ledger: 'L', boundsFrom: 'native', allowLedgerToolVersion: false, rpc: [], ...PLAN_LIKE }],
  ['tui', ['tui', '--ledger', 'L', '--rpc', 'http://a', '--rpc', 'http://b', '--verify-archives', '--allow-ledger-tool-version', '--announcement', 'a.yaml'],
    { ledger: 'L', boundsFrom: 'native', rpc: ['http://a', 'http://b'], announcement: 'a.yaml', ...PLAN_LIKE, verifyArchives: true, allowLedgerToolVersion: true }],
  // `snapplan --ledger L` is the app (without a terminal it prints the plan).
  ['tui', ['--ledger', 'L', '--slot', '5', '--backup-dir', 'B'], { ledger: 'L', slot: '5', backupDir: 'B', boundsFrom: 'native', allowLedgerToolVersion: false, rpc: [], ...PLAN_LIKE }],
  ['backup', ['backup', 'stacks', '--to', '/b', '--service-manager', 'process', '--pid', '42', '--', 'stacks-node', 'start'],
    { chain: 'stacks', to: '/b', ...SERVICE, serviceManager: 'process', pid: 42, set: 'data', dryRun: false, exclude: [], keepLocal: false, zstdLevel: 3, spaceFactor: 0.6, '--': ['stacks-node', 'start'] }],
  ['backup', ['backup', 'loom', '--to', 's3://b/p', '--set', 'config', '--exclude', '**/LOCK', '--exclude', 'x', '--zstd-level', '19', '--space-factor', '0', '--stop-timeout', '30', '--health-timeout', '2.5', '--no-restart', '--region', 'r', '--endpoint', 'e', '--profile', 'p', '--work-dir', 'W', '--keep-local', '--name', 'n', '--network', 'testnet', '--data-dir', 'D', '--service', 'u', '--rpc', 'http://x', '--unit-file', 'U', '--force-kill', '--pidfile', 'P', '--json', '--dry-run'],
    { chain: 'loom', to: 's3://b/p', set: 'config', exclude: ['**/LOCK', 'x'], zstdLevel: 19, spaceFactor: 0, stopTimeout: 30, healthTimeout: 2.5, restart: false, region: 'r', endpoint: 'e', profile: 'p', workDir: 'W', keepLocal: true, name: 'n', network: 'testnet', dataDir: 'D', service: 'u', rpc: 'http://x', unitFile: 'U', forceKill: true, pidfile: 'P', json: true, dryRun: true, serviceManager: 'systemd', '--': [] }],
  ['restore', ['restore', 'loom', '--from', 'a.tar.zst', '--from', 'b.tar.zst', '--wait-blocks', '0', '--sha256', 'abc', '--set', 'data', '--force'],
    { chain: 'loom', from: ['a.tar.zst', 'b.tar.zst'], waitBlocks: 0, sha256: 'abc', set: 'data', force: true, rollback: false, ...SERVICE, '--': [] }],
  ['restore', ['restore', 'generic', '--rollback', '--old', 'O'], { chain: 'generic', from: [], rollback: true, old: 'O', force: false, ...SERVICE, '--': [] }],
  ['volume-snapshot', ['volume-snapshot', 'ebs', 'stacks', '--volume-id', 'vol-1', '--tag', 'a=b', '--no-wait', '--wait-timeout', '60', '--poll-interval', '1', '--description', 'd'],
    { kind: 'ebs', chain: 'stacks', volumeId: 'vol-1', tag: ['a=b'], wait: false, waitTimeout: 60, pollInterval: 1, description: 'd', dryRun: false, recursive: false, ...SERVICE, '--': [] }],
  ['volume-snapshot', ['volume-snapshot', 'zfs', 'loom', '--dataset', 'tank/loom', '--recursive', '--name', 'n'],
    { kind: 'zfs', chain: 'loom', dataset: 'tank/loom', recursive: true, name: 'n', tag: [], wait: true, waitTimeout: 3600, pollInterval: 15, dryRun: false, ...SERVICE, '--': [] }],
  ['volume-snapshot', ['volume-snapshot', 'lvm', 'generic', '--origin', 'vg/lv', '--size', '20G'],
    { kind: 'lvm', chain: 'generic', origin: 'vg/lv', size: '20G', tag: [], wait: true, waitTimeout: 3600, pollInterval: 15, dryRun: false, recursive: false, ...SERVICE, '--': [] }],
  ['retention', ['retention', 's3://b/p', '--keep', '7', '--yes'], { location: 's3://b/p', keep: 7, yes: true, dryRun: false, json: false }],
  ['retention', ['retention', '/backups', '--keep', '1', '--dry-run', '--region', 'r', '--endpoint', 'e', '--profile', 'p', '--json'], { location: '/backups', keep: 1, yes: false, dryRun: true, region: 'r', endpoint: 'e', profile: 'p', json: true }],
  ['schedule', ['schedule', '--format', 'cron', '--cron', '30 3 * * *', '--', 'retention', 's3://b', '--keep', '7'],
    { format: 'cron', cron: '30 3 * * *', onCalendar: '*-*-* 02:00:00', randomizedDelay: '30m', json: false, '--': ['retention', 's3://b', '--keep', '7'] }],
  ['schedule', ['schedule', '--name', 'n', '--on-calendar', 'daily', '--randomized-delay', '1h', '--user', 'u', '--write', 'W', '--snapplan', '/usr/bin/snapplan', '--json'],
    { format: 'systemd', name: 'n', onCalendar: 'daily', randomizedDelay: '1h', cron: '0 2 * * *', user: 'u', write: 'W', snapplan: '/usr/bin/snapplan', json: true, '--': [] }],
  ['k8s snapshot', ['k8s', 'snapshot', '--statefulset', 'web', '-n', 'chain', '--context', 'c', '--snapshot-class', 'csi', '--ready-timeout', '90', '--journal-dir', 'j'],
    { statefulset: 'web', context: 'c', snapshotClass: 'csi', readyTimeout: 90, journalDir: 'j', ...K8S, namespace: 'chain' }],
  ['k8s restore', ['k8s', 'restore', '--statefulset', 'web', '--from-snapshots', 's1', '--replace', '--storage-class', 'gp3', '--claim', 'data', '--size', '200Gi'],
    { statefulset: 'web', fromSnapshots: 's1', replace: true, storageClass: 'gp3', claim: 'data', size: '200Gi', ebsVolume: [], fsType: 'ext4', ...K8S }],
  ['k8s restore', ['k8s', 'restore', '--statefulset', 'web', '--ebs-volume', '0=vol-1', '--ebs-volume', '1=vol-2', '--zone', 'us-east-2a', '--fs-type', 'xfs', '--kubectl', '/k', '--wait-timeout', '30', '--dry-run', '--json'],
    { statefulset: 'web', ebsVolume: ['0=vol-1', '1=vol-2'], zone: 'us-east-2a', fsType: 'xfs', replace: false, ...K8S, kubectl: '/k', waitTimeout: 30, dryRun: true, json: true }],
  ['k8s undo', ['k8s', 'undo', '--journal', 'j.jsonl'], { journal: 'j.jsonl', ...K8S }],
  ['k8s undo', ['k8s', 'undo', '--statefulset', 'web', '--journal-dir', 'J'], { statefulset: 'web', journalDir: 'J', ...K8S }],
  ['devicedb snapshot', ['devicedb', 'snapshot', '--node', 'a=h:1', '--node', 'b=h:2', '--initiator', 'b', '--out', 'o', '--poll-interval', '0.02'],
    { ...DEVICEDB, node: ['a=h:1', 'b=h:2'], initiator: 'b', out: 'o', pollInterval: 0.02 }],
  ['devicedb restore', ['devicedb', 'restore', '--manifest', 'm.json', '--store', 'a=/s', '--service', 'a=ddb', '--service-manager', 'docker', '--stop-timeout', '5', '--keep-old', '--timeout', '9', '--request-timeout', '3'],
    { ...DEVICEDB, manifest: 'm.json', store: ['a=/s'], service: ['a=ddb'], serviceManager: 'docker', stopTimeout: 5, keepOld: true, timeout: 9, requestTimeout: 3 }],
];

describe('argv → the options each handler receives', () => {
  it.each(TABLE)('%s: %j', async (command, argv, expected) => {
    const { exitCode, stderr, call } = await parse(argv);
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    expect(call?.command).toBe(command);
    expect(call?.args).toEqual(expected);
  });

  it('refuses words after -- for a command that passes nothing on', async () => {
    const r = await parse(['plan', '--ledger', 'L', '--slot', '5', '--', '--hard-fork', '5']);
    expect(r.call).toBeUndefined();
    expect([r.exitCode, r.stderr]).toEqual([2, 'snapplan: snapplan plan takes nothing after --, but was given "--hard-fork" "5".\nLeave out what follows --, or give it as an option (snapplan plan --help lists them).\n']);
    const k8s = await parse(['k8s', 'undo', '--journal', 'j', '--', 'x']);
    expect([k8s.exitCode, k8s.stderr.split('\n')[0]]).toEqual([2, 'snapplan: snapplan k8s undo takes nothing after --, but was given "x".']);
  });

  it.each([
    [['undo'], 'snapplan: undo needs to know which quarantine to put back.\nName it: --journal PATH, or --ledger L for its newest one.\n'],
    [['status', '--json'], 'snapplan: status needs to know whose quarantines to list.\nName the ledger (--ledger L) or the backup folder (--backup-dir DIR).\n'],
    [['prune', '--yes'], 'snapplan: prune needs to know whose quarantines to delete.\nName the ledger (--ledger L) or the backup folder (--backup-dir DIR).\n'],
    [['undo', '--ledger', 'L', '--include-new', '--force'], 'snapplan: --include-new and --force contradict each other.\n--include-new moves the new archive aside; --force leaves it where the validator loads it. Choose one.\n'],
    [['k8s', 'undo', '-n', 'chain'], 'snapplan: k8s undo needs to know which job to undo.\nName it: --journal PATH, or --statefulset NAME for its newest unfinished journal.\n'],
  ])('runs the rules across flags before any handler: %j', async (argv, stderr) => {
    const r = await parse(argv);
    expect(r.call).toBeUndefined();
    expect([r.exitCode, r.stderr]).toEqual([2, stderr]);
  });

  it('covers every command in the registry', () => {
    const tested = new Set(TABLE.map(([command]) => command));
    expect(everyCommand().map((c) => c.words).filter((words) => !tested.has(words))).toEqual([]);
  });
});

/** A value each kind of option accepts. */
function sample(spec: OptionSpec, which: 0 | 1): string {
  if (spec.choices) return spec.choices[which] ?? spec.choices[0] ?? '';
  switch (spec.type) {
    case 'number':
    case 'integer':
      return String((spec.min ?? 1) + which);
    case 'seconds':
      return String(5 + which);
    default:
      return `v${which}`;
  }
}

/** What a command needs besides the option under test: its positionals, required flags, and what its check asks for. */
function baseArgv(words: string, definition: CommandDefinition, skip: string): string[] {
  const argv = words.split(' ');
  for (const spec of Object.values(definition.positionals ?? {})) argv.push(spec.choices?.[0] ?? 'here');
  for (const [key, spec] of Object.entries(definition.options)) if (spec.demandOption && key !== skip) argv.push(`--${key}`, sample(spec, 0));
  const check: Record<string, string[]> = { undo: ['--journal', 'v0'], status: ['--ledger', 'v0'], prune: ['--ledger', 'v0'], 'k8s undo': ['--journal', 'v0'] };
  if (skip !== 'journal' && skip !== 'ledger') argv.push(...(check[words] ?? []));
  return argv;
}

describe('every option of every command, given twice', () => {
  const cases = everyCommand().flatMap(({ words, definition }) => Object.entries(definition.options).map(([key, spec]) => [words, key, spec, definition] as const));

  it.each(cases.map(([words, key, spec, definition]) => [`${words} --${key}`, words, key, spec, definition] as const))('%s', async (_name, words, key, spec, definition) => {
    const base = baseArgv(words, definition, key);
    const camel = camelCase(key);
    if (spec.type === 'boolean') {
      // The last one wins: --x --x, and --x --no-x.
      const twice = await parse([...base, `--${key}`, `--${key}`]);
      expect([twice.exitCode, twice.call?.args[camel]]).toEqual([0, true]);
      const negated = await parse([...base, `--${key}`, `--no-${key}`]);
      expect([negated.exitCode, negated.call?.args[camel]]).toEqual([0, false]);
      return;
    }
    const same = await parse([...base, `--${key}`, sample(spec, 0), `--${key}`, sample(spec, 0)]);
    expect(same.stderr).toBe('');
    expect(same.exitCode).toBe(0);
    const value = spec.type === 'number' || spec.type === 'integer' || spec.type === 'seconds' ? Number(sample(spec, 0)) : sample(spec, 0);
    // Repeatable options collect every value; any other gets one value, never an array.
    expect(same.call?.args[camel]).toEqual(spec.array ? [value, value] : value);

    const different = await parse([...base, `--${key}`, sample(spec, 0), `--${key}`, sample(spec, 1)]);
    if (spec.array) {
      expect(different.call?.args[camel]).toEqual([value, spec.type ? sample(spec, 1) : sample(spec, 1)]);
    } else {
      expect(different.call).toBeUndefined();
      expect(different.exitCode).toBe(2);
      expect(different.stderr).toContain(`snapplan: --${key} was given 2 times with different values ("${sample(spec, 0)}", "${sample(spec, 1)}").`);
      expect(different.stderr).not.toMatch(/bug in snapplan|\n\s+at /);
    }
  });
});
