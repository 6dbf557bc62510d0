import { numberField } from '../../ops/http-json.js';
import type { NodeHealth } from '../plugin.js';

/** network_id of /v2/info (stacks-core `CHAIN_ID_MAINNET` / `CHAIN_ID_TESTNET`). */
const NETWORKS: Record<number, string> = { 1: 'mainnet', 2147483648: 'testnet' };

/**
 * `GET /v2/info` (RPCPeerInfoData), read tolerantly: only stacks_tip_height is required; the
 * optional and nullable fields (tenure_height, affirmations…) and very old nodes' field names
 * (burn_consensus) are ignored.
 */
export function parseStacksInfo(body: unknown): NodeHealth | null {
  if (typeof body !== 'object' || body === null) return null;
  const info = body as Record<string, unknown>;
  const height = numberField(info['stacks_tip_height']);
  if (height === null) return null;
  const networkId = numberField(info['network_id']);
  return {
    height,
    burnHeight: numberField(info['burn_block_height']),
    serverVersion: typeof info['server_version'] === 'string' ? info['server_version'] : null,
    network: networkId === null ? null : (NETWORKS[networkId] ?? null),
  };
}
