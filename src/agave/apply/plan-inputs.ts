import { lstatSync } from 'node:fs';
import type { LedgerFolders } from '../inventory.js';
import { scanLedger } from '../scanner.js';

/**
 * What the plan was made from, as one comparable text: every archive and bank snapshot folder
 * the scanner sees, with its size and modification time. apply takes it before its `[y/N]` and
 * again after: an operator may leave the prompt open for an hour while a download lands or a
 * folder is cleaned, and the answer was given to the plan on the screen, not to another one.
 * Reads names and lstat only (milliseconds), so it costs nothing when nothing changed.
 */
export function planInputs(folders: LedgerFolders): string {
  const inventory = scanLedger(folders);
  const lines: string[] = [];
  const facts = (p: string): string => {
    try {
      const s = lstatSync(p);
      return `${s.size} ${s.mtimeMs}`;
    } catch {
      return 'gone';
    }
  };
  for (const a of inventory.archives) lines.push(`archive ${a.path} ${facts(a.path)}`);
  for (const b of inventory.bankSnapshots) lines.push(`bank ${b.path} ${b.complete} ${facts(b.path)}`);
  return lines.sort().join('\n');
}
