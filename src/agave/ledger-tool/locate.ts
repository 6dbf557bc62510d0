import { access, constants, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../core/errors.js';

/** Binary names in the order snapplan looks for them (renamed to agave-* in Agave 2.0). */
export const LEDGER_TOOL_NAMES = ['agave-ledger-tool', 'solana-ledger-tool'] as const;

/**
 * Finds the ledger tool: `--ledger-tool` if given (a path, or a name looked up on PATH),
 * else `agave-ledger-tool`, else `solana-ledger-tool` on PATH. Returns an absolute path.
 */
export async function locateLedgerTool(options: {
  explicit?: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}): Promise<string> {
  const { explicit, env, cwd } = options;
  if (explicit !== undefined) {
    const found = explicit.includes('/') ? await executable(path.resolve(cwd, explicit)) : await onPath(explicit, env);
    if (found) return found;
    throw new UserError(`--ledger-tool ${explicit}: no executable file there.`, {
      hint: 'Give the path of agave-ledger-tool with --ledger-tool (Agave >= 3.0 no longer ships it: build it from source).',
    });
  }
  for (const name of LEDGER_TOOL_NAMES) {
    const found = await onPath(name, env);
    if (found) return found;
  }
  throw new UserError('Neither agave-ledger-tool nor solana-ledger-tool is on PATH.', {
    hint: 'Pass --ledger-tool PATH (Agave >= 3.0 no longer ships the binary: build it from source).',
  });
}

async function onPath(name: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const found = await executable(path.join(dir, name));
    if (found) return found;
  }
  return null;
}

async function executable(file: string): Promise<string | null> {
  try {
    await access(file, constants.X_OK);
    return (await stat(file)).isFile() ? file : null;
  } catch {
    return null;
  }
}
