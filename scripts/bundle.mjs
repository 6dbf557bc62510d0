// Bundles the CLI that bin/snapplan.js runs into dist/bundle/ (after tsc has checked and
// emitted dist/). Why a bundle: a cold `snapplan plan` loaded ~190 ES modules, and resolving,
// reading and compiling them one by one was a third of its start-up (docs/PERFORMANCE.md).
//
// - Every module that src/ imports lazily (`import('./x.js')`) stays its own entry, at the same
//   path under dist/bundle/ as under src/, so lazy stays lazy: `plan` never loads Ink, React,
//   the RocksDB reader or another command's handler.
// - Only yargs (with its helpers) and semver are bundled; every other package is loaded from
//   node_modules at run time, as before.
// - Inside the bundle, string-width is replaced by src/cli/string-width-lite.ts.
import { build } from 'esbuild';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');
const OUT = path.join(ROOT, 'dist/bundle');

const BUNDLED_PACKAGES = new Set([
  'yargs', 'yargs-parser', 'cliui', 'y18n', 'escalade', 'get-caller-file', 'wrap-ansi',
  'strip-ansi', 'ansi-regex', 'ansi-styles', 'semver',
]);

/** Every source file that some source file imports with a relative dynamic import(). */
function lazyEntries() {
  const entries = new Set([path.join(SRC, 'cli/main.ts')]);
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.tsx?$/.test(entry.name)) {
        for (const match of readFileSync(file, 'utf8').matchAll(/import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g)) {
          const target = path.resolve(dir, match[1]).replace(/\.js$/, '');
          const found = ['.ts', '.tsx'].map((ext) => target + ext).find((candidate) => {
            try { readFileSync(candidate); return true; } catch { return false; }
          });
          if (!found) throw new Error(`${file}: import('${match[1]}') names no source file`);
          entries.add(found);
        }
      }
    }
  };
  walk(SRC);
  return [...entries].sort();
}

const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

const dependencies = {
  name: 'snapplan-dependencies',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, () => ({ path: path.join(SRC, 'cli/string-width-lite.ts') }));
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { path: args.path, external: true };
      if (BUNDLED_PACKAGES.has(packageName(args.path))) return undefined;
      return { path: args.path, external: true };
    });
  },
};

rmSync(OUT, { recursive: true, force: true });
await build({
  absWorkingDir: ROOT,
  entryPoints: lazyEntries(),
  outbase: SRC,
  outdir: OUT,
  entryNames: '[dir]/[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  keepNames: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  // CommonJS packages inside the bundle (semver, get-caller-file) call require().
  banner: { js: "import { createRequire as __snapplanCreateRequire } from 'node:module'; const require = __snapplanCreateRequire(import.meta.url);" },
  plugins: [dependencies],
});
