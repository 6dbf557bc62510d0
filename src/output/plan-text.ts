import path from 'node:path';
import type { ChalkInstance } from 'chalk';
import type { BlockstoreReport, LedgerToolInfo } from '../agave/blockstore/blockstore-source.js';
import type { Finding, Severity } from '../agave/findings.js';
import type { Inventory } from '../agave/inventory.js';
import type { Plan } from '../agave/plan-model.js';
import { escapeControl } from '../core/escape-control.js';
import { formatBytes, plural } from '../core/format.js';
import { drawSlotAxis, planAxisMarks } from './slot-axis.js';

export interface PlanTextOptions {
  readonly chalk: ChalkInstance;
  readonly showIgnored: boolean;
  /** Rows of "move aside" items shown before eliding; --json always has them all. */
  readonly maxRows?: number;
  readonly width?: number;
}

/** The human report of `snapplan plan`: inventory, slot line, verdict, findings, commands. */
export function renderPlanText(
  plan: Plan,
  inventory: Inventory,
  blockstore: BlockstoreReport,
  ledgerTool: LedgerToolInfo | null,
  options: PlanTextOptions,
): string {
  const c = options.chalk;
  const maxRows = options.maxRows ?? 20;
  const out: string[] = [];
  const show = (p: string) => displayPath(p, plan.folders.ledger);

  out.push(c.bold(`Plan for a snapshot at slot ${plan.targetSlot}`));
  out.push(`  ledger      ${escapeControl(plan.folders.ledger)}`);
  const archiveDirs = [...new Set([plan.folders.fullArchives, plan.folders.incrementalArchives])];
  out.push(`  archives    ${archiveDirs.map(show).join(', ')} (and remote/)`);
  out.push(`  blockstore  ${describeBlockstore(blockstore, ledgerTool)}`);
  out.push('');

  const { archives, bankSnapshots } = inventory;
  out.push(c.bold('Snapshots') + c.dim(`  ${plural(archives.length, 'archive')}, ${plural(bankSnapshots.length, 'bank snapshot')}`));
  const rows: string[][] = [];
  if (plan.base) {
    for (const a of [plan.base.full, plan.base.incremental]) {
      if (a) rows.push([c.green('base'), a.kind, String(a.slot), show(a.path), a.size === null ? '' : formatBytes(a.size)]);
    }
  }
  for (const q of plan.quarantine.slice(0, maxRows)) {
    rows.push([c.yellow('move'), q.kind === 'bank-snapshot' ? 'bank' : q.kind, String(q.slot), show(q.path), q.reason]);
  }
  out.push(...table(rows).map((line) => `  ${line}`));
  if (plan.quarantine.length > maxRows) out.push(c.dim(`  … and ${plan.quarantine.length - maxRows} more to move aside (all in --json)`));
  const unused = archives.length - (plan.base ? (plan.base.incremental ? 2 : 1) : 0) - plan.quarantine.filter((q) => q.kind !== 'bank-snapshot').length;
  if (unused > 0) out.push(c.dim(`  ${plural(unused, 'other archive')} below the target, not used and left in place`));
  if (rows.length === 0) out.push(c.dim('  (no snapshot archives found)'));

  const axis = drawSlotAxis({ marks: planAxisMarks(plan), range: plan.blocks.available, width: Math.max(20, (options.width ?? 80) - 26) });
  if (axis) {
    out.push('');
    out.push(`  ${String(axis.low).padStart(10)} ${axis.line} ${axis.high}`);
    out.push(c.dim(`  ${' '.repeat(10)} F full base  I incremental base  X target  ^ moved aside  ═ blockstore`));
  }
  out.push('');

  out.push(verdictLine(plan, c));
  if (plan.findings.length > 0) {
    out.push('');
    out.push(c.bold('Findings'));
    for (const f of plan.findings) out.push(...findingLines(f, c));
  }
  if (plan.commands.length > 0) {
    out.push('');
    out.push(c.bold('Next commands') + c.dim('  (review, then run in order; the validator must be stopped)'));
    for (const command of plan.commands) out.push(`  ${command}`);
  }
  if (plan.ignored.length > 0) {
    out.push('');
    if (options.showIgnored) {
      out.push(c.bold('Ignored') + c.dim('  not snapshots, never candidates'));
      for (const i of plan.ignored) out.push(`  ${show(i.path)}  ${c.dim(i.reason)}`);
    } else {
      const n = plan.ignored.length;
      out.push(c.dim(`${n} ${n === 1 ? 'entry' : 'entries'} ignored as not snapshots (--show-ignored lists them).`));
    }
  }
  return out.join('\n') + '\n';
}

function describeBlockstore(report: BlockstoreReport, tool: LedgerToolInfo | null): string {
  const via =
    report.source === 'manual'
      ? 'given with --blocks'
      : report.source === 'native'
        ? 'read from rocksdb/'
        : `from ${tool ? escapeControl(path.basename(tool.path)) : 'ledger-tool'} bounds${tool?.version ? ` (${tool.version})` : ''}`;
  if (!report.slots) return `empty (${via})`;
  const { first, last, total } = report.slots;
  const roots = report.roots ? `, rooted to ${report.roots.last}` : '';
  const counted = total === null ? 'not counted: add --count' : plural(total, 'slot');
  const count = report.source === 'manual' ? '' : ` (${counted}${roots})`;
  return `slots ${first}–${last}${count}, ${via}`;
}

function verdictLine(plan: Plan, c: PlanTextOptions['chalk']): string {
  if (!plan.reachable) {
    return c.red.bold('✘ Not reachable') + `: a snapshot at ${plan.targetSlot} cannot be created from what is on disk (see the findings).`;
  }
  const from = plan.base?.incremental
    ? `the full archive at ${plan.base.full.slot} plus the incremental at ${plan.base.incremental.slot}`
    : `the full archive at ${plan.base?.full.slot}`;
  const moves = plan.quarantine.length > 0 ? ` once ${plural(plan.quarantine.length, 'item')} ${plan.quarantine.length === 1 ? 'is' : 'are'} moved aside` : '';
  return c.green.bold('✔ Reachable') + `${moves}: replay from ${from} to ${plan.targetSlot}.`;
}

const ICON: Record<Severity, string> = { error: '✘', warning: '⚠', info: 'ℹ' };

function findingLines(f: Finding, c: PlanTextOptions['chalk']): string[] {
  const paint = f.severity === 'error' ? c.red : f.severity === 'warning' ? c.yellow : c.blue;
  // Messages quote paths: their control characters are shown escaped, never sent raw.
  return [`  ${paint(`${ICON[f.severity]} ${f.code}`)}  ${escapeControl(f.message)}`, `    ${c.dim('→')} ${escapeControl(f.remedy)}`];
}

/** Paths inside the ledger are shown relative to it; others in full; control characters escaped. */
function displayPath(p: string, ledger: string): string {
  const rel = path.relative(ledger, p);
  return escapeControl(rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? p : rel);
}

/** Left-aligned columns; the last column is free text. Widths ignore ANSI colour codes. */
function table(rows: string[][]): string[] {
  const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length; // eslint-disable-line no-control-regex
  const widths: number[] = [];
  for (const row of rows) row.slice(0, -1).forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visible(cell))));
  return rows.map((row) => row.map((cell, i) => (i < row.length - 1 ? cell + ' '.repeat((widths[i] ?? 0) - visible(cell)) : cell)).join('  '));
}
