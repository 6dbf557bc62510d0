import { isSnapplanError } from '../core/errors.js';

/** What a bug report names: snapplan's version and commit, the Node.js running it, the OS. */
export interface VersionInfo {
  readonly version: string;
  readonly commit: string;
  readonly node: string;
  readonly platform: string;
  /** The issue tracker (package.json `bugs.url`), when there is one: the report becomes a link. */
  readonly bugsUrl?: string | undefined;
}

/** A failure as a job reports it in its result document (ErrorReport), or a thrown SnapplanError. */
export interface ReportedError {
  readonly message: string;
  readonly hint?: string | undefined;
  readonly outputTail?: string | undefined;
}

export interface RenderErrorOptions {
  /** Needed only for bugs; read lazily so ordinary errors cost nothing. */
  readonly versions: () => VersionInfo;
  /** `SNAPPLAN_DEBUG` is set: also print the stack of an ordinary error. */
  readonly debug: boolean;
  /** The command that ran, for a bug report's title (e.g. "plan"). */
  readonly command?: string | undefined;
  /** Replaced by <cwd> in a bug report, which may be pasted in public. */
  readonly cwd?: string | undefined;
}

/**
 * The one way an error reaches the operator, for every command and for errors that were thrown
 * or reported in a result: `snapplan: <one sentence>`, the tool's last lines (`  | …`), the hint.
 * Anything that is not a SnapplanError or a reported failure, and every BugError, is a bug in
 * snapplan: it gets its stack and a prefilled report naming the versions (changesets' way).
 */
export function renderError(error: unknown, options: RenderErrorOptions): string {
  if (isBug(error)) return renderBug(error, options);
  const reported = error as ReportedError;
  const lines = [`snapplan: ${reported.message}`];
  if (reported.outputTail) lines.push(...reported.outputTail.split('\n').map((line) => `  | ${line}`));
  if (reported.hint) lines.push(reported.hint);
  if (options.debug && error instanceof Error && error.stack) lines.push(error.stack);
  return lines.join('\n') + '\n';
}

function isBug(error: unknown): boolean {
  if (isSnapplanError(error)) return error.name === 'BugError';
  if (error instanceof Error) return true;
  return !(typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string');
}

function renderBug(error: unknown, options: RenderErrorOptions): string {
  const err = error instanceof Error ? error : new Error(String(error));
  const about = options.versions();
  const title = `Unexpected error during snapplan ${options.command ?? ''}`.trimEnd();
  const body = bugReportBody(err, about, options.cwd);
  const lines = [isSnapplanError(error) ? `snapplan: ${err.message}` : `snapplan: unexpected error: ${err.message}`, '', 'This is a bug in snapplan.'];
  if (about.bugsUrl) {
    lines.push('Please report it with this link (the text is filled in; add what you were doing):');
    lines.push(`${about.bugsUrl.replace(/\/+$/, '')}/new?title=${encodeURIComponent(title)}&body=${encodeURIComponent(body)}`);
  } else {
    lines.push('Please report it to the snapplan maintainers with the text between the lines, and what you were doing:');
    lines.push('----', title, '', body, '----');
  }
  return lines.join('\n') + '\n';
}

/** The report: the error with its stack (the current folder blanked out) and every version. */
export function bugReportBody(error: Error, about: VersionInfo, cwd?: string): string {
  const stack = error.stack ?? `${error.name}: ${error.message}`;
  const shown = cwd ? stack.split(cwd).join('<cwd>') : stack;
  return ['## Error', '', '```', shown, '```', '', '## Versions', '', `- snapplan ${about.version} (commit ${about.commit})`, `- Node.js ${about.node}`, `- ${about.platform}`].join('\n');
}
