import type { RetentionPlan, RetentionResult } from '../jobs/retention.js';
import type { ScheduleOutcome } from '../jobs/schedule.js';
import type { VolumeSnapshotOutcome } from '../jobs/volume-snapshot.js';
import type { ErrorReport } from '../jobs/steps.js';
import { jobEnvelope, renderSteps } from './backup-report.js';
import { formatBytes } from '../core/format.js';

/**
 * `volume-snapshot`, `retention` and `schedule` as text and as one JSON document each
 * (schemaVersion 1), in the shape of backup's: `ok`, `exitCode`, `error` always present.
 */

export function volumeSnapshotDocument(outcome: VolumeSnapshotOutcome): Record<string, unknown> {
  return {
    ...jobEnvelope('volume-snapshot', outcome.exitCode, outcome.error !== null),
    dryRun: outcome.dryRun,
    kind: outcome.kind,
    chain: outcome.chain,
    dataDir: outcome.dataDir,
    source: outcome.source,
    snapshot: outcome.snapshot,
    service: outcome.service,
    node: outcome.node,
    steps: outcome.steps,
    error: outcome.error,
  };
}

export function renderVolumeSnapshotText(outcome: VolumeSnapshotOutcome): string {
  let text = `snapplan volume-snapshot ${outcome.kind} ${outcome.chain} of ${outcome.source ?? '?'}${outcome.dryRun ? ' — dry run' : ''}\n`;
  text += renderSteps(outcome.steps);
  const s = outcome.snapshot;
  if (s) {
    text += `snapshot: ${s.id} (${s.state}${s.progress !== null && s.state !== 'completed' ? ` ${s.progress}%` : ''})\n`;
    if (s.tags) text += `tags:     ${Object.entries(s.tags).map(([k, v]) => `${k}=${v}`).join(', ')}\n`;
  }
  text += `service:  ${outcome.service.label}: ${outcome.service.before ?? '?'} before, ${outcome.service.after ?? '?'} after\n`;
  return text;
}

export type RetentionDecision = 'dry-run' | 'nothing-to-delete' | 'deleted' | 'declined' | 'refused';

export function retentionDocument(plan: RetentionPlan, decision: RetentionDecision, result: RetentionResult | null, exitCode: number, error: ErrorReport | null): Record<string, unknown> {
  return {
    ...jobEnvelope('retention', exitCode, error !== null),
    location: plan.location,
    keep: plan.keep,
    decision,
    nodes: plan.nodes.map((n) => ({ node: n.node, keep: n.keep, delete: n.remove })),
    leftAlone: plan.leftAlone,
    deleted: result?.deleted ?? [],
    failed: result?.failed ?? [],
    error,
  };
}

export function renderRetentionPreview(plan: RetentionPlan): string {
  let text = `snapplan retention of ${plan.location}: keep the newest ${plan.keep} per node\n`;
  if (plan.nodes.length === 0) text += '  no complete archive sets found\n';
  for (const node of plan.nodes) {
    text += `node ${node.node}\n`;
    for (const set of node.keep) text += `  keep   ${set.name}  ${set.createdAt ?? '?'}  ${formatBytes(set.bytes)}\n`;
    for (const set of node.remove) text += `  DELETE ${set.name}  ${set.createdAt ?? '?'}  ${formatBytes(set.bytes)}  (${set.members.length} files)\n`;
  }
  for (const item of plan.leftAlone) text += `left alone: ${item.name}: ${item.reason}\n`;
  return text;
}

export function renderRetentionSummary(plan: RetentionPlan, decision: RetentionDecision, result: RetentionResult | null): string {
  const doomed = plan.nodes.reduce((sum, n) => sum + n.remove.length, 0);
  switch (decision) {
    case 'dry-run':
      return `dry run: ${doomed} set(s) would be deleted; nothing was.\n`;
    case 'nothing-to-delete':
      return 'nothing to delete.\n';
    case 'declined':
      return 'nothing deleted (declined).\n';
    case 'refused':
      return 'nothing deleted.\n';
    case 'deleted':
      return `deleted ${result?.deleted.length ?? 0} file(s) of ${doomed} set(s)${result && result.failed.length > 0 ? `; ${result.failed.length} FAILED` : ''}.\n`;
  }
}

export function scheduleDocument(outcome: ScheduleOutcome): Record<string, unknown> {
  return {
    schemaVersion: 1,
    type: 'schedule',
    command: 'schedule',
    ok: true,
    exitCode: 0,
    format: outcome.format,
    name: outcome.name,
    run: outcome.argv,
    files: outcome.files,
    written: outcome.written,
    next: outcome.next,
    error: null,
  };
}

export function renderScheduleText(outcome: ScheduleOutcome): string {
  let text = '';
  for (const file of outcome.files) text += `# ${file.name}\n${file.content}${file.content.endsWith('\n') ? '' : '\n'}\n`;
  for (const written of outcome.written) text += `wrote ${written}\n`;
  if (outcome.next.length > 0) text += `${outcome.next.map((l) => `# ${l}`).join('\n')}\n`;
  return text;
}
