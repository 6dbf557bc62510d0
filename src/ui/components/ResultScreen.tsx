import type { ReactNode } from 'react';
import type { ApplyOutcome } from '../../agave/apply/apply-model.js';
import type { ErrorInfo } from '../model.js';
import { wrapText } from '../text.js';
import { errorLines } from './ErrorLines.js';
import { ScrollView } from './ScrollView.js';
import { Line, Tone } from './Tone.js';

export interface ResultScreenProps {
  /** What apply returned, or its refusal before anything changed. */
  readonly outcome: ApplyOutcome | null;
  readonly refusal: ErrorInfo | null;
  readonly offset: number;
  readonly width: number;
  readonly height: number;
}

/** The slot, bank hash, shred version and the restart flags ready to copy; or what failed and how to undo it. */
export function ResultScreen(props: ResultScreenProps) {
  return <ScrollView lines={resultLines(props)} offset={props.offset} height={props.height} width={props.width} />;
}

const CHECK = { match: '✔ matches the announcement', mismatch: '✘ differs from the announcement', 'not-given': '' } as const;

export function resultLines({ outcome, refusal, width }: ResultScreenProps): ReactNode[] {
  const out: ReactNode[] = [];
  if (refusal) {
    out.push(...errorLines({ error: refusal, width }));
    out.push(<Line />);
    out.push(<Line><Tone tone="dim">Nothing was changed.</Tone></Line>);
    return out;
  }
  if (!outcome) return [<Line><Tone tone="dim">… waiting for apply</Tone></Line>];
  const created = outcome.created;
  if (created) {
    out.push(<Line><Tone tone={outcome.error ? 'warn' : 'ok'}>{outcome.error ? '⚠' : '✔'} Snapshot created at slot {String(created.slot)}</Tone>{created.slot !== outcome.hardFork ? <Tone tone="dim">  (X+1: state was edited; restart at {String(created.slot)})</Tone> : null}</Line>);
    out.push(<Line>  slot           {String(created.slot)}</Line>);
    out.push(<Line>  bank hash      {created.bankHash}</Line>);
    if (outcome.checks.bankHash !== 'not-given') out.push(<Line>{'                 '}<Tone tone={outcome.checks.bankHash === 'mismatch' ? 'error' : 'ok'}>{CHECK[outcome.checks.bankHash]}</Tone></Line>);
    out.push(<Line>  shred version  {created.shredVersion === null ? 'not printed' : String(created.shredVersion)}  <Tone tone={outcome.checks.shredVersion === 'mismatch' ? 'error' : 'ok'}>{CHECK[outcome.checks.shredVersion]}</Tone></Line>);
    wrapText(created.archivePath, width - 17).forEach((l, i) => out.push(<Line>  {i === 0 ? 'archive        ' : '               '}{l}</Line>));
  }
  if (outcome.error) {
    out.push(<Line />);
    out.push(...errorLines({ error: outcome.error, width }));
  }
  if (outcome.restartFlags.length > 0 && !outcome.error) {
    out.push(<Line />);
    out.push(<Line><Tone tone="strong">Restart flags</Tone><Tone tone="dim">  add to agave-validator (ready to copy)</Tone></Line>);
    const pairs = pairFlags(outcome.restartFlags);
    pairs.forEach((p, i) => out.push(<Line>  {p}{i < pairs.length - 1 ? ' \\' : ''}</Line>));
  }
  for (const a of outcome.advice) {
    out.push(<Line />);
    for (const l of wrapText(a, width - 2)) out.push(<Line>{l}</Line>);
  }
  out.push(<Line />);
  if (outcome.quarantine) {
    for (const l of wrapText(`Moved items: ${outcome.quarantine.dir}`, width)) out.push(<Line><Tone tone="dim">{l}</Tone></Line>);
    if (outcome.created !== null && (outcome.setAside ?? []).length === 0) {
      // A plain undo now would put older snapshots next to the new one: the validator loads the newest.
      for (const l of wrapText('They stay there until the validator has restarted from the new snapshot. u lists the quarantines; undo there gives up this restart and moves the new snapshot aside too.', width)) out.push(<Line><Tone tone="dim">{l}</Tone></Line>);
    } else {
      out.push(<Line><Tone tone="dim">u lists the quarantines; undo puts the items back.</Tone></Line>);
    }
  }
  if (outcome.logFile) for (const l of wrapText(`ledger-tool log: ${outcome.logFile}`, width)) out.push(<Line><Tone tone="dim">{l}</Tone></Line>);
  return out;
}

/** `--flag value` on one row each, so the block pastes as one shell command. */
export function pairFlags(flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i] ?? '';
    const next = flags[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      out.push(`${flag} ${next}`);
      i++;
    } else out.push(flag);
  }
  return out;
}
