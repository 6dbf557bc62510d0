import type { ReactNode } from 'react';
import { ScrollView } from './ScrollView.js';
import { Line, Tone } from './Tone.js';

const KEYS: readonly (readonly [string, string])[] = [
  ['↑ ↓  j k', 'move, scroll (PgUp/PgDn by a page)'],
  ['Enter', 'go on: choose X, plan, apply, pick'],
  ['Esc', 'back one screen'],
  ['Tab', 'next field on the target screen'],
  ['x', 'ledger view: choose the restart slot X'],
  ['a', 'plan: apply it (asks before changing anything)'],
  ['u', 'quarantines: list them; put one back'],
  ['i', 'ledger view: show or hide the ignored files'],
  ['r', 'read again (ledger, quarantines)'],
  ['?', 'this help'],
  ['q', 'quit (not while apply runs)'],
  ['Ctrl-C', 'stop: apply stops between steps, journals stay consistent'],
];

/** The keys, and what the screens are for. */
export function HelpScreen({ width, height }: { readonly width: number; readonly height: number }) {
  return <ScrollView lines={helpLines()} offset={0} height={height} width={width} />;
}

export function helpLines(): ReactNode[] {
  return [
    <Line><Tone tone="strong">Keys</Tone></Line>,
    ...KEYS.map(([key, text]) => <Line>  <Tone tone="key">{key.padEnd(10)}</Tone> {text}</Line>),
    <Line />,
    <Line><Tone tone="strong">Screens</Tone></Line>,
    <Line>  ledger → X → plan → confirm → apply → result;  u: quarantines (undo)</Line>,
    <Line><Tone tone="dim">  Each does what snapplan plan, apply and undo do, with the same checks.</Tone></Line>,
    <Line />,
    <Line><Tone tone="dim">? or Esc closes this help.</Tone></Line>,
  ];
}
