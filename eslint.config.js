// One lint gate for the whole tree. Two project rules beyond the recommended sets:
// the process exits only in bin/, and nothing reads the developers' ../shared folder.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
      'no-restricted-syntax': [
        'error',
        { selector: "Literal[value=/\\.\\.\\/shared/]", message: 'A user clone has no ../shared: copy what you need into the project.' },
      ],
    },
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
