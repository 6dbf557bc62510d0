import picomatch from 'picomatch';
import { UserError } from '../core/errors.js';

/**
 * The backup's `--exclude` patterns (README, "snapplan backup" options), matched with picomatch,
 * the matcher fast-glob uses:
 * - a pattern without `/` matches a name at any depth (`*.log`, `LOCK`);
 * - a pattern with `/` matches a path from the data folder (`chainstate/estimates`), and a
 *   leading `/` or `./` only says so explicitly (`/LOCK` is the top-level LOCK alone);
 * - `*` and `?` stay within a name, `**` spans folders, including none (`**\/LOCK` matches a
 *   top-level LOCK, `a/**\/b` matches `a/b`), `[ab]` is a class; names starting with `.` match.
 * A folder that matches is left out with everything in it (the walk does not enter it).
 */
export interface ExcludeMatcher {
  /** `rel`: the path from the data folder, `/`-separated. */
  excluded(rel: string): boolean;
  /** The patterns that have matched nothing so far (at the end of a walk: nothing at all). */
  unmatched(): string[];
}

export function compileExcludes(patterns: readonly string[]): ExcludeMatcher {
  const compiled = patterns.map((pattern) => ({ pattern, test: compileOne(pattern), hits: 0 }));
  return {
    excluded(rel) {
      let hit = false;
      for (const c of compiled) {
        if (c.test(rel)) {
          c.hits += 1;
          hit = true;
        }
      }
      return hit;
    },
    unmatched: () => compiled.filter((c) => c.hits === 0).map((c) => c.pattern),
  };
}

function compileOne(raw: string): (rel: string) => boolean {
  let pattern = raw.replace(/\/+$/, '');
  const anchored = pattern.startsWith('/') || pattern.startsWith('./');
  pattern = pattern.replace(/^(\.\/|\/)+/, '');
  if (pattern === '' || pattern.split('/').includes('..')) {
    throw new UserError(`--exclude ${JSON.stringify(raw)} names no path inside the data folder.`, {
      hint: 'Write a name (*.log), or a path from the data folder (chainstate/estimates, /LOCK).',
    });
  }
  const options = { dot: true };
  if (!anchored && !pattern.includes('/')) {
    // A name: compared with the last component of each path the walk meets.
    const test = picomatch(pattern, options);
    return (rel) => test(rel.slice(rel.lastIndexOf('/') + 1));
  }
  // A path: the path itself or one of its folders (what is inside an excluded folder is out too).
  const test = picomatch(pattern, options);
  return (rel) => {
    if (test(rel)) return true;
    for (let i = rel.indexOf('/'); i !== -1; i = rel.indexOf('/', i + 1)) if (test(rel.slice(0, i))) return true;
    return false;
  };
}
