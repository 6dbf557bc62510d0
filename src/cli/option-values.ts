import { UserError } from '../core/errors.js';
import type { OptionSpec, PositionalSpec } from './define-command.js';

/**
 * Reads one option's value as the command line gave it, for every command in one place
 * (register.ts hands these to yargs as `coerce`). Numbers are read from the text typed, not
 * from yargs' own number parsing, which turns `abc` into NaN and loses what was given.
 * Throws a UserError naming the flag, the value given and what is expected.
 */
export function readOptionValue(flag: string, spec: OptionSpec | PositionalSpec, raw: unknown): unknown {
  if ('array' in spec && spec.array) return (Array.isArray(raw) ? raw : [raw]).map((v) => String(v));
  const value = single(flag, raw);
  if (value === undefined || typeof value === 'boolean') return value;
  switch (spec.type) {
    case 'path':
      if (String(value) === '') {
        throw new UserError(`${flag} was given an empty path.`, { hint: `Name the file or folder after ${flag} (a relative path is taken from the current folder).` });
      }
      return String(value);
    case 'number':
    case 'integer':
      return readNumber(flag, spec as OptionSpec, value);
    case 'seconds':
      return readSeconds(flag, spec as OptionSpec, value);
    default:
      return typeof value === 'number' ? String(value) : value;
  }
}

/**
 * A flag given more than once: the same value is harmless; two different values are refused
 * rather than one picked silently (which restart slot, which ledger was meant?).
 */
function single(flag: string, raw: unknown): unknown {
  if (!Array.isArray(raw)) return raw;
  const distinct = [...new Set(raw.map((v) => String(v)))];
  if (distinct.length > 1) {
    throw new UserError(`${flag} was given ${raw.length} times with different values (${distinct.map((v) => JSON.stringify(v)).join(', ')}).`, {
      hint: `Give ${flag} once, with the value you mean.`,
    });
  }
  return raw[raw.length - 1];
}

const DECIMAL = /^[0-9]+(\.[0-9]+)?$/;
const SIGNED_DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;
const WHOLE = /^-?[0-9]+$/;

function readNumber(flag: string, spec: OptionSpec, value: unknown): number {
  const text = String(value).trim();
  const whole = spec.type === 'integer';
  const parsed = (whole ? WHOLE : SIGNED_DECIMAL).test(text) ? Number(text) : NaN;
  const ok = Number.isFinite(parsed) && (spec.min === undefined || parsed >= spec.min) && (spec.max === undefined || parsed <= spec.max);
  if (ok) return parsed;
  const range = spec.min !== undefined && spec.max !== undefined ? ` from ${spec.min} to ${spec.max}` : spec.min !== undefined ? ` ≥ ${spec.min}` : spec.max !== undefined ? ` ≤ ${spec.max}` : '';
  const kind = whole ? 'a whole number' : 'a number';
  const example = spec.default ?? spec.min ?? 1;
  throw new UserError(`${flag} ${JSON.stringify(String(value))} is not ${kind}${range}.`, { hint: `Give ${kind}${range}, e.g. ${flag} ${example}.` });
}

function readSeconds(flag: string, spec: OptionSpec, value: unknown): number {
  const text = String(value).trim();
  const parsed = DECIMAL.test(text) ? Number(text) : NaN;
  if (Number.isFinite(parsed) && (parsed > 0 || (parsed === 0 && spec.zero !== undefined))) return parsed;
  const example = typeof spec.default === 'number' && spec.default > 0 ? spec.default : 60;
  const expected = spec.zero === undefined ? 'a positive number of seconds' : `a number of seconds (0: ${spec.zero})`;
  const shown = /^[0-9.]+$/.test(String(value)) ? String(value) : JSON.stringify(String(value));
  throw new UserError(`${flag} ${shown} is not ${expected}.`, { hint: `For example ${flag} ${example}.` });
}

/** Seconds (as given, validated) → milliseconds for the services. */
export function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1000);
}
