import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { capture } from '../../core/process.js';
import { getJson } from '../../ops/http-json.js';
import { folderLayout, folderPlacement, manifestDate } from '../folder-layout.js';
import { failed, ok, type ChainPlugin, type Finding } from '../plugin.js';
import { waitHealthy } from '../wait-healthy.js';
import { parseStacksInfo } from './info.js';
import { compareVersions, parseStacksVersion } from './version.js';

/** Mode folders under the working dir: mainnet, and the testnets' burnchain modes (xenon, then krypton). */
const MODE_DIRS = ['mainnet', 'krypton', 'xenon'];

/** Hiro's name: `<network>-stacks-blockchain-<version>-<YYYYMMDD>.tar.zst` (also .tar.gz in older uploads). */
export const STACKS_ARCHIVE_NAME = /^(mainnet|testnet)-stacks-blockchain-(.+)-(\d{8}|latest)\.tar\.(?:zst|gz)$/;

export const stacksPlugin: ChainPlugin = {
  id: 'stacks',
  defaultService: 'stacks-node',
  defaultRpc: 'http://127.0.0.1:20443',
  sets: ['data'],
  dataDir: (given, { env }) => {
    if (given !== undefined) return given;
    // There is no built-in default path (an unset working_dir is /tmp/stacks-node-<time>).
    const working = env['STACKS_WORKING_DIR'];
    if (working) {
      const found = MODE_DIRS.map((m) => path.join(working, m)).filter((d) => existsSync(d));
      if (found.length === 1) return found[0] as string;
    }
    throw new UserError('Name the chainstate folder with --data-dir (e.g. <working_dir>/mainnet).', {
      hint: 'Or set STACKS_WORKING_DIR to a working dir holding exactly one of mainnet/, krypton/, xenon/.',
    });
  },
  layout: (dataDir) => folderLayout(dataDir),
  placements: (dataDir, _set, topLevel) => folderPlacement(dataDir, topLevel),
  version: async ({ env, signal }) => {
    const result = await capture('stacks-node', ['version'], { timeoutMs: 30_000, env, signal }).catch((error: unknown) => error as Error);
    if (result instanceof Error) return failed('no-binary', result.message);
    const parsed = parseStacksVersion(result.stdout);
    return parsed ? ok(parsed.version) : failed('unreadable-version', `stacks-node version printed ${JSON.stringify(result.stdout.trim().slice(0, 120))}`);
  },
  health: async (rpc, { signal }) => {
    const answer = await getJson(`${rpc.replace(/\/+$/, '')}/v2/info`, 5_000, signal);
    if (!answer.ok) return failed('unhealthy', answer.message);
    const info = parseStacksInfo(answer.body);
    return info ? ok(info) : failed('unreadable-info', '/v2/info has no stacks_tip_height');
  },
  archiveName: ({ now, version, network }) => `${network ?? 'mainnet'}-stacks-blockchain-${version ?? 'unknown'}-${now.toISOString().slice(0, 10).replace(/-/g, '')}.tar.zst`,
  identifyArchive: (name) => {
    const m = STACKS_ARCHIVE_NAME.exec(name);
    const day = m?.[3];
    if (!m || day === undefined || day === 'latest') return null;
    return { node: `stacks ${m[1]}`, createdAt: `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}T00:00:00.000Z` };
  },
  describeArchive: ({ name, manifest }) => {
    const fromManifest = manifest?.['nodeVersion'];
    const fromName = STACKS_ARCHIVE_NAME.exec(name)?.[2];
    const version = typeof fromManifest === 'string' ? fromManifest : fromName !== undefined && fromName !== 'latest' ? fromName.replace(/-latest$/, '') : null;
    return { set: 'data', createdAt: manifestDate(manifest), version };
  },
  checkBeforeRestore: async (facts, env) => {
    const findings: Finding[] = [];
    const archiveVersion = stacksPlugin.describeArchive(facts).version;
    const binary = await stacksPlugin.version(env);
    if (archiveVersion === null || binary.status !== 'ok') {
      findings.push({ code: 'version-unchecked', severity: 'warning', message: `Could not compare versions (archive ${archiveVersion ?? 'unknown'}, binary ${binary.status === 'ok' ? binary.value : binary.status === 'failed' ? binary.message : 'unknown'}).` });
    } else if (compareVersions(archiveVersion, binary.value) > 0) {
      // stacks-blockchain-docker#97: a chainstate from a newer release fails at start
      // ("Sortition DB ... does not support epoch") after the old one is gone.
      findings.push({ code: 'archive-newer-than-binary', severity: 'error', message: `The archive is from stacks-node ${archiveVersion}, newer than the installed ${binary.value}.`, remedy: 'Upgrade stacks-node first, or restore an archive made by this release.' });
    }
    return findings;
  },
  checkAfterSwap: async () => [],
  confirmRestored: (rpc, env, options) => waitHealthy(() => stacksPlugin.health(rpc, env), { ...options, signal: env.signal }),
};
