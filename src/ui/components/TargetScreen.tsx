import type { ReactNode } from 'react';
import type { OptimisticSlot } from '../../agave/ledger-tool/latest-optimistic-slots.js';
import type { Async } from '../model.js';
import type { TargetCheck, TargetField, TargetForm } from '../target-form.js';
import { Line, Tone } from './Tone.js';
import { ScrollView } from './ScrollView.js';
import { wrapText } from '../text.js';
import { announcementConflictLines, announcementHeadLines } from './AnnouncementLines.js';

export interface TargetScreenProps {
  readonly form: TargetForm;
  readonly check: TargetCheck;
  /** Null inside `done`: no ledger tool answers, so nothing is offered. */
  readonly optimistic: Async<readonly OptimisticSlot[] | null>;
  readonly width: number;
  readonly height: number;
  /** What the opened announcement says, in one line (announcementSummary), if one is open. */
  readonly announcement?: string | null | undefined;
}

/** X (validated as typed), the announcement's bank hash and shred version, and the latest optimistic slots. */
export function TargetScreen(props: TargetScreenProps) {
  const { lines, listStart } = targetLayout(props);
  // Keep the highlighted pick in view on a short terminal.
  const pickLine = props.form.focus === 'list' ? listStart + props.form.pick : 0;
  const offset = Math.max(0, pickLine - props.height + 2);
  return <ScrollView lines={lines} offset={offset} height={props.height} width={props.width} />;
}

export function targetLines(props: TargetScreenProps): ReactNode[] {
  return targetLayout(props).lines;
}

function targetLayout({ form, check, optimistic, width, announcement }: TargetScreenProps): { lines: ReactNode[]; listStart: number } {
  const out: ReactNode[] = [];
  out.push(<Line><Tone tone="strong">Restart slot</Tone></Line>);
  out.push(<Line />);
  out.push(...announcementHeadLines({ path: form.announcementPath, focused: form.focus === 'announcementPath', summary: announcement ?? null, width }));
  out.push(field('restart slot ', form.restartSlot, form.focus === 'restartSlot', 'optional: R, X or X+1 as announced'));
  out.push(...status(check.restartSlot.error, null, width));
  out.push(field('hard forks   ', form.hardForks, form.focus === 'hardForks', 'optional, comma-separated: as announced'));
  out.push(...status(check.hardForks.error, null, width));
  out.push(field('X (slot)     ', form.slot, form.focus === 'slot', 'required'));
  out.push(...status(check.slot.error, check.slot.note, width));
  out.push(field('bank hash    ', form.bankHash, form.focus === 'bankHash', 'optional, from the announcement'));
  out.push(...status(check.bankHash.error, check.bankHash.error ? null : form.bankHash ? 'checked against the new snapshot' : null, width));
  out.push(field('shred version', form.shredVersion, form.focus === 'shredVersion', 'optional, from the announcement'));
  out.push(...status(check.shredVersion.error, check.shredVersion.error ? null : form.shredVersion ? 'checked against the new snapshot' : null, width));
  out.push(...announcementConflictLines(check.announcement, width));
  out.push(<Line />);
  out.push(
    check.request ? (
      <Line><Tone tone="ok">✔</Tone> Enter plans a snapshot at slot {String(check.request.target)}</Line>
    ) : (
      <Line><Tone tone="dim">Type X; Tab or ↑/↓ move between fields.</Tone></Line>
    ),
  );
  out.push(<Line />);
  let listStart = out.length + 1;
  if (optimistic.state === 'loading' || optimistic.state === 'idle') {
    out.push(<Line><Tone tone="dim">… asking ledger-tool for the latest optimistic slots</Tone></Line>);
  } else if (optimistic.state === 'done' && optimistic.value !== null && optimistic.value.length > 0) {
    out.push(<Line><Tone tone="strong">Latest optimistic slots</Tone><Tone tone="dim">  from agave-ledger-tool; ↓ to choose, Enter takes one</Tone></Line>);
    listStart = out.length;
    const slotWidth = Math.max(...optimistic.value.map((s) => String(s.slot).length));
    optimistic.value.forEach((s, i) => {
      const selected = form.focus === 'list' && form.pick === i;
      out.push(
        <Line>
          {selected ? <Tone tone="key">› </Tone> : '  '}
          {selected ? <Tone tone="accent">{String(s.slot).padStart(slotWidth)}</Tone> : String(s.slot).padStart(slotWidth)}
          {'  '}
          <Tone tone="dim">{[s.bankHash ?? 'hash unknown', s.timestamp, s.voteOnly ? 'vote only' : null].filter((p) => p !== null).join('  ')}</Tone>
        </Line>,
      );
    });
  } else if (optimistic.state === 'done' && optimistic.value !== null) {
    out.push(<Line><Tone tone="dim">ledger-tool lists no optimistic slots.</Tone></Line>);
  }
  return { lines: out, listStart };
}

function field(label: string, value: string, focused: boolean, placeholder: string): ReactNode {
  return (
    <Line>
      {focused ? <Tone tone="key">› </Tone> : '  '}
      {label}  {value === '' && !focused ? <Tone tone="dim">{placeholder}</Tone> : <Tone tone={focused ? 'accent' : 'strong'}>{value}</Tone>}
      {focused ? '▏' : ''}
    </Line>
  );
}

/** A field's error (wrapped: the whole sentence matters) or its note. */
function status(error: string | null, note: string | null, width: number): ReactNode[] {
  const pad = '                 ';
  if (error) return wrapText(`✘ ${error}`, width - pad.length).map((l) => <Line>{pad}<Tone tone="error">{l}</Tone></Line>);
  if (note) return wrapText(note, width - pad.length).map((l) => <Line>{pad}<Tone tone="dim">{l}</Tone></Line>);
  return [<Line />];
}

export type { TargetField };
