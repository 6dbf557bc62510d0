import { snapplanPackage } from '../core/package-root.js';

/** snapplan's own version, from package.json (recorded in journals and --version). */
export function packageVersion(): string {
  return snapplanPackage().version;
}
