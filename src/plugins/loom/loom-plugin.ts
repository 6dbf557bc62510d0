import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { capture } from '../../core/process.js';
import { getJson, numberField } from '../../ops/http-json.js';
import type { Placement } from '../../ops/restore-swap.js';
import { manifestDate } from '../folder-layout.js';
import { failed, ok, skipped, type BackupSet, type ChainPlugin, type Finding } from '../plugin.js';
import { waitHealthy } from '../wait-healthy.js';
import { execStartLine, mangledExecStart, parsePeers } from './unit-peers.js';

/** backup.sh's BACKUP_DATA and BACKUP_CONFIG (the unit file is added from --unit-file). */
export const LOOM_DATA = ['chaindata', 'app.db'];
export const LOOM_CONFIG = ['genesis.json', 'loom.yml', 'chaindata/config'];
const NODE_KEY = 'chaindata/config/node_key.json';

/** `YYYY-MM-DD--HHMMSS-<hostname>.tar.zst` (backup.sh's name, zstd instead of bzip2; UTC). */
export const LOOM_ARCHIVE_NAME = /^(\d{4})-(\d{2})-(\d{2})--(\d{2})(\d{2})(\d{2})-(.+)\.tar\.(?:zst|bz2)$/;

export const loomPlugin: ChainPlugin = {
  id: 'loom',
  defaultService: 'loom.service',
  defaultRpc: 'http://127.0.0.1:46657',
  sets: ['data', 'config'],
  dataDir: (given) => {
    if (given === undefined) throw new UserError('loom needs --data-dir: the working directory the service runs from (backup.sh START_DIRECTORY).');
    return given;
  },
  layout: (dataDir, set, { unitFile }) => {
    const groups = [{ root: dataDir, members: set === 'data' ? LOOM_DATA : LOOM_CONFIG }];
    if (set === 'config' && unitFile !== undefined && existsSync(unitFile)) groups.push({ root: path.dirname(unitFile), members: [path.basename(unitFile)] });
    return { groups, restore: 'members' };
  },
  placements: (dataDir, set, topLevel) => {
    const wanted = set === 'data' ? LOOM_DATA : LOOM_CONFIG;
    const allowedTop = new Set(wanted.map((m) => m.split('/')[0] as string));
    const unexpected = topLevel.filter((t) => !allowedTop.has(t) && !(set === 'config' && t.endsWith('.service')));
    if (unexpected.length > 0) return failed('layout', `The ${set} archive holds ${unexpected.slice(0, 5).join(', ')}, which a Loom ${set} backup does not.`);
    return ok(wanted.filter((m) => topLevel.includes(m.split('/')[0] as string)).map((m): Placement => ({ from: m, to: path.join(dataDir, m) })));
  },
  version: async () => skipped('loom has no version command snapplan relies on'),
  health: async (rpc, { signal }) => {
    // Tendermint's /status: result.sync_info.latest_block_height (a decimal string); older releases had it at result.
    const answer = await getJson(`${rpc.replace(/\/+$/, '')}/status`, 5_000, signal);
    if (!answer.ok) return failed('unhealthy', answer.message);
    const result = (answer.body as { result?: { sync_info?: Record<string, unknown> } & Record<string, unknown> }).result;
    const height = numberField(result?.sync_info?.['latest_block_height'] ?? result?.['latest_block_height']);
    return height === null ? failed('unreadable-status', '/status has no latest_block_height') : ok({ height });
  },
  archiveName: ({ now, host }) => {
    const iso = now.toISOString();
    return `${iso.slice(0, 10)}--${iso.slice(11, 19).replace(/:/g, '')}-${host}.tar.zst`;
  },
  identifyArchive: (name) => {
    const m = LOOM_ARCHIVE_NAME.exec(name);
    return m ? { node: `loom ${m[7]}`, createdAt: `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z` } : null;
  },
  describeArchive: ({ name, manifest }) => {
    const set = manifest?.['set'] === 'config' || manifest?.['set'] === 'data' ? (manifest['set'] as BackupSet) : null;
    let createdAt = manifestDate(manifest);
    const m = LOOM_ARCHIVE_NAME.exec(name);
    if (createdAt === null && m) createdAt = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
    return { set, createdAt, version: null };
  },
  checkBeforeRestore: async () => [],
  checkAfterSwap: async (dataDir, { env, signal }, { unitFile, restoredUnit }) => {
    const findings: Finding[] = [];
    // `loom nodekey` generates a new key when node_key.json is missing (LoadOrGenNodeKey):
    // never run it before the restored file is in place.
    if (!existsSync(path.join(dataDir, NODE_KEY))) {
      findings.push({ code: 'node-key-missing', severity: 'error', message: `${NODE_KEY} is not in place; the node would start with a new identity.`, remedy: 'Restore the config backup (it holds chaindata/config/) before starting the node.' });
      return findings;
    }
    const result = await capture('loom', ['nodekey'], { timeoutMs: 30_000, env, signal, cwd: dataDir }).catch((error: unknown) => error as Error);
    if (result instanceof Error) {
      findings.push({ code: 'nodekey-unavailable', severity: 'warning', message: `Could not run loom nodekey: ${result.message}` });
      return findings;
    }
    // It prints "Error in determining Node Key" (no newline) and still exits 0 on failure.
    const nodeId = result.stdout.trim().toLowerCase();
    if (!/^[0-9a-f]{40}$/.test(nodeId)) {
      findings.push({ code: 'nodekey-unreadable', severity: 'error', message: `loom nodekey printed ${JSON.stringify(result.stdout.trim().slice(0, 80))}.`, remedy: `Check ${NODE_KEY} from the config backup.` });
      return findings;
    }
    findings.push({ code: 'node-id', severity: 'info', message: `Node ID from the restored key: ${nodeId}.` });
    const installedText = unitFile === undefined ? null : await readFile(unitFile, 'utf8').catch(() => null);
    const installed = installedText === null ? null : execStartLine(installedText);
    if (installed === null) {
      findings.push({ code: 'unit-unread', severity: 'warning', message: `No ExecStart read from ${unitFile ?? 'the unit file'}; the peers were not compared.` });
      return findings;
    }
    const peers = parsePeers(installed);
    if (peers.some((p) => p.id === nodeId)) {
      findings.push({ code: 'node-lists-itself', severity: 'error', message: `The unit's --peers list this node's own ID ${nodeId}.`, remedy: `Remove tcp://${nodeId}@… from ExecStart in ${unitFile}; each node excludes its own details.` });
    }
    const backupText = restoredUnit === undefined ? null : await readFile(restoredUnit, 'utf8').catch(() => null);
    const backupLine = backupText === null ? null : execStartLine(backupText);
    if (backupLine !== null) {
      const backupPeers = parsePeers(backupLine);
      const same = backupPeers.length === peers.length && backupPeers.every((p, i) => p.id === peers[i]?.id);
      if (!same) {
        const fixed = mangledExecStart(installed, backupPeers);
        findings.push({
          code: 'peer-ids-differ',
          severity: 'warning',
          message: `The node IDs in the backup's unit (${backupPeers.map((p) => p.id.slice(0, 8)).join(', ')}) differ from the installed unit's (${peers.map((p) => p.id.slice(0, 8)).join(', ')}) (NODE_KEYS).`,
          remedy: fixed === null ? `Rebuild ExecStart in ${unitFile} with the installed hosts and the backup's node IDs.` : `Set in ${unitFile}: ${fixed} — then systemctl daemon-reload.`,
        });
      }
    }
    return findings;
  },
  confirmRestored: (rpc, env, options) => waitHealthy(() => loomPlugin.health(rpc, env), { ...options, signal: env.signal }),
};
