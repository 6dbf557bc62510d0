import type { ReactNode } from 'react';
import type { Finding } from '../../agave/findings.js';
import type { Plan } from '../../agave/plan-model.js';
import type { PlanOutcome } from '../../agave/plan-service.js';
import type { Slot } from '../../core/slot.js';
import { formatBytes, plural } from '../../core/format.js';
import { planAxisMarks } from '../../output/slot-axis.js';
import type { Async } from '../model.js';
import { wrapText } from '../text.js';
import { errorLines } from './ErrorLines.js';
import { displayPath, table } from './LedgerScreen.js';
import { ScrollView } from './ScrollView.js';
import { slotAxisLines } from './SlotAxis.js';
import { Line, Tone } from './Tone.js';
import { escapeControl } from '../../core/escape-control.js';
import { restartCheckLines } from './AnnouncementLines.js';

export interface PlanScreenProps {
  readonly target: Slot;
  readonly plan: Async<PlanOutcome>;
  readonly offset: number;
  readonly width: number;
  readonly height: number;
}

/** The verdict, the base, the blocks, what will be moved and why, each finding with its remedy. */
export function PlanScreen(props: PlanScreenProps) {
  return <ScrollView lines={planLines(props)} offset={props.offset} height={props.height} width={props.width} />;
}

export function planLines({ target, plan: state, width }: PlanScreenProps): ReactNode[] {
  if (state.state === 'idle' || state.state === 'loading') return [<Line><Tone tone="dim">… planning a snapshot at slot {String(target)}</Tone></Line>];
  if (state.state === 'failed') return errorLines({ error: state.error, width, title: `No plan for slot ${target}` });
  const { plan } = state.value;
  const show = (p: string) => displayPath(p, plan.folders.ledger);
  const out: ReactNode[] = [];

  out.push(...verdict(plan, width));
  out.push(<Line />);
  if (plan.base) {
    const rows = [plan.base.full, plan.base.incremental].filter((a) => a !== null).map((a) => ['base', a.kind, String(a.slot), a.size === null ? '' : formatBytes(a.size), show(a.path)]);
    for (const row of table(rows)) out.push(<Line>  <Tone tone="ok">{row.slice(0, 4)}</Tone>{row.slice(4)}</Line>);
  } else out.push(<Line>  <Tone tone="error">no base snapshot below {String(plan.targetSlot)}</Tone></Line>);
  out.push(...blockLines(plan));
  out.push(...slotAxisLines({ marks: planAxisMarks(plan), range: plan.blocks.available, width, legend: 'F full base  I incremental base  X target  ^ moved aside  ═ blocks' }));

  if (plan.quarantine.length > 0) {
    out.push(<Line />);
    out.push(<Line><Tone tone="strong">Move aside</Tone><Tone tone="dim">  {plural(plan.quarantine.length, 'item')} into {escapeControl(plan.quarantineDir)}</Tone></Line>);
    for (const q of plan.quarantine) {
      out.push(<Line>  <Tone tone="warn">{(q.kind === 'bank-snapshot' ? 'bank' : q.kind).padEnd(11)} {String(q.slot)}</Tone>  {show(q.path)}</Line>);
      for (const l of wrapText(q.reason, width - 6)) out.push(<Line><Tone tone="dim">    {l}</Tone></Line>);
    }
  }
  out.push(...restartCheckLines(state.value, width));
  if (plan.findings.length > 0) {
    out.push(<Line />);
    out.push(<Line><Tone tone="strong">Findings</Tone></Line>);
    for (const f of plan.findings) out.push(...findingLines(f, width));
  }
  const create = plan.commands.at(-1);
  if (create !== undefined) {
    // The mkdir/mv lines are long paths that wrap badly here; `snapplan plan` prints them whole.
    out.push(<Line />);
    out.push(<Line><Tone tone="strong">Then</Tone><Tone tone="dim">  (a applies it all, journaled; snapplan plan prints the {plan.commands.length - 1} mkdir/mv lines)</Tone></Line>);
    for (const l of wrapText(create, width - 4)) out.push(<Line>  {l}</Line>);
  }
  return out;
}

function verdict(plan: Plan, width: number): ReactNode[] {
  if (!plan.reachable) {
    return [<Line><Tone tone="error">✘ Not reachable</Tone>: no snapshot at {String(plan.targetSlot)} from what is on disk (see the findings).</Line>];
  }
  const from = plan.base?.incremental ? `full ${plan.base.full.slot} + incremental ${plan.base.incremental.slot}` : `full ${plan.base?.full.slot}`;
  const moves = plan.quarantine.length > 0 ? ` once ${plural(plan.quarantine.length, 'item')} ${plan.quarantine.length === 1 ? 'is' : 'are'} moved aside` : '';
  const text = `Reachable${moves}: replay from ${from} to ${plan.targetSlot}.`;
  return wrapText(text, width - 2).map((l, i) => (i === 0 ? <Line><Tone tone="ok">✔ {l.slice(0, 9)}</Tone>{l.slice(9)}</Line> : <Line>  {l}</Line>));
}

function blockLines(plan: Plan): ReactNode[] {
  const b = plan.blocks;
  const out: ReactNode[] = [];
  const range = (r: { first: Slot; last: Slot } | null) => (r ? `${r.first}–${r.last}` : 'none');
  out.push(<Line>  blocks needed {range(b.needed)}, in the blockstore {range(b.available)}</Line>);
  if (b.missing.length > 0) out.push(<Line>  <Tone tone="error">✘ missing {b.missing.map((m) => (m.first === m.last ? String(m.first) : `${m.first}–${m.last}`)).join(', ')}</Tone></Line>);
  else if (b.needed) out.push(<Line>  <Tone tone="ok">✔</Tone> every block in (S, X] is there{b.chain ? (b.chain.complete ? `, chain of ${b.chain.chain.length} slots complete` : '') : ''}</Line>);
  if (b.chain && !b.chain.complete && b.chain.firstProblem) out.push(<Line>  <Tone tone="error">✘ slot {String(b.chain.firstProblem.slot)}: {b.chain.firstProblem.problem}</Tone></Line>);
  return out;
}

const ICON = { error: '✘', warning: '⚠', info: 'ℹ' } as const;
const TONE = { error: 'error', warning: 'warn', info: 'info' } as const;

function findingLines(f: Finding, width: number): ReactNode[] {
  const out: ReactNode[] = [];
  wrapText(`${f.code}  ${f.message}`, width - 4).forEach((l, i) =>
    out.push(i === 0 ? <Line>  <Tone tone={TONE[f.severity]}>{ICON[f.severity]} {l.slice(0, f.code.length)}</Tone>{l.slice(f.code.length)}</Line> : <Line>    {l}</Line>),
  );
  wrapText(f.remedy, width - 6).forEach((l, i) => out.push(<Line>    <Tone tone="dim">{i === 0 ? '→ ' : '  '}</Tone>{l}</Line>));
  return out;
}
