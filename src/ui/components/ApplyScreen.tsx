import path from 'node:path';
import type { ReactNode } from 'react';
import { LEDGER_TOOL_PHASE_TEXT } from '../../agave/apply/apply-model.js';
import { formatBytes, plural } from '../../core/format.js';
import type { ApplyRunState, StepStatus } from '../apply-run.js';
import { formatElapsed } from '../../core/format.js';
import { shortenMiddle } from '../text.js';
import { Box } from 'ink';
import { ProgressBar } from './ProgressBar.js';
import { Line, Tone } from './Tone.js';

export interface ApplyScreenProps {
  readonly run: ApplyRunState;
  /** Wall-clock ms, for the elapsed time of a running ledger-tool. */
  readonly now: number;
  readonly width: number;
  readonly height: number;
}


/** The steps with live status; the ledger-tool log's tail fills the rows that are left. */
export function ApplyScreen({ run, now, width, height }: ApplyScreenProps) {
  const steps = stepLines(run, now, width);
  const room = Math.max(0, height - steps.length - 1);
  const tail = run.tool ? run.tool.tail.slice(-room) : [];
  const lines = [...steps, ...(tail.length > 0 ? [<Line><Tone tone="dim">  ─ log ─</Tone></Line>, ...tail.map((l) => <Line><Tone tone="dim">  {l}</Tone></Line>)] : [])].slice(0, height);
  return (
    <Box flexDirection="column" height={height} width={width}>
      {lines.map((line, i) => (
        <Box key={i} width={width}>
          {line}
        </Box>
      ))}
    </Box>
  );
}

const ICON: Record<StepStatus, ReactNode> = {
  pending: <Tone tone="dim">·</Tone>,
  running: <Tone tone="accent">›</Tone>,
  done: <Tone tone="ok">✔</Tone>,
  failed: <Tone tone="error">✘</Tone>,
};

export function stepLines(run: ApplyRunState, now: number, width: number): ReactNode[] {
  const out: ReactNode[] = [];
  const plan = run.plan;
  out.push(<Line>{plan ? ICON.done : ICON.running} plan        {plan ? `base ${plan.baseSlot ?? 'none'} → ${plan.targetSlot}, ${plural(plan.quarantine.length, 'item')} to move aside` : 'planning…'}</Line>);
  out.push(<Line>{run.preflight ? ICON.done : ICON[plan ? 'running' : 'pending']} preflight   {run.preflight ? `no validator on the ledger, folders writable, room for ~${formatBytes(run.preflight.snapshotBytes)}` : ''}</Line>);
  const confirmed = run.stage === 'running' || run.stage === 'finished' || run.quarantineDir !== null;
  out.push(<Line>{confirmed ? ICON.done : ICON.pending} confirmed</Line>);

  const movesDone = run.moves.filter((m) => m.status === 'done').length;
  const moving = run.quarantineDir !== null && run.kept === null;
  const failedHere = run.stage === 'finished' && run.outcome?.error && run.kept === null;
  const qStatus: StepStatus = run.quarantineDir === null ? 'pending' : failedHere ? 'failed' : moving ? 'running' : 'done';
  out.push(
    <Line>
      {ICON[qStatus]} quarantine  {movesDone}/{run.moves.length} moved{'  '}
      {run.bytes ? <ProgressBar done={run.bytes.done} total={run.bytes.total} width={16} /> : null}
      {run.bytes ? ` ${formatBytes(run.bytes.done)} / ${formatBytes(run.bytes.total)}` : ''}
    </Line>,
  );
  if (run.quarantineDir) out.push(<Line><Tone tone="dim">              {shortenMiddle(run.quarantineDir, width - 16)}</Tone></Line>);
  for (const m of run.moves) {
    out.push(<Line>    {ICON[m.status]} {m.label.padEnd(24)} <Tone tone="dim">{m.method ?? ''}  {shortenMiddle(path.basename(m.source), width - 40)}</Tone></Line>);
  }
  out.push(<Line>{run.kept !== null ? ICON.done : ICON.pending} safety copies {run.kept !== null ? `of the base: ${run.kept}` : ''}</Line>);

  const tool = run.tool;
  if (!tool) {
    out.push(<Line>{ICON.pending} ledger-tool create-snapshot</Line>);
  } else {
    const elapsed = tool.finished ? tool.finished.elapsedMs : now - tool.startedAt;
    const status: StepStatus = tool.finished ? (tool.finished.exitCode === 0 ? 'done' : 'failed') : 'running';
    out.push(
      <Line>
        {ICON[status]} ledger-tool {LEDGER_TOOL_PHASE_TEXT[tool.phase]}  <Tone tone="dim">{formatElapsed(elapsed)}</Tone>
        {tool.finished && tool.finished.exitCode !== 0 ? <Tone tone="error">  exit {String(tool.finished.exitCode ?? 'signal')}</Tone> : null}
      </Line>,
    );
    out.push(<Line><Tone tone="dim">              $ {[path.basename(tool.command[0] ?? ''), ...tool.command.slice(1)].join(' ')}</Tone></Line>);
    out.push(<Line><Tone tone="dim">              log {shortenMiddle(tool.logFile, width - 20)}</Tone></Line>);
  }
  return out;
}
