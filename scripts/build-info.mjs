// Records the git commit snapplan is built from in dist/build-info.json, for `snapplan --version`
// and bug reports. git runs here, at build time, never when snapplan runs. Built outside a
// git checkout of snapplan (an unpacked tarball, or a folder inside someone else's repository),
// the commit is "unknown".
import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

function git(args) {
  try {
    return execFileSync('git', ['-C', ROOT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return null;
  }
}

function commit() {
  const top = git(['rev-parse', '--show-toplevel']);
  // Only snapplan's own checkout counts: not a repository that merely contains this folder.
  if (top === null || realpathSync(top) !== realpathSync(ROOT)) return 'unknown';
  const head = git(['rev-parse', '--short=12', 'HEAD']);
  if (head === null) return 'unknown';
  const dirty = git(['status', '--porcelain', '--untracked-files=no']);
  return dirty ? `${head}-dirty` : head;
}

mkdirSync(path.join(ROOT, 'dist'), { recursive: true });
writeFileSync(path.join(ROOT, 'dist/build-info.json'), JSON.stringify({ commit: commit() }) + '\n');
