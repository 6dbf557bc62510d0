import type { AxisMark } from '../../output/slot-axis.js';
import { drawSlotAxis } from '../../output/slot-axis.js';
import type { Slot } from '../../core/slot.js';
import { Line, Tone } from './Tone.js';

export interface SlotAxisProps {
  readonly marks: readonly AxisMark[];
  readonly range: { readonly first: Slot; readonly last: Slot } | null;
  readonly width: number;
  readonly legend: string;
}

/** The slot line of `snapplan plan`, as two rows: the axis with its ends, and the legend. */
export function slotAxisLines({ marks, range, width, legend }: SlotAxisProps) {
  const lowWidth = 10;
  const axis = drawSlotAxis({ marks, range, width: Math.max(10, width - lowWidth * 2 - 4) });
  if (!axis) return [];
  return [
    <Line>
      {' '}
      {String(axis.low).padStart(lowWidth)} {colourAxis(axis.line)} {String(axis.high)}
    </Line>,
    <Line>
      <Tone tone="dim">
        {' '.repeat(lowWidth + 2)}
        {legend}
      </Tone>
    </Line>,
  ];
}

/** The target stands out; the blockstore segment is the line itself (═ vs ─ without colour). */
function colourAxis(line: string) {
  const parts: { text: string; x: boolean }[] = [];
  for (const ch of line) {
    const x = ch === 'X';
    const last = parts.at(-1);
    if (last && last.x === x) last.text += ch;
    else parts.push({ text: ch, x });
  }
  return parts.map((p, i) => (p.x ? <Tone key={i} tone="accent">{p.text}</Tone> : <Tone key={i} tone="dim">{p.text}</Tone>));
}
