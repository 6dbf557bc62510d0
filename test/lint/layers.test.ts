import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

/** The rules that fire on `code` as if it were the file `file` of the project. */
async function rulesFor(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

// `npm test` runs `eslint .` with these rules; this shows each layer rule fires (and where it must not).
describe('the layer rules in eslint.config.js', () => {
  it.each([
    ['src/ops/x.ts', "import { runBackup } from '../jobs/backup.js';\nexport const x = runBackup;\n", 'ops is chain- and UI-agnostic'],
    ['src/ops/x.ts', "import { planDocument } from '../output/plan-json.js';\nexport const x = planDocument;\n", 'ops is chain- and UI-agnostic'],
    ['src/ops/x.ts', "import type { ChainPlugin } from '../plugins/plugin.js';\nexport type X = ChainPlugin;\n", 'ops is chain- and UI-agnostic'],
    ['src/core/x.ts', "import { createArchive } from '../ops/archive.js';\nexport const x = createArchive;\n", 'core is the bottom layer'],
    ['src/plugins/generic/x.ts', "import { StepLog } from '../../jobs/steps.js';\nexport const x = StepLog;\n", 'plugins describe chains'],
    ['src/jobs/x.ts', "import { main } from '../cli/main.js';\nexport const x = main;\n", 'jobs are run by the CLI'],
    ['src/agave/x.ts', "import type { CliContext } from '../cli/context.js';\nexport type X = CliContext;\n", 'the Agave domain knows no front end'],
    ['src/output/x.ts', "import type { Writer } from '../cli/context.js';\nexport type X = Writer;\n", 'renderers know no front end'],
    ['src/cli/commands/x.ts', "import { runTui } from '../../ui/run-tui.js';\nexport const x = runTui;\n", 'the CLI loads the UI only lazily'],
    ['src/cli/commands/x.ts', "export const x = () => import('../../ui/run-tui.js');\n", 'Only src/cli/commands/tui-handler.ts loads the UI'],
  ])('%s: %s', async (file, code, message) => {
    const fired = await rulesFor(file, code);
    expect(fired.join('\n')).toContain(message);
  });

  it.each([
    ['src/cli/commands/tui-handler.ts', "export const x = () => import('../../ui/run-tui.js');\n"],
    ['src/jobs/x.ts', "import { createArchive } from '../ops/archive.js';\nimport type { ChainPlugin } from '../plugins/plugin.js';\nexport const x = createArchive;\nexport type X = ChainPlugin;\n"],
    ['src/ops/x.ts', "import { toJson } from '../core/json.js';\nexport const x = toJson;\n"],
  ])('allows %s', async (file, code) => {
    expect(await rulesFor(file, code)).toEqual([]);
  });
});
