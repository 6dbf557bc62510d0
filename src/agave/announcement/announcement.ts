import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { isErrno } from '../../core/fs-errors.js';
import { snapplanPackage } from '../../core/package-root.js';
import { U64_MAX, type Slot } from '../../core/slot.js';
import { isBase58Of32Bytes } from '../base58.js';

/**
 * The values a cluster-restart announcement publishes. The announcement is the operator's
 * source of truth: every value snapplan would otherwise derive (hard forks, restart slot,
 * expected hash and shred version) is checked against it before anything moves.
 */
export interface Announcement {
  readonly cluster?: string | undefined;
  readonly ledgerToolVersion?: string | undefined; // semver, e.g. "3.1.7"
  readonly snapshotSlot?: Slot | undefined; // = --slot X
  readonly restartSlot?: Slot | undefined; // R
  readonly hardForks?: readonly Slot[] | undefined; // for create-snapshot
  readonly deactivateFeatureGates?: readonly string[] | undefined;
  readonly destakeVoteAccounts?: readonly string[] | undefined;
  readonly removeAccounts?: readonly string[] | undefined;
  readonly expectedBankHash?: string | undefined; // base58, 32 bytes
  readonly expectedShredVersion?: number | undefined; // 1..65535
  readonly validatorHardFork?: boolean | undefined; // does the validator's start get --hard-fork (default false)
  /** For messages: where each key came from, e.g. { restartSlot: 'restart-slot in ann.yaml' } or '--restart-slot'. */
  readonly sources: Readonly<Partial<Record<AnnouncementKey, string>>>;
}

export type AnnouncementKey = Exclude<keyof Announcement, 'sources'>;
export type AnnouncementValues = Omit<Announcement, 'sources'>;

/** Each value's key in a file and its flag; the order is the order of messages and reports. */
export const ANNOUNCEMENT_KEYS: readonly { readonly key: AnnouncementKey; readonly fileKey: string; readonly flag: string; readonly expected: string }[] = [
  { key: 'cluster', fileKey: 'cluster', flag: '--cluster', expected: 'non-empty text' },
  { key: 'ledgerToolVersion', fileKey: 'ledger-tool-version', flag: '--ledger-tool-version', expected: 'a release such as "3.1.7"' },
  { key: 'snapshotSlot', fileKey: 'snapshot-slot', flag: '--slot', expected: 'a slot (a whole number from 0 to 2^64-1)' },
  { key: 'restartSlot', fileKey: 'restart-slot', flag: '--restart-slot', expected: 'a slot (a whole number from 0 to 2^64-1)' },
  { key: 'hardForks', fileKey: 'hard-forks', flag: '--hard-fork', expected: 'a list of distinct slots' },
  { key: 'deactivateFeatureGates', fileKey: 'deactivate-feature-gates', flag: '--deactivate-feature-gate', expected: 'a list of distinct base58 public keys' },
  { key: 'destakeVoteAccounts', fileKey: 'destake-vote-accounts', flag: '--destake-vote-account', expected: 'a list of distinct base58 public keys' },
  { key: 'removeAccounts', fileKey: 'remove-accounts', flag: '--remove-account', expected: 'a list of distinct base58 public keys' },
  { key: 'expectedBankHash', fileKey: 'expected-bank-hash', flag: '--expected-bank-hash', expected: 'a base58 hash of 32 bytes' },
  { key: 'expectedShredVersion', fileKey: 'expected-shred-version', flag: '--expected-shred-version', expected: 'a whole number from 1 to 65535' },
  { key: 'validatorHardFork', fileKey: 'validator-hard-fork', flag: '--validator-hard-fork', expected: 'true or false' },
];

const SCHEMA_PATH = 'src/agave/announcement/announcement.schema.json';

/** Reads a YAML or JSON announcement, validates it against the shipped JSON Schema; UserError (exit 2) naming each bad key. */
export async function loadAnnouncement(file: string, cwd: string): Promise<Announcement> {
  const full = path.resolve(cwd, file);
  const shown = file;
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (error) {
    throw new UserError(`--announcement ${shown} cannot be read: ${isErrno(error, 'ENOENT') ? 'there is no such file' : (error as Error).message}.`, {
      hint: 'Pass the path of the announcement file (YAML or JSON).',
    });
  }
  const document = await parseDocument(text, shown);
  const problems = await schemaProblems(document);
  if (problems.length > 0) {
    throw new UserError(`The announcement ${shown} is not valid: ${problems.join('; ')}.`, {
      hint: `Fix those keys in ${shown} (the keys and their types are in ${SCHEMA_PATH} of the snapplan package).`,
    });
  }
  return fromDocument(document as Record<string, unknown>, shown);
}

/** JSON when it says so (extension or a leading brace), otherwise YAML (which JSON also is, mostly). */
async function parseDocument(text: string, shown: string): Promise<unknown> {
  const looksJson = shown.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{');
  if (looksJson) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new UserError(`The announcement ${shown} is not valid JSON: ${(error as Error).message}.`, {
        hint: 'Check the file with `jq . FILE`, or write it as YAML.',
      });
    }
  }
  const { parse } = await import('yaml');
  try {
    // Without this, an unquoted long digit string would become an imprecise number silently.
    return parse(text, { intAsBigInt: true, uniqueKeys: true, prettyErrors: true }) as unknown;
  } catch (error) {
    const first = String((error as Error).message).split('\n')[0] ?? '';
    throw new UserError(`The announcement ${shown} is not valid YAML: ${first}.`, {
      hint: 'Check the indentation and quoting near that line.',
    });
  }
}

type Validator = ((data: unknown) => boolean) & { errors?: readonly { instancePath: string; keyword: string; params: Record<string, unknown> }[] | null };
let validator: Validator | undefined;

/** Ajv is loaded only when an announcement is read: `plan` without one never pays for it. */
async function compiledSchema(): Promise<Validator> {
  if (validator) return validator;
  const { default: Ajv2020 } = await import('ajv/dist/2020.js');
  const schema = JSON.parse(readFileSync(path.join(snapplanPackage().root, SCHEMA_PATH), 'utf8')) as object;
  const ajv = new Ajv2020.default({ allErrors: true, strict: true });
  validator = ajv.compile(schema) as Validator;
  return validator;
}

/** One sentence per bad key, in the order of ANNOUNCEMENT_KEYS, then unknown keys. */
async function schemaProblems(document: unknown): Promise<string[]> {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return [`it must be a mapping of keys (${ANNOUNCEMENT_KEYS.map((k) => k.fileKey).join(', ')}), not ${describe(document)}`];
  }
  // JSON Schema has no bigint: YAML integers come as bigint, so show Ajv plain numbers or digit strings.
  const forSchema = Object.fromEntries(Object.entries(document).map(([key, value]) => [key, unBigInt(value)]));
  const validate = await compiledSchema();
  if (validate(forSchema)) return [];
  const missing = new Set<string>();
  const unknown = new Set<string>();
  const bad = new Set<string>();
  for (const error of validate.errors ?? []) {
    if (error.instancePath === '' && error.keyword === 'required') missing.add(String(error.params['missingProperty']));
    else if (error.instancePath === '' && error.keyword === 'additionalProperties') unknown.add(String(error.params['additionalProperty']));
    else bad.add(decodeURIComponent(error.instancePath.split('/')[1] ?? '').replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  const values = document as Record<string, unknown>;
  const problems: string[] = [];
  for (const { fileKey, expected } of ANNOUNCEMENT_KEYS) {
    if (missing.has(fileKey)) problems.push(`${fileKey} is missing`);
    else if (bad.has(fileKey)) problems.push(`${fileKey} ${show(values[fileKey])} is not ${expected}`);
  }
  for (const key of bad) if (!ANNOUNCEMENT_KEYS.some((k) => k.fileKey === key)) problems.push(`${key} ${show(values[key])} is not text`);
  for (const key of unknown) problems.push(`${key} is not a known key${suggestion(key)}`);
  return problems;
}

function unBigInt(value: unknown): unknown {
  if (typeof value === 'bigint') return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= 0n ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(unBigInt);
  return value;
}

/** The schema has passed; the checks JSON Schema cannot express (u64 range, base58 byte length) remain. */
function fromDocument(doc: Record<string, unknown>, shown: string): Announcement {
  const problems: string[] = [];
  const sources: Partial<Record<AnnouncementKey, string>> = {};
  const values: Record<string, unknown> = {};
  for (const { key, fileKey } of ANNOUNCEMENT_KEYS) {
    const raw = doc[fileKey];
    if (raw === undefined) continue;
    sources[key] = `${fileKey} in ${shown}`;
    switch (key) {
      case 'snapshotSlot':
      case 'restartSlot': {
        const slot = toSlot(raw);
        if (slot === undefined) problems.push(`${fileKey} ${show(raw)} is larger than the largest slot (${U64_MAX}), or was written as a number too large to be exact (quote it)`);
        values[key] = slot;
        break;
      }
      case 'hardForks': {
        const slots = (raw as unknown[]).map(toSlot);
        if (slots.some((s) => s === undefined)) problems.push(`${fileKey} ${show(raw)} holds a value that is not an exact u64 slot (quote slots above 2^53)`);
        else if (new Set(slots.map(String)).size !== slots.length) problems.push(`${fileKey} ${show(raw)} names a slot twice`);
        values[key] = slots;
        break;
      }
      case 'deactivateFeatureGates':
      case 'destakeVoteAccounts':
      case 'removeAccounts': {
        const wrong = (raw as string[]).filter((k) => !isBase58Of32Bytes(k));
        if (wrong.length > 0) problems.push(`${fileKey} holds ${wrong.map((k) => JSON.stringify(k)).join(', ')}, not a base58 public key of 32 bytes`);
        values[key] = raw;
        break;
      }
      case 'expectedBankHash':
        if (!isBase58Of32Bytes(raw as string)) problems.push(`${fileKey} ${show(raw)} is not a base58 hash of 32 bytes`);
        values[key] = raw;
        break;
      case 'expectedShredVersion':
        values[key] = Number(raw);
        break;
      case 'ledgerToolVersion':
        values[key] = (raw as string).replace(/^v/, '');
        break;
      default:
        values[key] = raw;
    }
  }
  if (problems.length > 0) {
    throw new UserError(`The announcement ${shown} is not valid: ${problems.join('; ')}.`, { hint: `Fix those keys in ${shown}.` });
  }
  return { ...(values as AnnouncementValues), sources };
}

function toSlot(raw: unknown): Slot | undefined {
  if (typeof raw === 'bigint') return raw >= 0n && raw <= U64_MAX ? raw : undefined;
  if (typeof raw === 'number') return Number.isSafeInteger(raw) && raw >= 0 ? BigInt(raw) : undefined;
  if (typeof raw === 'string' && /^[0-9]+$/.test(raw)) {
    const value = BigInt(raw);
    return value <= U64_MAX ? value : undefined;
  }
  return undefined;
}

/** Flags win nothing: a flag that differs from the file's value is a UserError naming both. */
export function mergeAnnouncement(file: Announcement | null, flags: Omit<Announcement, 'sources'>): Announcement {
  const merged: Record<string, unknown> = {};
  const sources: Partial<Record<AnnouncementKey, string>> = { ...(file?.sources ?? {}) };
  const conflicts: string[] = [];
  for (const { key, flag } of ANNOUNCEMENT_KEYS) {
    const fromFile = file?.[key];
    const fromFlag = flags[key];
    if (fromFile !== undefined && fromFlag !== undefined && !sameValue(fromFile, fromFlag)) {
      conflicts.push(`${flag} ${formatValue(fromFlag)} differs from ${sources[key] ?? key} (${formatValue(fromFile)})`);
    }
    const value = fromFile ?? fromFlag;
    if (value === undefined) continue;
    merged[key] = value;
    if (fromFile === undefined) sources[key] = flag;
  }
  if (conflicts.length > 0) {
    throw new UserError(`${conflicts.join('; ')}.`, {
      hint: 'The announcement is the source of truth: drop the flag, or correct the announcement file if it is the one that is wrong.',
    });
  }
  return { ...(merged as AnnouncementValues), sources };
}

/** Lists compare as sets (the order of repeated flags carries no meaning); everything else exactly. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const left = [...new Set(a.map(String))].sort();
    const right = [...new Set(b.map(String))].sort();
    return left.length === right.length && left.every((v, i) => v === right[i]);
  }
  return a === b;
}

/** A value as an operator would type it: lists comma-separated, slots as digits. */
export function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(String).join(', ');
  return String(value);
}

function show(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'an empty document';
  if (Array.isArray(value)) return 'a list';
  return `the ${typeof value} ${show(value)}`;
}

/** "did you mean" for the keys operators mistype most: singular forms and underscores. */
function suggestion(key: string): string {
  const normal = key.toLowerCase().replace(/_/g, '-');
  const match = ANNOUNCEMENT_KEYS.find((k) => k.fileKey === normal || k.fileKey === `${normal}s` || k.flag === `--${normal}`);
  return match ? ` (did you mean ${match.fileKey}?)` : '';
}
