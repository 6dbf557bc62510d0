import { Text } from 'ink';
import type { ReactNode } from 'react';
import { useTheme } from '../hooks/use-theme.js';

export type ToneName = 'ok' | 'warn' | 'error' | 'info' | 'dim' | 'strong' | 'accent' | 'key';

/**
 * Styled text that is plain under NO_COLOR: meaning never rests on colour alone, every status
 * also has its symbol (✔ ⚠ ✘ ›).
 */
export function Tone({ tone, children }: { readonly tone: ToneName; readonly children: ReactNode }) {
  const { color } = useTheme();
  if (!color) return <Text>{children}</Text>;
  switch (tone) {
    case 'ok':
      return <Text color="green">{children}</Text>;
    case 'warn':
      return <Text color="yellow">{children}</Text>;
    case 'error':
      return <Text color="red">{children}</Text>;
    case 'info':
      return <Text color="blue">{children}</Text>;
    case 'dim':
      return <Text dimColor>{children}</Text>;
    case 'strong':
      return <Text bold>{children}</Text>;
    case 'accent':
      return <Text color="cyan">{children}</Text>;
    case 'key':
      return <Text color="cyan" bold>{children}</Text>;
  }
}

/** One screen row: never wraps, so a screen's height is its number of lines. */
export function Line({ children }: { readonly children?: ReactNode }) {
  return <Text wrap="truncate-end">{children ?? ' '}</Text>;
}
