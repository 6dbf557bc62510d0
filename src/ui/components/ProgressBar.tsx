import { Text } from 'ink';
import { Tone } from './Tone.js';

/** `[██████░░░░] 60%`; width counts the bar only. */
export function ProgressBar({ done, total, width }: { readonly done: number; readonly total: number; readonly width: number }) {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  return (
    <Text>
      [<Tone tone="ok">{'█'.repeat(filled)}</Tone>
      <Tone tone="dim">{'░'.repeat(width - filled)}</Tone>] {String(Math.round(ratio * 100)).padStart(3)}%
    </Text>
  );
}
