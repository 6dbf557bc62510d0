// Subpath imports: semver's index pulls in ranges and every helper (~20 ms at start-up).
import semverMajor from 'semver/functions/major.js';
import semverValid from 'semver/functions/valid.js';

export interface ParsedToolVersion {
  readonly name: string;
  /** Normalised semver, e.g. `2.3.13`, `4.0.0-rc.1`. */
  readonly version: string;
  readonly commit: string | null;
  readonly client: string | null;
}

// clap prints `<crate name> <version!()>`; version!() is `X.Y.Z (src:…; feat:…, client:…)`
// since ~1.16, without `, client:` before that, and v4 prints feat as hex with prerelease tags.
const VERSION_LINE = /^(\S+) ([0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.]+)?)(?: \(src:([^;)]*)(?:; feat:([0-9a-fA-F]+))?(?:, client:(.+))?\))?\s*$/;

/** Parses the first line of `agave-ledger-tool --version`; null if it is not that shape. */
export function parseToolVersion(text: string): ParsedToolVersion | null {
  const line = text.split('\n').find((l) => l.trim().length > 0)?.trim() ?? '';
  const match = VERSION_LINE.exec(line);
  if (!match?.[1] || !match[2]) return null;
  const version = semverValid(match[2]);
  if (version === null) return null;
  return { name: match[1], version, commit: match[3] ?? null, client: match[5] ?? null };
}

/**
 * How ledger-tool takes its snapshot folders, by release (Agave ledger-tool args history):
 * - `v1`: `--snapshot-archive-path` (full) + `--incremental-snapshot-archive-path`.
 * - `v2`: `--snapshots` (its aliases `--snapshot-archive-path`/`--full-snapshot-archive-path`
 *   name the same value, so a separate full folder cannot be given) + incremental path.
 * - `v3`: `--snapshots`, `--full-snapshot-archive-path`, `--incremental-snapshot-archive-path`
 *   as three flags (agave PR #7469); `--snapshot-archive-path` removed in 3.1 (PR #8296).
 */
export type FlagEra = 'v1' | 'v2' | 'v3';

export function flagEraOf(version: string | null): FlagEra | null {
  if (version === null) return null;
  const major = semverMajor(version);
  return major < 2 ? 'v1' : major < 3 ? 'v2' : 'v3';
}

/** Agave 3.0 removed loading of tar, tar.gz and tar.bz2 archives (agave PR #6541). */
export function loadsLegacyArchives(version: string | null): boolean | null {
  return version === null ? null : semverMajor(version) < 3;
}
