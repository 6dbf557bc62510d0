import type { ReactNode } from 'react';
import { formatValue, type Announcement } from '../../agave/announcement/announcement.js';
import type { CheckStatus } from '../../agave/announcement/restart-checks.js';
import type { PlanOutcome } from '../../agave/plan-service.js';
import { announced } from '../../output/restart-report.js';
import type { FieldCheck } from '../target-form.js';
import { wrapText } from '../text.js';
import { Line, Tone, type ToneName } from './Tone.js';

const PAD = '                 ';

/**
 * One line on what an opened announcement says (cluster, release, edits), or null when it says
 * nothing beyond X. Screens get this text, not the Announcement: React's development build
 * serialises changed props with JSON.stringify, which throws on the bigint slot lists.
 */
export function announcementSummary(loaded: Announcement | null): string | null {
  if (!loaded || !announced(loaded)) return null;
  return [
    loaded.cluster,
    loaded.ledgerToolVersion ? `ledger-tool ${loaded.ledgerToolVersion}` : null,
    loaded.deactivateFeatureGates?.length ? `${loaded.deactivateFeatureGates.length} gate(s) deactivated` : null,
    loaded.destakeVoteAccounts?.length ? `${loaded.destakeVoteAccounts.length} vote account(s) destaked` : null,
    loaded.removeAccounts?.length ? `${loaded.removeAccounts.length} account(s) removed` : null,
    `validator ${loaded.validatorHardFork ? 'gets' : 'gets no'} --hard-fork`,
  ].filter((p): p is string => p !== null && p !== undefined).join(' · ');
}

/** The target screen's announcement part: the file field and what the opened file says. */
export function announcementHeadLines(props: { readonly path: string; readonly focused: boolean; readonly summary: string | null; readonly width: number }): ReactNode[] {
  const { path, focused, summary, width } = props;
  const out: ReactNode[] = [
    <Line>
      {focused ? <Tone tone="key">› </Tone> : '  '}
      {'announcement '}  {path === '' && !focused ? <Tone tone="dim">a YAML or JSON file: type its path, Enter opens it</Tone> : <Tone tone={focused ? 'accent' : 'strong'}>{path}</Tone>}
      {focused ? '▏' : ''}
    </Line>,
  ];
  if (summary !== null) for (const l of wrapText(summary, width - PAD.length)) out.push(<Line>{PAD}<Tone tone="dim">{l}</Tone></Line>);
  else out.push(<Line />);
  return out;
}

/** A typed value that differs from the opened file: shown as the command line would refuse it. */
export function announcementConflictLines(check: FieldCheck, width: number): ReactNode[] {
  if (!check.error) return [];
  return wrapText(`✘ ${check.error}`, width - 2).map((l) => <Line>  <Tone tone="error">{l}</Tone></Line>);
}

const MARK: Record<CheckStatus, string> = { ok: '✔', refused: '✘', warning: '⚠', 'not-given': '·', 'after-run': '…' };
const TONE: Record<CheckStatus, ToneName> = { ok: 'ok', refused: 'error', warning: 'warn', 'not-given': 'dim', 'after-run': 'dim' };

/** The plan screen's "checked against the announcement" part; nothing when nothing was announced. */
export function restartCheckLines(outcome: Pick<PlanOutcome, 'restart'>, width: number): ReactNode[] {
  const r = outcome.restart;
  if (!r || !announced(r.announcement)) return [];
  const out: ReactNode[] = [<Line />, <Line><Tone tone="strong">Checked against the announcement</Tone><Tone tone="dim">{r.announcement.cluster ? `  ${r.announcement.cluster}` : ''}  hard forks {formatValue(r.decision.hardForks)}</Tone></Line>];
  for (const check of r.checks) {
    wrapText(`${check.name.padEnd(20)} ${check.detail}`, width - 4).forEach((l, i) =>
      out.push(i === 0 ? <Line>  <Tone tone={TONE[check.status]}>{MARK[check.status]}</Tone> {l}</Line> : <Line>    {'                     '}{l}</Line>),
    );
  }
  return out;
}
