import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { getJson } from '../../ops/http-json.js';
import { utcStamp } from '../../core/time.js';
import { folderLayout, folderPlacement, manifestDate } from '../folder-layout.js';
import { failed, ok, skipped, type ChainPlugin } from '../plugin.js';
import { waitHealthy } from '../wait-healthy.js';

/** `<folder>-<UTC stamp>-<host>.tar.zst`, as archiveName writes it. */
const GENERIC_ARCHIVE_NAME = /^(.+)-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-(.+)\.tar\.zst$/;

/** Any folder and any service: healthy means the --rpc URL answers 2xx (when one is given). */
export const genericPlugin: ChainPlugin = {
  id: 'generic',
  defaultService: undefined,
  defaultRpc: undefined,
  sets: ['data'],
  dataDir: (given) => {
    if (given === undefined) throw new UserError('generic needs --data-dir DIR.');
    return given;
  },
  layout: (dataDir) => folderLayout(dataDir),
  placements: (dataDir, _set, topLevel) => folderPlacement(dataDir, topLevel),
  version: async () => skipped('a generic node has no version command'),
  health: async (rpc, env) => {
    const answer = await getJson(rpc, 5_000, env.signal);
    return answer.ok ? ok({ height: null }) : failed('unhealthy', answer.message);
  },
  archiveName: ({ now, host, dataDir }) => `${path.basename(dataDir)}-${utcStamp(now)}-${host}.tar.zst`,
  identifyArchive: (name) => {
    const m = GENERIC_ARCHIVE_NAME.exec(name);
    return m ? { node: `generic ${m[1]} ${m[8]}`, createdAt: `${m[2]}-${m[3]}-${m[4]}T${m[5]}:${m[6]}:${m[7]}.000Z` } : null;
  },
  describeArchive: ({ manifest }) => ({ set: 'data', createdAt: manifestDate(manifest), version: null }),
  checkBeforeRestore: async () => [],
  checkAfterSwap: async () => [],
  confirmRestored: (rpc, env, options) => waitHealthy(() => genericPlugin.health(rpc, env), { timeoutMs: options.timeoutMs, growBlocks: 0, signal: env.signal }),
};

