import type { ReactNode } from 'react';
import type { Plan } from '../../agave/plan-model.js';
import { plural } from '../../core/format.js';
import type { ApplyRequest } from '../model.js';
import { wrapText } from '../text.js';
import { displayPath } from './LedgerScreen.js';
import { ScrollView } from './ScrollView.js';
import { Line, Tone } from './Tone.js';
import { escapeControl } from '../../core/escape-control.js';

export interface ConfirmScreenProps {
  readonly plan: Plan;
  readonly command: readonly string[];
  readonly request: ApplyRequest;
  readonly offset: number;
  readonly width: number;
  readonly height: number;
}

/** The one question before anything changes: what moves where, and the command that runs. */
export function ConfirmScreen(props: ConfirmScreenProps) {
  return <ScrollView lines={confirmLines(props)} offset={props.offset} height={props.height} width={props.width} />;
}

export function confirmLines({ plan, command, request, width }: ConfirmScreenProps): ReactNode[] {
  const out: ReactNode[] = [];
  out.push(<Line><Tone tone="strong">Create a snapshot at slot {String(plan.targetSlot)}?</Tone></Line>);
  out.push(<Line><Tone tone="dim">Preflight passed. Nothing has changed yet.</Tone></Line>);
  out.push(<Line />);
  if (plan.quarantine.length > 0) {
    out.push(<Line>1. Move {plural(plan.quarantine.length, 'item')} aside (journaled; undo puts them back) into</Line>);
    out.push(<Line>   {escapeControl(plan.quarantineDir)}</Line>);
    for (const q of plan.quarantine) out.push(<Line>   <Tone tone="warn">{(q.kind === 'bank-snapshot' ? 'bank' : q.kind).padEnd(11)}</Tone> {displayPath(q.path, plan.folders.ledger)}</Line>);
  } else out.push(<Line>1. Nothing to move aside.</Line>);
  out.push(<Line>2. Keep safety copies of the base archive(s) in the quarantine.</Line>);
  out.push(<Line>3. Run:</Line>);
  for (const l of wrapText(command.join(' '), width - 5)) out.push(<Line>   <Tone tone="accent">{l}</Tone></Line>);
  const checks = [request.expectedBankHash ? `bank hash ${request.expectedBankHash}` : null, request.expectedShredVersion ? `shred version ${request.expectedShredVersion}` : null].filter(Boolean);
  out.push(<Line>4. Check the new archive{checks.length > 0 ? ` against ${checks.join(' and ')}` : ''}.</Line>);
  return out;
}
