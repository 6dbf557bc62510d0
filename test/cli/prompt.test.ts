import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { confirm } from '../../src/cli/prompt.js';
import { UserError } from '../../src/core/errors.js';

function ctx(answer: string | null, tty: boolean, env: NodeJS.ProcessEnv = {}): { ctx: CliContext; asked: () => string } {
  const stdin = new PassThrough();
  if (answer !== null) stdin.end(`${answer}\n`);
  let asked = '';
  return {
    ctx: {
      cwd: '/',
      env,
      stdout: { write: () => {} },
      stderr: { write: (t: string) => void (asked += t) },
      stdoutIsTTY: tty,
      stdin,
      stdinIsTTY: tty,
      now: () => new Date(),
    },
    asked: () => asked,
  };
}

describe('confirm', () => {
  it.each([['y', true], ['yes', true], ['Y', true], ['n', false], ['', false], ['sure', false]])('answer %j → %s', async (answer, expected) => {
    const { ctx: c, asked } = ctx(answer, true);
    expect(await confirm(c, 'Move 3 items?', '--yes')).toBe(expected);
    expect(asked()).toContain('Move 3 items? [y/N]');
  });

  it('never waits without a terminal, or under CI: it names the flag', async () => {
    for (const [tty, env] of [[false, {}], [true, { CI: 'true' }]] as const) {
      const { ctx: c } = ctx(null, tty, env);
      await expect(confirm(c, 'Move?', '--yes')).rejects.toThrow(UserError);
      await expect(confirm(c, 'Move?', '--yes')).rejects.toThrow(/without a terminal/);
    }
  });
});
