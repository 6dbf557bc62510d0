import { Box } from 'ink';
import type { ReactNode } from 'react';
import { Line, Tone } from './Tone.js';

export interface ScrollViewProps {
  readonly lines: readonly ReactNode[];
  readonly offset: number;
  readonly height: number;
  readonly width: number;
}

/** The first line shown for a requested offset: never past the end, never negative. */
export function clampOffset(offset: number, count: number, height: number): number {
  return Math.max(0, Math.min(offset, count - height));
}

/** A window of `height` rows on a list of lines, with "more above / below" markers. */
export function ScrollView({ lines, offset, height, width }: ScrollViewProps) {
  const start = clampOffset(offset, lines.length, height);
  const above = start;
  let visible = lines.slice(start, start + height);
  const below = lines.length - start - visible.length;
  const rows: ReactNode[] = [...visible];
  if (above > 0 && rows.length > 0) rows[0] = <Line><Tone tone="dim">↑ {above + 1} more (k, PgUp)</Tone></Line>;
  if (below > 0 && rows.length > 0) rows[rows.length - 1] = <Line><Tone tone="dim">↓ {below + 1} more (j, PgDn)</Tone></Line>;
  visible = rows;
  return (
    <Box flexDirection="column" height={height} width={width}>
      {visible.map((line, i) => (
        <Box key={start + i} width={width}>
          {line}
        </Box>
      ))}
    </Box>
  );
}
