import { tryParseU64 } from '../../core/slot.js';
import type { SlotCount } from '../blockstore/blockstore-source.js';

export interface ParsedBounds {
  readonly slots: SlotCount | null;
  readonly roots: SlotCount | null;
  readonly format: 'json' | 'text';
}

/**
 * Parses what `agave-ledger-tool bounds` printed. JSON came with solana-labs PR #28410
 * (~1.15/1.16); older releases accept `--output json` and still print text, so every text
 * form is understood too. Returns null for anything else: the caller reports it verbatim.
 */
export function parseBoundsOutput(stdout: string): ParsedBounds | null {
  const trimmed = stdout.trim();
  if (trimmed.startsWith('{')) return parseJson(trimmed);
  return parseText(trimmed);
}

function parseJson(text: string): ParsedBounds | null {
  // Slots must stay exact, and JSON.parse rounds above 2^53: quote integers before parsing.
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/([:[,]\s*)(-?[0-9]+)(?=\s*[,}\]])/g, '$1"$2"'));
  } catch {
    return null;
  }
  if (!isRecord(doc) || !isRecord(doc['slots']) || !isRecord(doc['roots'])) return null;
  const slots = jsonCount(doc['slots']);
  const roots = jsonCount(doc['roots']);
  if (slots === undefined || roots === undefined) return null;
  return { slots, roots, format: 'json' };
}

/** `{"total":N,"first":X|null,"last":Y|null}` → SlotCount, null (none) or undefined (malformed). */
function jsonCount(info: Record<string, unknown>): SlotCount | null | undefined {
  const total = typeof info['total'] === 'string' ? tryParseU64(info['total']) : undefined;
  if (total === undefined) return undefined;
  if (total === 0n) return null;
  const first = typeof info['first'] === 'string' ? tryParseU64(info['first']) : undefined;
  const last = typeof info['last'] === 'string' ? tryParseU64(info['last']) : undefined;
  if (first === undefined || last === undefined || first > last) return undefined;
  return { total, first, last };
}

const RANGE = /^Ledger has data for ([0-9]+) slots ([0-9]+) to ([0-9]+)$/;
const SINGLE = /^Ledger has data for slot ([0-9]+)$/;
const ROOTS = /^with ([0-9]+) rooted slots from ([0-9]+) to ([0-9]+)$/;

function parseText(text: string): ParsedBounds | null {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  const head = lines[0];
  if (head === undefined) return null;
  if (head === 'Ledger is empty') return { slots: null, roots: null, format: 'text' };

  let slots: SlotCount | null = null;
  const range = RANGE.exec(head);
  const single = SINGLE.exec(head);
  if (range) slots = count(range[1], range[2], range[3]) ?? null;
  else if (single) slots = count("1", single[1], single[1]) ?? null;
  if (!slots) return null;

  let roots: SlotCount | null | undefined;
  for (const line of lines.slice(1)) {
    const rootLine = ROOTS.exec(line);
    if (rootLine) {
      // Before PR #28410 a ledger without roots printed "with 0 rooted slots from 0 to 0".
      roots = rootLine[1] === '0' ? null : count(rootLine[1], rootLine[2], rootLine[3]);
      if (roots === undefined) return null;
    } else if (line === 'with no rooted slots') {
      roots = null;
    } else if (!line.startsWith('Non-empty slots:') && !/^and [0-9]+ slots past the last root$/.test(line)) {
      return null;
    }
  }
  if (roots === undefined) return null;
  return { slots, roots, format: 'text' };
}

function count(total?: string, first?: string, last?: string): SlotCount | undefined {
  const t = tryParseU64(total ?? '');
  const f = tryParseU64(first ?? '');
  const l = tryParseU64(last ?? '');
  if (t === undefined || f === undefined || l === undefined || f > l) return undefined;
  return { total: t, first: f, last: l };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
