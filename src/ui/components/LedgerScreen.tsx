import path from 'node:path';
import type { ReactNode } from 'react';
import type { BlockstoreReport } from '../../agave/blockstore/blockstore-source.js';
import type { Inventory } from '../../agave/inventory.js';
import type { Slot } from '../../core/slot.js';
import { formatBytes, plural } from '../../core/format.js';
import type { AxisMark } from '../../output/slot-axis.js';
import type { Async, LedgerOverview } from '../model.js';
import { wrapText } from '../text.js';
import { errorLines } from './ErrorLines.js';
import { ScrollView } from './ScrollView.js';
import { slotAxisLines } from './SlotAxis.js';
import { Line, Tone } from './Tone.js';
import { escapeControl } from '../../core/escape-control.js';

export interface LedgerScreenProps {
  readonly overview: Async<LedgerOverview>;
  /** X once chosen: marked on the slot line. */
  readonly target: Slot | null;
  readonly showIgnored: boolean;
  readonly offset: number;
  readonly width: number;
  readonly height: number;
}

/** The ledger as found: snapshots and the blockstore on one slot line, sizes and folders. */
export function LedgerScreen(props: LedgerScreenProps) {
  return <ScrollView lines={ledgerLines(props)} offset={props.offset} height={props.height} width={props.width} />;
}

export function ledgerLines({ overview, target, showIgnored, width }: LedgerScreenProps): ReactNode[] {
  if (overview.state === 'idle' || overview.state === 'loading') return [<Line><Tone tone="dim">… reading the ledger folders and the blockstore</Tone></Line>];
  if (overview.state === 'failed') return errorLines({ error: overview.error, width, title: 'The ledger could not be read' });
  const { inventory, blockstore, blockstoreError } = overview.value;
  const out: ReactNode[] = [];
  const show = (p: string) => displayPath(p, inventory.folders.ledger);

  out.push(<Line><Tone tone="strong">Folders</Tone></Line>);
  out.push(<Line>  ledger      {escapeControl(inventory.folders.ledger)}</Line>);
  if (inventory.folders.snapshots !== inventory.folders.ledger) out.push(<Line>  snapshots   {escapeControl(inventory.folders.snapshots)}</Line>);
  const archiveDirs = [...new Set([inventory.folders.fullArchives, inventory.folders.incrementalArchives])];
  out.push(<Line>  archives    {archiveDirs.map(show).join(', ')} (and remote/)</Line>);
  if (blockstore) wrapText(describeBlockstore(blockstore), width - 14).forEach((l, i) => out.push(<Line>  {i === 0 ? 'blockstore  ' : '            '}{l}</Line>));
  else out.push(<Line>  blockstore  <Tone tone="error">not read</Tone></Line>);
  if (blockstoreError) out.push(...errorLines({ error: blockstoreError, width, indent: 4 }));
  out.push(<Line />);

  const fulls = inventory.archives.filter((a) => a.kind === 'full');
  const incs = inventory.archives.filter((a) => a.kind === 'incremental');
  const total = inventory.archives.reduce((sum, a) => sum + (a.size ?? 0), 0);
  out.push(
    <Line>
      <Tone tone="strong">Snapshots</Tone>
      <Tone tone="dim">
        {'  '}
        {plural(fulls.length, 'full archive')}, {plural(incs.length, 'incremental')}, {plural(inventory.bankSnapshots.length, 'bank snapshot')}, {formatBytes(total)}
      </Tone>
    </Line>,
  );
  out.push(...slotAxisLines({ marks: axisMarks(inventory, target), range: blockstore?.slots ?? null, width, legend: 'f full  i incremental  b bank snapshot  X target  ═ blockstore' }));

  const rows: string[][] = [];
  for (const a of [...inventory.archives].reverse()) {
    rows.push([a.kind, String(a.slot), a.size === null ? '' : formatBytes(a.size), show(a.path) + (a.legacy ? '  (legacy format)' : '')]);
  }
  for (const b of [...inventory.bankSnapshots].reverse()) {
    rows.push(['bank', String(b.slot), b.complete ? 'complete' : 'incomplete', show(b.path)]);
  }
  if (rows.length === 0) out.push(<Line><Tone tone="dim">  (no snapshot archives or bank snapshots found)</Tone></Line>);
  for (const row of table(rows)) out.push(<Line>  {row}</Line>);
  out.push(<Line />);

  const n = inventory.ignored.length;
  if (n === 0) out.push(<Line><Tone tone="dim">Nothing ignored.</Tone></Line>);
  else if (!showIgnored) out.push(<Line><Tone tone="dim">{n} {n === 1 ? 'entry' : 'entries'} ignored as not snapshots (i lists them).</Tone></Line>);
  else {
    out.push(<Line><Tone tone="strong">Ignored</Tone><Tone tone="dim">  not snapshots, never candidates (i hides)</Tone></Line>);
    for (const i of inventory.ignored) {
      out.push(<Line>  {show(i.path)}</Line>);
      for (const l of wrapText(i.reason, width - 6)) out.push(<Line><Tone tone="dim">    {l}</Tone></Line>);
    }
  }
  return out;
}

function describeBlockstore(report: BlockstoreReport): string {
  const via = report.source === 'native' ? 'read from rocksdb/' : report.source === 'manual' ? 'given by hand' : 'from ledger-tool bounds';
  if (!report.slots) return `empty (${via})`;
  const roots = report.roots ? `, rooted to ${report.roots.last}` : '';
  const count = report.slots.total === null ? 'not counted' : plural(report.slots.total, 'slot');
  return `slots ${report.slots.first}–${report.slots.last} (${count}${roots}), ${via}`;
}

/** Not every archive of a busy node fits on one line: the newest ones matter for a restart. */
function axisMarks(inventory: Inventory, target: Slot | null): AxisMark[] {
  const marks: AxisMark[] = [
    ...inventory.bankSnapshots.slice(-4).map((b) => ({ slot: b.slot, char: 'b' })),
    ...inventory.archives.filter((a) => a.kind === 'incremental').slice(-6).map((a) => ({ slot: a.slot, char: 'i' })),
    ...inventory.archives.filter((a) => a.kind === 'full').slice(-6).map((a) => ({ slot: a.slot, char: 'f' })),
  ];
  if (target !== null) marks.push({ slot: target, char: 'X' });
  return marks;
}

export function displayPath(p: string, ledger: string): string {
  const rel = path.relative(ledger, p);
  return escapeControl(rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? p : rel);
}

export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.slice(0, -1).forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  '));
}
