import type { FlagChange } from '../agave/restart-patch/patch-plan.js';

/** One line per restart flag: what the patch does with it. */
export function changeSummary(changes: readonly FlagChange[]): string {
  const parts = changes.map((c) => {
    const flag = c.flag;
    switch (c.action) {
      case 'add':
        return `  + ${flag}${c.to ? ` ${c.to}` : ''}  (added)`;
      case 'replace':
        return `  ~ ${flag} ${c.from} → ${c.to}  (replaced)`;
      case 'remove':
        return `  - ${flag}${c.from ? ` ${c.from}` : ''}  (removed${c.flag === '--hard-fork' ? ': the announcement does not give the validator this hard fork' : ': duplicate'})`;
      default:
        return `  = ${flag}${c.to ? ` ${c.to}` : ''}  (already right)`;
    }
  });
  return ['Restart flags:', ...parts].join('\n');
}
