import type { ReactNode } from 'react';
import type { ErrorInfo } from '../model.js';
import { wrapText } from '../text.js';
import { Line, Tone } from './Tone.js';

/** An error as rows: ✘ the message, the tool's last lines, → what to do. */
export function errorLines({ error, width, title, indent = 0 }: { readonly error: ErrorInfo; readonly width: number; readonly title?: string; readonly indent?: number }): ReactNode[] {
  const pad = ' '.repeat(indent);
  const out: ReactNode[] = [];
  if (title) out.push(<Line><Tone tone="error">✘ {title}</Tone></Line>);
  wrapText(error.message, width - indent - 2).forEach((l, i) =>
    out.push(<Line>{pad}{title ? '  ' : i === 0 ? <Tone tone="error">✘ </Tone> : '  '}{l}</Line>),
  );
  if (error.outputTail) for (const l of error.outputTail.split('\n')) out.push(<Line><Tone tone="dim">{pad}  | {l}</Tone></Line>);
  if (error.hint) wrapText(error.hint, width - indent - 4).forEach((l, i) => out.push(<Line>{pad}  <Tone tone="dim">{i === 0 ? '→ ' : '  '}</Tone>{l}</Line>));
  return out;
}
