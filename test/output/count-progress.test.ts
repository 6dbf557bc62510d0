import { describe, expect, it } from 'vitest';
import { countProgress } from '../../src/output/count-progress.js';

describe('the progress line of a slot count', () => {
  it('stays silent for a short count, then prints at most one line a second', () => {
    let t = 0;
    const lines: string[] = [];
    const report = countProgress(() => t, (l) => lines.push(l));
    report('meta', 65_536n);
    t = 900;
    report('meta', 131_072n);
    expect(lines).toEqual([]);
    t = 1000;
    report('meta', 196_608n);
    t = 1500;
    report('meta', 262_144n);
    t = 2100;
    report('root', 65_536n);
    expect(lines).toEqual(['snapplan: counting the meta column: 196,608 keys so far…\n', 'snapplan: counting the root column: 65,536 keys so far…\n']);
  });
});
