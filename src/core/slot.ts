import { UserError } from './errors.js';

/**
 * Slots are Rust `u64`s. JavaScript numbers lose precision above 2^53, so every slot is a
 * `bigint` from the moment it is parsed until it is printed.
 */
export type Slot = bigint;

export const U64_MAX: Slot = (1n << 64n) - 1n;

const DIGITS = /^[0-9]+$/;

/** Parses decimal digits as a u64, or returns undefined (no sign, no spaces, no exponent). */
export function tryParseU64(text: string): Slot | undefined {
  if (!DIGITS.test(text)) return undefined;
  const value = BigInt(text);
  return value <= U64_MAX ? value : undefined;
}

/** Parses an operator-supplied slot; the error names the flag so the fix is obvious. */
export function parseSlotArg(text: string, flag: string): Slot {
  const trimmed = text.trim();
  const value = tryParseU64(trimmed);
  if (value === undefined) {
    const why = trimmed.startsWith('-')
      ? 'slots cannot be negative'
      : DIGITS.test(trimmed)
        ? `it is larger than the largest slot (${U64_MAX})`
        : 'it is not a whole number';
    throw new UserError(`${flag} ${JSON.stringify(text)} is not a valid slot: ${why}.`, {
      hint: `Pass an unsigned 64-bit integer, for example ${flag} 289624982.`,
    });
  }
  return value;
}

export interface SlotRange {
  readonly first: Slot;
  readonly last: Slot;
}

/** Parses `FIRST..LAST` (inclusive) as typed by an operator. */
export function parseSlotRangeArg(text: string, flag: string): SlotRange {
  const match = /^\s*([^.]+)\.\.([^.]+)\s*$/.exec(text);
  if (!match?.[1] || !match[2]) {
    throw new UserError(`${flag} ${JSON.stringify(text)} is not a slot range of the form FIRST..LAST.`, {
      hint: `Write it as FIRST..LAST, for example ${flag} 289600000..289625000.`,
    });
  }
  const first = parseSlotArg(match[1], `${flag} (first)`);
  const last = parseSlotArg(match[2], `${flag} (last)`);
  if (first > last) {
    throw new UserError(`${flag} ${text}: the first slot is after the last.`, {
      hint: 'Write the lower slot first.',
    });
  }
  return { first, last };
}

export function maxSlot(a: Slot, b: Slot): Slot {
  return a > b ? a : b;
}

export function minSlot(a: Slot, b: Slot): Slot {
  return a < b ? a : b;
}

export function compareSlots(a: Slot, b: Slot): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The parts of `wanted` not covered by `have` (both inclusive). Used for "which blocks are
 * missing": at most two pieces, one below and one above the available range.
 */
export function subtractRange(wanted: SlotRange, have: SlotRange | null): SlotRange[] {
  if (have === null || have.last < wanted.first || have.first > wanted.last) return [wanted];
  const missing: SlotRange[] = [];
  if (have.first > wanted.first) missing.push({ first: wanted.first, last: have.first - 1n });
  if (have.last < wanted.last) missing.push({ first: have.last + 1n, last: wanted.last });
  return missing;
}
