import { UserError } from '../core/errors.js';
import type { ChainId, ChainPlugin } from './plugin.js';

export const CHAINS: readonly ChainId[] = ['stacks', 'loom', 'generic'];

/** The one place a chain name becomes a plugin; each is loaded only when named. */
export async function getPlugin(chain: string): Promise<ChainPlugin> {
  switch (chain) {
    case 'stacks':
      return (await import('./stacks/stacks-plugin.js')).stacksPlugin;
    case 'loom':
      return (await import('./loom/loom-plugin.js')).loomPlugin;
    case 'generic':
      return (await import('./generic/generic-plugin.js')).genericPlugin;
    default:
      throw new UserError(`Unknown chain ${JSON.stringify(chain)}.`, { hint: `One of: ${CHAINS.join(', ')}.` });
  }
}
