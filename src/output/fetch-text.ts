import type { ChalkInstance } from 'chalk';
import type { FetchOutcome } from '../agave/fetch/fetch-service.js';
import { describeTarget } from '../agave/fetch/fetch-target.js';
import type { Candidate } from '../agave/fetch/select-candidates.js';
import { formatBytes } from '../core/format.js';
import { renderPlanText } from './plan-text.js';

export interface FetchTextOptions {
  readonly chalk: ChalkInstance;
  readonly dryRun: boolean;
  readonly width: number;
}

/** The candidate table (fitting ones ranked, the others with every reason), the choice, the downloads, then the plan. */
export function renderFetchText(outcome: FetchOutcome, options: FetchTextOptions): string {
  const c = options.chalk;
  const lines: string[] = [];
  lines.push(`${c.bold('fetch')}  ${describeTarget(outcome.target)} (${outcome.target.source})`, '');
  lines.push(`Sources (${outcome.candidates.length}):`);
  const chosen = outcome.fetchedFrom ?? (outcome.skipped === null ? (outcome.ranked[0] ?? null) : null);
  outcome.ranked.forEach((candidate, index) => {
    const mark = candidate.source === chosen?.source ? c.green('  ← chosen') : '';
    lines.push(`  ${c.green('✔')} ${String(index + 1).padStart(2)}  ${candidateLine(candidate)}${mark}`);
    for (const note of candidate.notes) lines.push(`         ${c.dim(note)}`);
  });
  for (const candidate of outcome.candidates) {
    if (candidate.rejections.length === 0 && candidate.reach !== null) continue;
    lines.push(`  ${c.red('✘')}     ${candidateLine(candidate)}`);
    for (const reason of candidate.rejections) lines.push(`         - ${reason}`);
  }
  if (outcome.discoveryProblem) lines.push(`  ${c.yellow('!')} ${outcome.discoveryProblem}`);
  lines.push('');

  const local = outcome.localBefore;
  lines.push(`Local: ${local ? `reaches ${local.reach} (${[local.full, local.incremental].filter((a) => a !== null).map((a) => a?.path).join(', ')})` : 'nothing usable for this target'}`);
  if (outcome.skipped !== null) {
    lines.push(`${c.green('✔')} Nothing to download: ${outcome.skipped}.`);
  } else if (outcome.ranked.length === 0 && outcome.attempts.length === 0) {
    lines.push(`${c.red('✘')} No source fits ${describeTarget(outcome.target)}: each source's reason is listed above.`);
  } else if (options.dryRun && chosen) {
    lines.push(`Choice: ${chosen.source.display}: ${files(chosen)}. Dry run: nothing downloaded.`);
  }

  if (outcome.attempts.length > 0) {
    lines.push('', 'Downloads:');
    for (const a of outcome.attempts) {
      if (a.outcome === 'done') {
        lines.push(`  ${c.green('✔')} ${a.path} (${formatBytes(a.bytes)} from ${a.source}${a.resumedFrom > 0 ? `, resumed at byte ${a.resumedFrom}` : ''})`);
      } else {
        const listed = a.outcome === 'corrupt' ? `; removed, and ${a.source} put on the blacklist ${outcome.blacklistFile}` : '';
        lines.push(`  ${c.red('✘')} ${a.name} from ${a.source}: ${a.outcome}: ${a.message}${listed}`);
      }
    }
    if (outcome.fetchedFrom === null) lines.push(`${c.red('✘')} Every fitting source failed; partial downloads are kept and resumed by the next run from the same source.`);
  }

  if (outcome.startup) {
    const loaded = outcome.startup.incremental ?? outcome.startup.full;
    lines.push('');
    lines.push(
      loaded.slot === outcome.target.slot
        ? `${c.green('✔')} The validator will load ${[outcome.startup.full, outcome.startup.incremental].filter((a) => a !== null).map((a) => a?.path).join(' + ')}: the restart slot ${outcome.target.slot}.`
        : `${c.red('✘')} The validator would load ${loaded.path} at slot ${loaded.slot}, not the restart slot ${outcome.target.slot}: move the newer archives aside (snapplan plan lists them).`,
    );
  }
  if (outcome.planError) {
    lines.push('', `${c.red('✘')} The archives are in place, but the plan after the fetch could not be made: ${outcome.planError.message}`);
    if (outcome.planError.hint) lines.push(`  ${outcome.planError.hint}`);
  }
  let text = lines.join('\n') + '\n';
  if (outcome.plan) {
    const { plan, inventory, blockstore, ledgerTool } = outcome.plan;
    text += '\n' + renderPlanText(plan, inventory, blockstore, ledgerTool, { chalk: c, showIgnored: false, width: options.width });
  }
  return text;
}

function candidateLine(candidate: Candidate): string {
  const s = candidate.source;
  const parts = [s.display];
  if (candidate.reach !== null) parts.push(`reaches ${candidate.reach} (${offer(candidate)})`);
  else if (s.full) parts.push(`serves ${offer(candidate)}`);
  if (s.version) parts.push(`v${s.version}`);
  if (s.latencyMs !== null) parts.push(`${s.latencyMs} ms`);
  if (candidate.speed !== null) parts.push(`${(candidate.speed / 1e6).toFixed(1)} MB/s`);
  return parts.join('  ');
}

function offer(candidate: Candidate): string {
  const full = candidate.full ?? candidate.source.full;
  const inc = candidate.reach !== null ? candidate.incremental : candidate.source.incremental;
  const f = full ? `full ${full.archive.slot}${candidate.fullLocal ? ' (on disk)' : full.size !== null ? `, ${formatBytes(full.size)}` : ''}` : 'no full';
  return inc ? `${f} + incremental ${inc.archive.slot}${inc.size !== null ? `, ${formatBytes(inc.size)}` : ''}` : f;
}

function files(candidate: Candidate): string {
  const parts: string[] = [];
  if (candidate.full) parts.push(candidate.fullLocal ? `full ${candidate.full.name} (already on disk)` : `full ${candidate.full.name}`);
  if (candidate.incremental) parts.push(`incremental ${candidate.incremental.name}`);
  return parts.join(', then ');
}
