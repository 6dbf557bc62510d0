import { tryParseU64, type Slot } from '../core/slot.js';
import { isBase58Of32Bytes } from './base58.js';

/** Archive formats Agave has written. Only zst and lz4 load in Agave >= 3.0. */
export type ArchiveFormat = 'tar.zst' | 'tar.lz4' | 'tar' | 'tar.gz' | 'tar.bz2';

export const CURRENT_FORMATS: readonly ArchiveFormat[] = ['tar.zst', 'tar.lz4'];
export const LEGACY_FORMATS: readonly ArchiveFormat[] = ['tar', 'tar.gz', 'tar.bz2'];

export interface ParsedArchiveName {
  readonly kind: 'full' | 'incremental';
  readonly slot: Slot;
  /** The full snapshot slot an incremental is based on; undefined for full archives. */
  readonly baseSlot?: Slot | undefined;
  /** Base58 snapshot hash from the name (not the bank hash). */
  readonly hash: string;
  readonly format: ArchiveFormat;
  /** tar, tar.gz, tar.bz2: readable up to Agave 2.x, no longer loadable from 3.0 (agave PR #6541). */
  readonly legacy: boolean;
}

export type NameVerdict =
  | { readonly ok: true; readonly archive: ParsedArchiveName }
  | { readonly ok: false; readonly reason: string }
  /** Not snapshot-shaped at all: the caller decides whether it is worth listing. */
  | { readonly ok: false; readonly reason: null };

// Same shape as Agave's regexes (snapshots/src/paths.rs), with the pre-3.0 extension list so
// that old ledgers are understood. Rust's [[:digit:]]/[[:alnum:]] are ASCII-only, as here.
// Alternation order matters: "tar" must not win over "tar.zst", so the longer names come first.
// Numbered groups, not named ones: this runs once per directory entry, thousands of times.
const EXT = '(tar\\.zst|tar\\.lz4|tar\\.bz2|tar\\.gz|tar)';
const FULL = new RegExp(`^snapshot-([0-9]+)-([0-9A-Za-z]+)\\.${EXT}$`);
const INCREMENTAL = new RegExp(`^incremental-snapshot-([0-9]+)-([0-9]+)-([0-9A-Za-z]+)\\.${EXT}$`);

/** Names Agave writes while an archive or bank snapshot is being produced. */
const STAGING_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['tmp-snapshot-archive-', 'in-progress snapshot archive (Agave staging name; removed at validator start-up)'],
  ['tmp-incremental-snapshot-', 'in-progress incremental snapshot (staging name of Agave/Solana <= 1.8)'],
  ['tmp-bank-snapshot-', 'in-progress bank snapshot (staging name of Solana 1.x)'],
  ['tmp-snapshot-', 'in-progress snapshot (staging name of Solana <= 1.8)'],
];

const LOOKS_LIKE_SNAPSHOT = /^(incremental-)?snapshot-/;

/**
 * Classifies one directory entry of a snapshot archive folder exactly as Agave would:
 * a name is a candidate only if the regex matches, both slots fit in u64 and the hash is
 * base58 of exactly 32 bytes. Everything else is "not a snapshot", with the reason.
 */
export function parseArchiveName(name: string): NameVerdict {
  if (name.startsWith('tmp-')) {
    for (const [prefix, reason] of STAGING_PREFIXES) {
      if (name.startsWith(prefix)) return { ok: false, reason };
    }
  }
  if (name.endsWith('.tmp')) {
    return { ok: false, reason: 'partial download (a .tmp file is renamed only once complete)' };
  }
  // snapplan fetch downloads into <name>.partial (+ <name>.partial.json) and renames when checked.
  if (name.endsWith('.partial') || name.endsWith('.partial.json')) {
    return { ok: false, reason: 'partial download by snapplan fetch (resumed by the next fetch, renamed only once checked)' };
  }
  if (name.endsWith('_to_be_deleted')) {
    return { ok: false, reason: 'scheduled for deletion by Agave (asynchronous purge)' };
  }

  const incremental = name.startsWith('incremental-') ? INCREMENTAL.exec(name) : null;
  const full = incremental === null && name.startsWith('snapshot-') ? FULL.exec(name) : null;
  if (incremental === null && full === null) {
    if (LOOKS_LIKE_SNAPSHOT.test(name)) {
      return { ok: false, reason: 'looks like a snapshot archive but the name does not match Agave\'s pattern or format list' };
    }
    return { ok: false, reason: null };
  }

  // Groups: full = [slot, hash, ext]; incremental = [base, slot, hash, ext].
  const groups = (incremental ?? full) as RegExpExecArray;
  const offset = incremental ? 1 : 0;
  const slot = u64FromDigits(groups[1 + offset] as string);
  if (slot === undefined) return { ok: false, reason: 'slot number does not fit in an unsigned 64-bit integer' };
  let baseSlot: Slot | undefined;
  if (incremental) {
    baseSlot = u64FromDigits(groups[1] as string);
    if (baseSlot === undefined) return { ok: false, reason: 'base slot does not fit in an unsigned 64-bit integer' };
  }
  const hash = groups[2 + offset] as string;
  if (!isHash(hash)) return { ok: false, reason: 'hash is not base58 of exactly 32 bytes' };
  const format = groups[3 + offset] as ArchiveFormat;
  return {
    ok: true,
    archive: { kind: incremental ? 'incremental' : 'full', slot, baseSlot, hash, format, legacy: LEGACY_FORMATS.includes(format) },
  };
}

/** Digits already checked by the regex: parse, and refuse what does not fit in a u64. */
function u64FromDigits(digits: string): Slot | undefined {
  // u64::MAX has 20 digits; anything shorter always fits.
  return digits.length < 20 ? BigInt(digits) : tryParseU64(digits);
}

/** True when `text` is base58 (Bitcoin alphabet) decoding to exactly 32 bytes, like Agave's `Hash`. */
export function isHash(text: string): boolean {
  return isBase58Of32Bytes(text);
}

/** Agave's own builders: `snapshot-{slot}-{hash}.{ext}` and `incremental-snapshot-{base}-{slot}-{hash}.{ext}`. */
export function formatArchiveName(archive: Pick<ParsedArchiveName, 'kind' | 'slot' | 'baseSlot' | 'hash' | 'format'>): string {
  return archive.kind === 'full'
    ? `snapshot-${archive.slot}-${archive.hash}.${archive.format}`
    : `incremental-snapshot-${archive.baseSlot}-${archive.slot}-${archive.hash}.${archive.format}`;
}
