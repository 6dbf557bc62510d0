import path from 'node:path';
import type { ChalkInstance } from 'chalk';
import type { BlockstoreOutcome } from '../agave/blockstore-service.js';
import type { SlotRange } from '../core/slot.js';
import { plural } from '../core/format.js';

export const BLOCKSTORE_SCHEMA_VERSION = 1;

/** `snapplan blockstore --json`. */
export function blockstoreDocument(outcome: BlockstoreOutcome) {
  const { report } = outcome;
  return {
    schemaVersion: BLOCKSTORE_SCHEMA_VERSION,
    command: 'blockstore',
    ledger: outcome.ledger,
    source: report.source,
    slots: report.slots,
    roots: report.roots,
    chain: report.chain ? { ...report.chain, baseFrom: outcome.baseFrom } : null,
    /** Why the chain asked for with --slot was not walked (null when walked or not asked). */
    chainNotChecked: outcome.chainNotChecked,
    ledgerTool: report.ledgerTool ? { path: report.ledgerTool.path, version: report.ledgerTool.version, versionText: report.ledgerTool.versionText } : null,
  };
}

export function renderBlockstoreText(outcome: BlockstoreOutcome, c: ChalkInstance): string {
  const { report } = outcome;
  const via = report.source === 'native' ? 'read from its files, read-only' : `from ${path.basename(report.ledgerTool?.path ?? 'ledger-tool')} bounds`;
  const out = [c.bold(`Blockstore ${path.join(outcome.ledger, 'rocksdb')}`) + c.dim(`  (${via})`)];
  const count = (total: bigint | null, noun: string): string => (total === null ? `${noun}s (not counted)` : plural(total, noun));
  out.push(report.slots ? `  slots  ${count(report.slots.total, 'slot')} from ${report.slots.first} to ${report.slots.last}` : '  slots  none: the blockstore is empty');
  if (report.roots) {
    out.push(`  roots  ${count(report.roots.total, 'rooted slot')} from ${report.roots.first} to ${report.roots.last}`);
  } else out.push('  roots  none');
  const chain = report.chain;
  if (outcome.chainNotChecked !== null) {
    out.push(c.yellow(`  ! chain not checked: ${outcome.chainNotChecked}`));
    out.push(c.dim('    Use --bounds-from native (the default) to walk it.'));
  }
  if (chain) {
    const from = outcome.baseFrom === 'snapshots' ? ' (the base snapshot plan would use)' : '';
    out.push(`  chain  ${chain.target} back to ${chain.base}${from}: ${plural(chain.chain.length, 'slot')} walked`);
    if (chain.complete) out.push(c.green(`  ✔ every block on the chain is present and full`));
    else {
      const p = chain.firstProblem;
      if (p) out.push(c.red(`  ✘ slot ${p.slot}: ${p.problem === 'incomplete' ? 'not full' : p.problem === 'missing' ? 'missing' : p.problem === 'no-parent' ? 'parent unknown' : 'the chain passes below the base without meeting it'}`));
      if (chain.missing.length > 0) out.push(`    missing or incomplete: ${chain.missing.map(rangeText).join(', ')}`);
    }
  }
  return out.join('\n') + '\n';
}

function rangeText(r: SlotRange): string {
  return r.first === r.last ? String(r.first) : `${r.first}–${r.last}`;
}
