/**
 * `stacks-node version` output (stacks-core `version_string()`), in both forms:
 *   stacks-node 3.1.0.0.8 (release/3.1.0.0.8:d53e5f5+, release build, linux [x86_64])   older, with the branch
 *   stacks-node 4.0.1 (62e03cc, release build, linux [x86_64])                          current, no branch
 *   stacks-node 0.0.1 (:, debug build, linux [x86_64])                                  source build, no git data
 * The same string is /v2/info's server_version. Read the last matching line (the seed's `tail -n 1`).
 */
export interface StacksVersion {
  readonly version: string;
  readonly branch: string | null;
  readonly commit: string | null;
  readonly dirty: boolean;
  readonly build: string;
  readonly os: string;
  readonly arch: string;
}

const PATTERN = /^(?:stacks-node|[\w-]+)\s+(\S+)\s+\((?:([^:,()]*):)?([0-9a-f]*)(\+?),\s*(\w+) build,\s*(\w+) \[([\w-]+)\]\)\s*$/;

export function parseStacksVersion(text: string): StacksVersion | null {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '').reverse();
  for (const line of lines) {
    const m = PATTERN.exec(line);
    if (m) {
      return { version: m[1] as string, branch: m[2] === undefined || m[2] === '' ? null : m[2], commit: m[3] === '' ? null : (m[3] as string), dirty: m[4] === '+', build: m[5] as string, os: m[6] as string, arch: m[7] as string };
    }
  }
  return null;
}

/** Numeric comparison of dotted versions (3.1.0.0.8 < 3.1.0.0.10); non-numeric parts compare as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
