import { readFileSync } from 'node:fs';
import path from 'node:path';
import { snapplanPackage } from '../core/package-root.js';
import type { VersionInfo } from '../output/render-error.js';

/** snapplan's own version, from package.json (recorded in journals and --version). */
export function packageVersion(): string {
  return snapplanPackage().version;
}

/**
 * The version, the commit it was built from and the Node.js running it, for --version and bug
 * reports. The commit comes from dist/build-info.json, written at build time by
 * scripts/build-info.mjs (git never runs here); without that file it is "unknown".
 */
export function versionInfo(): VersionInfo {
  if (cached) return cached;
  const { root, version } = snapplanPackage();
  cached = {
    version,
    commit: readBuildCommit(root),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    // Read only when a bug report asks: every start prints --version's text, no start needs this.
    get bugsUrl() {
      return bugsUrl(root);
    },
  };
  return cached;
}

let cached: VersionInfo | undefined;

/** `snapplan --version`. */
export function versionText(info: VersionInfo = versionInfo()): string {
  return `snapplan ${info.version} (commit ${info.commit})\nNode.js ${info.node} on ${info.platform}`;
}

/** The commit in <root>/dist/build-info.json, or "unknown". */
export function readBuildCommit(root: string): string {
  try {
    const { commit } = JSON.parse(readFileSync(path.join(root, 'dist/build-info.json'), 'utf8')) as { commit?: unknown };
    return typeof commit === 'string' && /^[0-9a-f]{7,40}(-dirty)?$/.test(commit) ? commit : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Where bugs are reported, when package.json says (`bugs.url`, or a GitHub `repository`). */
function bugsUrl(root: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bugs?: string | { url?: string } };
    const url = typeof manifest.bugs === 'string' ? manifest.bugs : manifest.bugs?.url;
    return typeof url === 'string' && /^https:\/\//.test(url) ? url : undefined;
  } catch {
    return undefined;
  }
}
