import { createRequire } from 'node:module';

/** snapplan's own version, from package.json (recorded in journals and --version). */
export function packageVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('../../package.json') as { version: string }).version;
}
