import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { vi } from 'vitest';
import { App, type AppProps } from '../../src/ui/app.js';
import { ThemeContext } from '../../src/ui/theme.js';
import { createTuiServices, type TuiServices } from '../../src/ui/tui-services.js';

const ANSI = new RegExp(String.fromCharCode(27) + '\\[[0-9;?]*[A-Za-z]', 'g');

/** A frame as an operator reads it: no colour codes, no trailing blanks. */
export function plain(frame: string | undefined): string {
  return (frame ?? '').replace(ANSI, '').split('\n').map((l) => l.trimEnd()).join('\n').trimEnd();
}

export const SIZE = { columns: 80, rows: 24 } as const;

/** Renders a screen without colour (as under NO_COLOR). */
export function renderPlain(node: ReactElement, color = false) {
  return render(<ThemeContext.Provider value={{ color }}>{node}</ThemeContext.Provider>);
}

export const KEY = { enter: '\r', escape: '\u001B', down: '\u001B[B', up: '\u001B[A', tab: '\t', backspace: '\u007F', ctrlC: '\u0003', pageDown: '\u001B[6~' } as const;

/** Renders the whole app at 80×24 and returns helpers to drive it like a keyboard. */
export function renderApp(services: TuiServices, props: Partial<AppProps> = {}) {
  let exitCode: number | null = null;
  const instance = renderPlain(
    <App services={services} backupDir={`${services.ledger}/snapplan-quarantine`} size={SIZE} onExit={(c) => (exitCode = c)} {...props} />,
  );
  const screen = () => plain(instance.lastFrame());
  return {
    ...instance,
    screen,
    exitCode: () => exitCode,
    /**
     * Each key is its own chunk. The app handles a key when it is read (its state is a reducer,
     * no key waits for a render); Ink holds a lone Esc until its next setImmediate, to tell it
     * from the start of an escape sequence, so each key waits for that turn, not for a time.
     */
    async press(...keys: string[]) {
      for (const k of keys) {
        instance.stdin.write(k);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
    async waitFor(text: string | RegExp, timeout = 8000) {
      await vi.waitFor(
        () => {
          const s = screen();
          if (typeof text === 'string' ? !s.includes(text) : !text.test(s)) throw new Error(`screen lacks ${String(text)}:\n${s}`);
        },
        { timeout, interval: 20 },
      );
      return screen();
    },
  };
}

/** The real services on a ledger (what `snapplan tui` runs), with a fixed clock. */
export function realServices(root: string, ledger: string, env: NodeJS.ProcessEnv) {
  return createTuiServices(
    { folders: { ledger }, boundsFrom: 'native', ledgerToolTimeoutMs: 20_000 },
    { cwd: root, env, now: () => new Date('2026-11-21T12:00:00Z'), toolVersion: '0.0.0-test' },
  );
}
