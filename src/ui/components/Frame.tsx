import { Box } from 'ink';
import type { ReactNode } from 'react';
import { shortenMiddle } from '../text.js';
import { Line, Tone } from './Tone.js';

export interface FrameProps {
  readonly title: string;
  readonly ledger: string;
  readonly width: number;
  /** Rows for the whole frame: a title row, the body, a key row. */
  readonly height: number;
  readonly keys: readonly (readonly [string, string])[];
  /** A one-line message shown above the keys (e.g. why a key did nothing). */
  readonly notice?: string | null | undefined;
  readonly children: ReactNode;
}

/** Title row, the screen's body, and the keys that work on it. */
export function Frame({ title, ledger, width, height, keys, notice, children }: FrameProps) {
  const left = `snapplan · ${title}`;
  const room = Math.max(0, width - left.length - 3);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Box width={width}>
        <Line>
          <Tone tone="strong">{left}</Tone>
          <Tone tone="dim">{room > 8 ? `   ${shortenMiddle(ledger, room)}` : ''}</Tone>
        </Line>
      </Box>
      <Box flexDirection="column" width={width} height={Math.max(1, height - 2)}>
        {children}
      </Box>
      <Box width={width}>
        {notice ? (
          <Line>
            <Tone tone="warn">{notice}</Tone>
          </Line>
        ) : (
          <Line>
            {keys.map(([key, label], i) => (
              <Tone key={key} tone="dim">
                {i > 0 ? '  ' : ''}
                <Tone tone="key">{key}</Tone> {label}
              </Tone>
            ))}
          </Line>
        )}
      </Box>
    </Box>
  );
}

/** The body height a frame of `height` rows leaves its screen. */
export function bodyHeight(height: number): number {
  return Math.max(1, height - 2);
}
