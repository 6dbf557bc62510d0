import type { ReactNode } from 'react';
import type { EndEvent } from '../../agave/watch/watch-service.js';
import type { Identity, WatchEvent } from '../../agave/watch/boot-watch.js';
import { watchEventLine } from '../../output/watch-report.js';
import { ProgressBar } from './ProgressBar.js';
import { ScrollView } from './ScrollView.js';
import { Line, Tone } from './Tone.js';

export interface WatchScreenProps {
  readonly events: readonly WatchEvent[];
  readonly end: EndEvent | null;
  /** Why watching could not start (no log known, …). */
  readonly error: string | null;
  readonly width: number;
  readonly height: number;
}

/** What the events so far say: the boot's state at a glance. */
export interface WatchSummary {
  readonly snapshot: bigint | null;
  readonly waitingAt: bigint | null;
  readonly percent: number | null;
  readonly wrongShred: { percent: number; identities: readonly Identity[] } | null;
  readonly wrongShredUnlogged: boolean;
  readonly offline: { percent: number; identities: readonly Identity[] } | null;
}

export function watchSummary(events: readonly WatchEvent[]): WatchSummary {
  let s: WatchSummary = { snapshot: null, waitingAt: null, percent: null, wrongShred: null, wrongShredUnlogged: false, offline: null };
  for (const e of events) {
    if (e.event === 'boot') s = { ...s, snapshot: null, waitingAt: null, percent: null, wrongShred: null, offline: null };
    else if (e.event === 'snapshot-loaded') s = { ...s, snapshot: e.slot };
    else if (e.event === 'waiting') s = { ...s, waitingAt: e.slot };
    else if (e.event === 'gossip') s = { ...s, percent: e.percent };
    else if (e.event === 'wrong-shred-version') s = { ...s, wrongShred: { percent: e.percent, identities: e.identities } };
    else if (e.event === 'wrong-shred-version-not-logged') s = { ...s, wrongShredUnlogged: true };
    else if (e.event === 'offline') s = { ...s, offline: { percent: e.percent, identities: e.identities } };
  }
  return s;
}

/** The restart boot after apply: the state at the top, the events below (newest last). */
export function WatchScreen({ events, end, error, width, height }: WatchScreenProps) {
  const head = headLines(events, end, error, width);
  const room = Math.max(1, height - head.length - 1);
  const log = events.slice(-room).map((e) => <Line><Tone tone="dim">{clip(watchEventLine(e).split('\n')[0] ?? '', width)}</Tone></Line>);
  return <ScrollView lines={[...head, <Line><Tone tone="dim">─ events ─</Tone></Line>, ...log]} offset={0} height={height} width={width} />;
}

function headLines(events: readonly WatchEvent[], end: EndEvent | null, error: string | null, width: number): ReactNode[] {
  if (error) return [<Line><Tone tone="error">✘ {error}</Tone></Line>];
  const s = watchSummary(events);
  const out: ReactNode[] = [];
  out.push(<Line>  snapshot loaded   {s.snapshot === null ? <Tone tone="dim">not yet</Tone> : String(s.snapshot)}</Line>);
  out.push(<Line>  waiting at        {s.waitingAt === null ? <Tone tone="dim">not yet</Tone> : String(s.waitingAt)}</Line>);
  const bar = Math.max(10, Math.min(40, width - 36));
  out.push(
    <Line>
      {'  stake in gossip   '}
      {s.percent === null ? <Tone tone="dim">not yet</Tone> : <><ProgressBar done={s.percent} total={100} width={bar} /> <Tone tone="dim">({s.percent.toFixed(3)}%, 80% needed)</Tone></>}
    </Line>,
  );
  if (s.wrongShred) out.push(<Line>  <Tone tone="warn">⚠ wrong shred version {s.wrongShred.percent.toFixed(3)}%</Tone>: {clip(names(s.wrongShred.identities), width - 36)}</Line>);
  else if (s.wrongShredUnlogged) out.push(<Line><Tone tone="dim">  wrong shred version: not logged by this release (3.x)</Tone></Line>);
  if (s.offline) out.push(<Line>  offline {s.offline.percent.toFixed(3)}%: {clip(names(s.offline.identities), width - 22)}</Line>);
  if (end) {
    const ok = end.state === 'resumed';
    out.push(<Line />);
    out.push(<Line><Tone tone={ok ? 'ok' : 'error'}>{ok ? '✔' : '✘'} {end.state}</Tone>: {clip(end.message, width - end.state.length - 5)}</Line>);
    if (ok) out.push(<Line><Tone tone="dim">  Next: snapplan restart-flags --revert FILE takes the restart flags out again.</Tone></Line>);
  }
  return out;
}

function names(identities: readonly Identity[]): string {
  return identities.map((i) => `${i.identity} ${i.percent.toFixed(1)}%`).join(', ');
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}
