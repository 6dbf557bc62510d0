// One lint gate for the whole tree. Project rules beyond the recommended sets: the process
// exits only in bin/, nothing reads the developers' ../shared folder, and the layers of
// docs/ARCHITECTURE.md (one block per folder below; test/lint/layers.test.ts shows each fires).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const SHARED = { selector: "Literal[value=/\\.\\.\\/shared/]", message: 'A user clone has no ../shared: copy what you need into the project.' };
// The Ink app loads only through `snapplan tui`, lazily (plan must never load React).
const LAZY_UI = { selector: "ImportExpression[source.value=/(^|\\/)ui\\//]", message: 'Only src/cli/commands/tui-handler.ts loads the UI (lazily): docs/ARCHITECTURE.md.' };

/** A folder may not import from these others (static imports and re-exports). */
function layer(folder, forbidden, why) {
  return {
    files: [`src/${folder}/**/*.ts`, `src/${folder}/**/*.tsx`],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: forbidden.map((f) => `**/${f}/**`), message: `${why} (docs/ARCHITECTURE.md, layers).` }] }],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'fixtures/demo/**', 'fixtures/rocksdb/**', 'fixtures/bin/ledger-tool.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'Return an exit code from main(); only bin/ exits.' },
      ],
      'no-restricted-syntax': ['error', SHARED],
    },
  },
  layer('core', ['ops', 'jobs', 'plugins', 'agave', 'output', 'cli', 'ui'], 'core is the bottom layer: it imports no other folder'),
  layer('ops', ['jobs', 'plugins', 'agave', 'output', 'cli', 'ui'], 'ops is chain- and UI-agnostic: primitives and adapters only'),
  layer('plugins', ['jobs', 'cli', 'ui'], 'plugins describe chains; the jobs use them, never the reverse'),
  layer('jobs', ['cli', 'ui'], 'jobs are run by the CLI and the app, and know neither'),
  layer('agave', ['jobs', 'cli', 'ui'], 'the Agave domain knows no front end'),
  layer('output', ['cli', 'ui'], 'renderers know no front end'),
  layer('cli', ['ui'], 'the CLI loads the UI only lazily, from tui-handler.ts'),
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/ui/**', 'src/cli/commands/tui-handler.ts'],
    rules: { 'no-restricted-syntax': ['error', SHARED, LAZY_UI] },
  },
  {
    // Commands are data (src/cli/define-command.ts); only the adapter turns them into yargs calls.
    // (The typescript-eslint rule, so that folder rules using core no-restricted-imports keep theirs.)
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/cli/register.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ name: 'yargs', message: 'Only src/cli/register.ts imports yargs: declare options as data (define-command.ts).' }] }],
    },
  },
  {
    // The stand-ins in fixtures/bin are Node scripts without an extension (they stand on PATH
    // under the real tools' names).
    files: ['**/*.js', '**/*.mjs', 'fixtures/bin/*'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
  },
);
