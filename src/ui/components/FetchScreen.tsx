import type { ReactNode } from 'react';
import type { Candidate } from '../../agave/fetch/select-candidates.js';
import { formatBytes } from '../../core/format.js';
import type { FetchRunState } from '../hooks/use-fetch-run.js';
import { shortenMiddle } from '../text.js';
import { ProgressBar } from './ProgressBar.js';
import { ScrollView } from './ScrollView.js';
import { Line, Tone } from './Tone.js';

export interface FetchScreenProps {
  readonly run: FetchRunState;
  readonly width: number;
  readonly height: number;
}

/** The candidate table (fitting sources ranked, the others with their first reason), then the download's progress. */
export function FetchScreen({ run, width, height }: FetchScreenProps) {
  return <ScrollView lines={fetchLines(run, width)} offset={0} height={height} width={width} />;
}

export function fetchLines(run: FetchRunState, width: number): ReactNode[] {
  const table = tableLines(run, width);
  const live = liveLines(run, width);
  // Once the download starts, its progress comes first: a long table must not push it off screen.
  return run.stage === 'listed' ? table : [...live, ...(live.length > 0 ? [<Line> </Line>] : []), ...table];
}

function tableLines(run: FetchRunState, width: number): ReactNode[] {
  const out: ReactNode[] = [];
  const cut = (text: string) => shortenMiddle(text, Math.max(10, width - 6));
  if (run.stage === 'listing') return [<Line><Tone tone="accent">›</Tone> asking the sources for their snapshots and measuring them…</Line>];
  const outcome = run.outcome;
  if (outcome) {
    const chosen = outcome.fetchedFrom ?? outcome.ranked[0] ?? null;
    for (const c of outcome.ranked) {
      out.push(<Line><Tone tone="ok">✔</Tone> {cut(`${c.source.display}  reaches ${c.reach}  ${files(c)}${c.speed !== null ? `  ${(c.speed / 1e6).toFixed(1)} MB/s` : ''}`)}{c === chosen ? <Tone tone="accent">  ← chosen</Tone> : null}</Line>);
    }
    for (const c of outcome.candidates) {
      if (c.rejections.length === 0 && c.reach !== null) continue;
      out.push(<Line><Tone tone="error">✘</Tone> {cut(c.source.display)}{c.rejections.length > 1 ? <Tone tone="dim">{`  (${c.rejections.length} reasons; snapplan fetch --dry-run lists all)`}</Tone> : null}</Line>);
      // The reason matters more than the URL: its own line, cut at the end only.
      out.push(<Line>{`    ${cutEnd(c.rejections[0] ?? 'does not fit', Math.max(10, width - 4))}`}</Line>);
    }
    out.push(<Line> </Line>);
    if (outcome.skipped) out.push(<Line><Tone tone="ok">✔</Tone> Nothing to download: {outcome.skipped}.</Line>);
    else if (outcome.ranked.length === 0 && run.stage === 'listed') out.push(<Line><Tone tone="error">✘</Tone> No source fits: each reason is above.</Line>);
    else if (run.stage === 'listed') out.push(<Line>Enter downloads the full, then the incremental; each is checked before its rename.</Line>);
  }
  return out;
}

function liveLines(run: FetchRunState, width: number): ReactNode[] {
  const out: ReactNode[] = [];
  const cut = (text: string) => shortenMiddle(text, Math.max(10, width - 6));
  const outcome = run.outcome;
  for (const entry of run.log) out.push(<Line>{cut(entry)}</Line>);
  if (run.current) {
    const p = run.current.progress;
    out.push(<Line><Tone tone="accent">›</Tone> {cut(run.current.name)}</Line>);
    if (run.current.checking) out.push(<Line>  checking the whole stream…</Line>);
    else if (p) {
      out.push(
        <Line>
          {'  '}
          <ProgressBar done={p.bytes} total={p.total ?? 0} width={Math.max(10, Math.min(30, width - 50))} /> {formatBytes(p.bytes)}
          {p.total ? ` of ${formatBytes(p.total)}` : ''}, {(p.speed / 1e6).toFixed(1)} MB/s
        </Line>,
      );
    }
  }
  if (run.stage === 'finished' && outcome) {
    out.push(
      outcome.fetchedFrom || outcome.skipped
        ? <Line><Tone tone="ok">✔</Tone> In place. Enter shows the plan again.</Line>
        : <Line><Tone tone="error">✘</Tone> Every source that fit failed; the partial files are kept for the next try.</Line>,
    );
  }
  if (run.stage === 'failed' && run.error) out.push(<Line><Tone tone="error">✘</Tone> {cut(run.error.message)}</Line>);
  return out;
}

function cutEnd(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function files(c: Candidate): string {
  const full = c.full ? `full ${c.full.archive.slot}${c.fullLocal ? ' (on disk)' : c.full.size !== null ? ` ${formatBytes(c.full.size)}` : ''}` : '';
  return c.incremental ? `${full} + incremental ${c.incremental.archive.slot}` : full;
}
