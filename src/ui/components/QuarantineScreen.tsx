import path from 'node:path';
import type { ReactNode } from 'react';
import type { UndoOutcome } from '../../agave/apply/undo-service.js';
import { formatBytes, plural } from '../../core/format.js';
import type { QuarantineState } from '../../ops/quarantine-status.js';
import { holdsItems, type QuarantineList } from '../quarantine-list.js';
import type { Async } from '../model.js';
import { errorLines } from './ErrorLines.js';
import { ScrollView } from './ScrollView.js';
import { Line, Tone, type ToneName } from './Tone.js';

export interface QuarantineScreenProps {
  readonly backupDir: string;
  /** Newest first. */
  readonly list: Async<QuarantineList>;
  readonly selected: number;
  readonly confirming: boolean;
  readonly undo: Async<UndoOutcome>;
  /** The undo's last progress line while it runs. */
  readonly progress: string | null;
  readonly offset: number;
  readonly width: number;
  readonly height: number;
}

const STATE_TONE: Record<QuarantineState, ToneName> = {
  'in-progress': 'accent',
  crashed: 'error',
  complete: 'ok',
  failed: 'warn',
  cancelled: 'warn',
  undone: 'dim',
  'partly-undone': 'warn',
};

/** Past quarantines with their state; the selected one can be put back. */
export function QuarantineScreen(props: QuarantineScreenProps) {
  return <ScrollView lines={quarantineLines(props)} offset={props.offset} height={props.height} width={props.width} />;
}

export function quarantineLines({ backupDir, list, selected, confirming, undo, progress, width }: QuarantineScreenProps): ReactNode[] {
  const out: ReactNode[] = [];
  out.push(<Line><Tone tone="strong">Quarantines</Tone><Tone tone="dim">  in {backupDir}</Tone></Line>);
  if (list.state === 'idle' || list.state === 'loading') return [...out, <Line><Tone tone="dim">… reading the journals</Tone></Line>];
  if (list.state === 'failed') return [...out, ...errorLines({ error: list.error, width })];
  const { quarantines, problems } = list.value;
  if (quarantines.length === 0 && problems.length === 0) out.push(<Line><Tone tone="dim">  none yet: apply makes one each time it moves something aside.</Tone></Line>);
  quarantines.forEach((q, i) => {
    const mark = i === selected ? <Tone tone="key">› </Tone> : '  ';
    out.push(
      <Line>
        {mark}
        {path.basename(q.dir).padEnd(44)} <Tone tone={STATE_TONE[q.state]}>{q.state.padEnd(13)}</Tone> {q.items.quarantined}/{q.items.total} held{'  '}
        <Tone tone="dim">{formatBytes(q.bytes.quarantined)}</Tone>
      </Line>,
    );
  });
  for (const p of problems) out.push(<Line>  <Tone tone="error">✘ {path.basename(p.dir)}: {p.error.message}</Tone></Line>);

  const q = quarantines[selected];
  if (q) {
    out.push(<Line />);
    out.push(<Line><Tone tone="strong">{path.basename(q.dir)}</Tone></Line>);
    out.push(<Line>  created {q.createdAt} for slot {String(q.targetSlot)} on {q.ledger}</Line>);
    out.push(<Line>  {plural(q.items.total, 'item')}: {q.items.quarantined} held, {q.items.undone} put back, {q.items.notMoved} never moved{q.items.unfinished > 0 ? `, ${q.items.unfinished} unfinished` : ''}{q.items.conflicts > 0 ? `, ${q.items.conflicts} refused` : ''}{q.items.createdAside > 0 ? `, ${q.items.createdAside} new set aside` : ''}</Line>);
    if (q.kept.length > 0) out.push(<Line>  {q.kept.length} safety cop{q.kept.length === 1 ? 'y' : 'ies'} of the base ({formatBytes(q.bytes.kept)}), kept after undo</Line>);
    if (q.state === 'in-progress') out.push(<Line>  <Tone tone="warn">⚠ its apply is still running (pid {q.writer.pid} on {q.writer.host})</Tone></Line>);
    out.push(<Line />);
    if (undo.state === 'loading') out.push(<Line><Tone tone="accent">› putting the items back…</Tone> <Tone tone="dim">{progress ?? ''}</Tone></Line>);
    else if (confirming && q.tool.state === 'succeeded' && q.items.createdAside === 0) {
      // After a successful create-snapshot, undo gives up the restart: the new archive goes aside too.
      out.push(<Line><Tone tone="strong">Give up this restart: move the new snapshot aside and put {plural(q.items.quarantined + q.items.unfinished, 'item')} back?</Tone>  <Tone tone="key">y</Tone> yes  <Tone tone="key">n</Tone> no</Line>);
    } else if (confirming) out.push(<Line><Tone tone="strong">Put {plural(q.items.quarantined + q.items.unfinished, 'item')} back where they were?</Tone>  <Tone tone="key">y</Tone> yes  <Tone tone="key">n</Tone> no</Line>);
    else if (holdsItems(q)) out.push(<Line><Tone tone="key">u</Tone> / <Tone tone="key">Enter</Tone> puts its items back</Line>);
    else out.push(<Line><Tone tone="dim">Nothing left to put back.</Tone></Line>);
  }
  if (undo.state === 'done') {
    const r = undo.value.result;
    out.push(<Line><Tone tone={r.conflicts.length > 0 ? 'warn' : 'ok'}>{r.conflicts.length > 0 ? '⚠' : '✔'} put back {plural(r.restored, 'item')}{undo.value.recreated.length > 0 ? `, re-created ${plural(undo.value.recreated.length, 'base archive')}` : ''}</Tone></Line>);
    for (const c of r.conflicts) out.push(<Line>  <Tone tone="error">✘ {c.message}</Tone></Line>);
  } else if (undo.state === 'failed') out.push(...errorLines({ error: undo.error, width }));
  return out;
}
