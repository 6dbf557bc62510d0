import { appendFile, readFile, rename, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as nextTick } from 'node:timers/promises';
import Ajv2020 from 'ajv/dist/2020.js';
import { main } from '../../src/cli/main.js';
import type { CliContext } from '../../src/cli/context.js';

const LOGS = path.resolve(import.meta.dirname, 'logs');

/** A recorded boot (test/watch/logs/<name>), without its `#` comment lines. */
export async function recorded(name: string): Promise<string[]> {
  return (await readFile(path.join(LOGS, name), 'utf8')).split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

/**
 * Appends lines at speed, in uneven chunks, sometimes cutting a line in two between writes (a
 * reader must wait for its end), yielding to the event loop between writes.
 */
export async function writeAtSpeed(file: string, lines: readonly string[], seed = 7): Promise<void> {
  let random = seed;
  const next = () => (random = (random * 1103515245 + 12345) % 2147483648) / 2147483648;
  let i = 0;
  while (i < lines.length) {
    const take = 1 + Math.floor(next() * 4);
    let chunk = lines.slice(i, i + take).map((l) => `${l}\n`).join('');
    i += take;
    if (next() < 0.3 && i < lines.length) {
      const cut = Math.floor((lines[i] as string).length / 2);
      chunk += (lines[i] as string).slice(0, cut);
      await appendFile(file, chunk);
      await nextTick();
      chunk = `${(lines[i] as string).slice(cut)}\n`;
      i += 1;
    }
    await appendFile(file, chunk);
    await nextTick();
  }
}

export async function rotate(file: string): Promise<void> {
  await rename(file, `${file}.1`);
  await writeFile(file, '');
}

export async function copyTruncate(file: string): Promise<void> {
  await truncate(file, 0);
}

export interface LiveRun {
  readonly events: () => Record<string, unknown>[];
  readonly stderr: () => string;
  readonly done: Promise<number>;
  /** Resolves once an event satisfies the predicate (or the run ends without one: then it rejects). */
  waitFor(predicate: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

/** Runs `snapplan watch … --json` in this process and exposes its events as they come. */
export function startWatch(argv: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): LiveRun {
  let out = '';
  let err = '';
  let finished = false;
  const ctx: CliContext = {
    cwd: options.cwd,
    env: { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, ...options.env },
    stdout: { write: (t: string) => void (out += t) },
    stderr: { write: (t: string) => void (err += t) },
    stdoutIsTTY: false,
    now: () => new Date(),
  };
  const done = main(['watch', ...argv, '--json', '--poll-ms', '10'], ctx).finally(() => {
    finished = true;
  });
  const events = () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    events,
    stderr: () => err,
    done,
    async waitFor(predicate) {
      for (;;) {
        const hit = events().find(predicate);
        if (hit) return hit;
        if (finished) throw new Error(`watch ended without the awaited event; events: ${out} ${err}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}

const schemaValidator = (async () => {
  const ajv = new Ajv2020.default({ allErrors: true, strict: true });
  const schema = JSON.parse(await readFile(path.resolve(import.meta.dirname, '../../src/output/watch-event.schema.json'), 'utf8')) as object;
  return ajv.compile(schema);
})();

/** Every `watch --json` line must match src/output/watch-event.schema.json. */
export async function schemaErrors(events: readonly Record<string, unknown>[]): Promise<unknown[]> {
  const validate = await schemaValidator;
  return events.flatMap((e) => (validate(e) ? [] : [{ event: e, errors: validate.errors }]));
}
