import { render } from 'ink';
import { backupDirOf } from '../agave/apply/undo-service.js';
import { App } from './app.js';
import { ThemeContext } from './theme.js';
import { createTuiServices, type TuiEnvironment, type TuiOptions } from './tui-services.js';

export interface TuiTerminal {
  readonly stdout: NodeJS.WriteStream;
  readonly stdin: NodeJS.ReadStream;
  readonly stderr: NodeJS.WriteStream;
  /** Colour on (a colour terminal, no NO_COLOR) or off. */
  readonly color: boolean;
}

/**
 * Renders the app on the terminal and resolves to the exit code: 0 after q, 1 when the last
 * apply failed, 2 when it was refused, 130 after Ctrl-C. The caller checks for a terminal first.
 */
export async function runTui(options: TuiOptions, environment: TuiEnvironment, terminal: TuiTerminal): Promise<number> {
  const services = createTuiServices(options, environment);
  const backupDir = backupDirOf({ ledger: services.ledger, backupDir: options.backupDir }, environment.cwd);
  let code = 0;
  const instance = render(
    <ThemeContext.Provider value={{ color: terminal.color }}>
      <App services={services} backupDir={backupDir} initialTarget={options.slot} initialAnnouncement={options.announcement} onExit={(c) => (code = c)} />
    </ThemeContext.Provider>,
    // Ctrl-C is the app's own key: it stops a running apply cleanly before leaving.
    { stdout: terminal.stdout, stdin: terminal.stdin, stderr: terminal.stderr, exitOnCtrlC: false, patchConsole: false },
  );
  try {
    await instance.waitUntilExit();
  } finally {
    instance.cleanup();
  }
  return code;
}
