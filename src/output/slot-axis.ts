import type { Plan } from '../agave/plan-model.js';
import type { Slot } from '../core/slot.js';

export interface AxisMark {
  readonly slot: Slot;
  /** One character drawn at the slot's column. Later marks win a shared column. */
  readonly char: string;
}

export interface AxisInput {
  readonly marks: readonly AxisMark[];
  /** The blockstore range, drawn as a thick segment on the line. */
  readonly range: { readonly first: Slot; readonly last: Slot } | null;
  readonly width: number;
}

export interface AxisLine {
  readonly low: Slot;
  readonly high: Slot;
  /** Exactly `width` characters: ─ outside the blockstore range, ═ inside, marks on top. */
  readonly line: string;
}

/**
 * Draws slots on one line of fixed width. Slot values can be near 2^64, so positions are
 * computed with bigint arithmetic; the scale is linear between the lowest and highest slot.
 */
export function drawSlotAxis(input: AxisInput): AxisLine | null {
  const slots = [...input.marks.map((m) => m.slot), ...(input.range ? [input.range.first, input.range.last] : [])];
  if (slots.length === 0 || input.width < 2) return null;
  let low = slots[0] as Slot;
  let high = low;
  for (const s of slots) {
    if (s < low) low = s;
    if (s > high) high = s;
  }
  const cols = BigInt(input.width - 1);
  const span = high - low;
  const column = (s: Slot) => (span === 0n ? 0 : Number(((s - low) * cols) / span));
  const cells = Array.from({ length: input.width }, () => '─');
  if (input.range) {
    for (let c = column(input.range.first); c <= column(input.range.last); c++) cells[c] = '═';
  }
  for (const [col, char] of placeMarks(input.marks, column, input.width)) cells[col] = char;
  return { low, high, line: cells.join('') };
}

/**
 * Marks at different slots get different columns, in slot order, even when the scale would
 * put them together (a base 80 slots below X on a 35,000-slot line): an operator must see
 * "F … I X ^" in the right order. Marks at the same slot share a column; the later one wins.
 */
function placeMarks(marks: readonly AxisMark[], column: (s: Slot) => number, width: number): Array<[number, string]> {
  const bySlot = new Map<Slot, string>();
  for (const mark of marks) bySlot.set(mark.slot, mark.char);
  const ordered = [...bySlot].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const cols = ordered.map(([slot]) => column(slot));
  for (let i = 1; i < cols.length; i++) cols[i] = Math.max(cols[i] as number, (cols[i - 1] as number) + 1);
  for (let i = cols.length - 1; i >= 0; i--) cols[i] = Math.min(cols[i] as number, i === cols.length - 1 ? width - 1 : (cols[i + 1] as number) - 1);
  return ordered.map(([, char], i) => [Math.max(0, cols[i] as number), char]);
}

/** A plan on the slot line: F full base, I incremental base, X target, ^ moved aside. */
export function planAxisMarks(plan: Plan): AxisMark[] {
  const marks: AxisMark[] = plan.quarantine.map((q) => ({ slot: q.slot, char: '^' }));
  if (plan.base) {
    marks.push({ slot: plan.base.full.slot, char: 'F' });
    if (plan.base.incremental) marks.push({ slot: plan.base.incremental.slot, char: 'I' });
  }
  marks.push({ slot: plan.targetSlot, char: 'X' });
  return marks;
}
