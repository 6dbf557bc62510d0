import { existsSync } from 'node:fs';
import { rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { snapplanPackage } from '../core/package-root.js';
import { UserError } from '../core/errors.js';
import { shellJoin, shellQuote } from '../core/shell-quote.js';

/**
 * `snapplan schedule`: the text of a systemd service + timer pair, or a cron line, that runs one
 * snapplan command on a schedule. Printed by default; `--write DIR` writes the files but never
 * over existing ones. Nothing is installed or enabled: the operator copies and enables them.
 */

export type ScheduleFormat = 'systemd' | 'cron';

export interface ScheduleRequest {
  readonly format: ScheduleFormat;
  /** Unit (or cron.d file) name without suffix; default from the command. */
  readonly name: string | undefined;
  /** The snapplan command to run: `backup stacks --data-dir …`. */
  readonly argv: readonly string[];
  /** The program that runs it; default: this node and this snapplan's bin/snapplan.js. */
  readonly program: readonly string[] | undefined;
  readonly onCalendar: string;
  readonly randomizedDelay: string;
  readonly cron: string;
  /** systemd User=; cron: the user field of an /etc/cron.d file. */
  readonly user: string | undefined;
  readonly writeDir: string | undefined;
}

export interface ScheduleFile {
  readonly name: string;
  /** Where it was written, or null when only printed. */
  readonly path: string | null;
  readonly content: string;
}

export interface ScheduleOutcome {
  readonly format: ScheduleFormat;
  readonly name: string;
  /** The full command line that will run, as an argument array. */
  readonly argv: readonly string[];
  readonly files: readonly ScheduleFile[];
  readonly written: readonly string[];
  /** What the operator does next (copy, enable). */
  readonly next: readonly string[];
}

const SCHEDULABLE = ['backup', 'volume-snapshot', 'retention'];
const UNIT_NAME = /^[A-Za-z0-9:_.@-]+$/;
/** systemd time spans: `30m`, `1h 30min`, `90` (seconds). */
const TIME_SPAN = /^[0-9]+(\.[0-9]+)?\s*[a-z]*(\s+[0-9]+(\.[0-9]+)?\s*[a-z]*)*$/;
const CRON = /^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|[0-9*,/-]+(\s+[0-9A-Za-z*,/-]+){4})$/;

/** This snapplan's bin/snapplan.js, run by the node that runs now (absolute: systemd wants it). */
export function defaultProgram(): string[] {
  return [process.execPath, path.join(snapplanPackage().root, 'bin', 'snapplan.js')];
}

export function buildSchedule(request: ScheduleRequest): ScheduleOutcome {
  const argv = [...request.argv];
  const [verb] = argv;
  if (verb === undefined) throw new UserError('Name the snapplan command to schedule after --.', { hint: 'For example: snapplan schedule --on-calendar daily -- backup stacks --data-dir /var/stacks/mainnet --to s3://bucket/stacks' });
  if (!SCHEDULABLE.includes(verb)) throw new UserError(`snapplan schedule runs ${SCHEDULABLE.join(', ')}; not ${JSON.stringify(verb)}.`);
  // A timer has no terminal: retention would refuse to ask every time.
  if (verb === 'retention' && !argv.includes('--yes') && !argv.includes('--dry-run')) {
    throw new UserError('A scheduled retention has no terminal to confirm on.', { hint: 'Add --yes to the retention command (run it once by hand first to see the preview).' });
  }
  const program = request.program ? [...request.program] : defaultProgram();
  if (program[0] === undefined || !path.isAbsolute(program[0])) throw new UserError(`--snapplan ${JSON.stringify(program[0] ?? '')} must be an absolute path.`, { hint: 'systemd and cron run with a minimal PATH.' });
  const full = [...program, ...argv];
  for (const word of [...full, request.onCalendar, request.randomizedDelay, request.cron, request.user ?? '', request.name ?? '']) {
    // A newline would start a new directive (or a new crontab line) of the caller's choosing.
    if (/[\n\r\0]/.test(word)) throw new UserError(`${JSON.stringify(word)} contains a line break.`);
  }
  // backup <chain>, volume-snapshot <kind> <chain>; retention's positional is a path, left out.
  const positionals = verb === 'retention' ? [] : argv.slice(1, verb === 'volume-snapshot' ? 3 : 2).filter((w) => /^[a-z]+$/.test(w));
  const name = request.name ?? ['snapplan', verb, ...positionals].join('-');
  if (!UNIT_NAME.test(name)) throw new UserError(`--name ${JSON.stringify(name)} is not a valid unit name.`, { hint: 'Letters, digits and : _ . @ - only.' });
  if (request.user !== undefined && !/^[a-z_][a-z0-9_-]*[$]?$/i.test(request.user)) throw new UserError(`--user ${JSON.stringify(request.user)} is not a user name.`);
  const summary = shellJoin(['snapplan', ...argv]);

  if (request.format === 'systemd') {
    if (request.onCalendar.trim() === '') throw new UserError('--on-calendar is empty.', { hint: 'For example --on-calendar daily, or "*-*-* 02:00:00".' });
    if (!TIME_SPAN.test(request.randomizedDelay.trim())) throw new UserError(`--randomized-delay ${JSON.stringify(request.randomizedDelay)} is not a systemd time span.`, { hint: 'For example 30m, 1h, 0.' });
    const service = [
      `# Written by snapplan schedule. Runs: ${summary}`,
      '[Unit]',
      `Description=${systemdText(summary)}`,
      'Wants=network-online.target',
      'After=network-online.target',
      '',
      '[Service]',
      // oneshot: the timer's next run waits for this one; a oneshot has no start time-out by
      // default, which a backup of a large chainstate needs.
      'Type=oneshot',
      `ExecStart=${full.map(systemdQuote).join(' ')}`,
      ...(request.user ? [`User=${request.user}`] : []),
      '',
    ].join('\n');
    const timer = [
      `# Written by snapplan schedule. Starts ${name}.service on a schedule.`,
      '[Unit]',
      `Description=Timer for ${name}.service`,
      '',
      '[Timer]',
      `OnCalendar=${request.onCalendar.trim()}`,
      // A run missed while the machine was off is made up at the next boot.
      'Persistent=true',
      // Spreads nodes with the same schedule, so they are not all down (or uploading) at once.
      `RandomizedDelaySec=${request.randomizedDelay.trim()}`,
      `Unit=${name}.service`,
      '',
      '[Install]',
      'WantedBy=timers.target',
      '',
    ].join('\n');
    return {
      format: 'systemd',
      name,
      argv: full,
      files: [
        { name: `${name}.service`, path: null, content: service },
        { name: `${name}.timer`, path: null, content: timer },
      ],
      written: [],
      next: [`sudo cp ${name}.service ${name}.timer /etc/systemd/system/`, 'sudo systemctl daemon-reload', `sudo systemctl enable --now ${name}.timer`, `systemctl list-timers ${name}.timer`],
    };
  }

  const when = request.cron.trim();
  if (!CRON.test(when)) throw new UserError(`--cron ${JSON.stringify(request.cron)} is not five cron fields.`, { hint: 'For example --cron "0 2 * * *" (daily at 02:00, the seed\'s schedule).' });
  // cron turns an unescaped % into a newline (and stdin) even inside shell quotes.
  const command = shellJoin(full).replaceAll('%', '\\%');
  if (request.user === undefined) {
    const line = `${when} ${command}\n`;
    return { format: 'cron', name, argv: full, files: [{ name: 'crontab', path: null, content: line }], written: [], next: ['Add the line with crontab -e (as the user that may stop the node), or pass --user to get an /etc/cron.d file.'] };
  }
  // /etc/cron.d: run-parts ignores names with dots; cron's PATH is only /usr/bin:/bin.
  const fileName = name.replace(/[^A-Za-z0-9_-]/g, '-');
  const content = [`# Written by snapplan schedule. Runs: ${summary}`, 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `${when} ${request.user} ${command}`, ''].join('\n');
  return { format: 'cron', name: fileName, argv: full, files: [{ name: fileName, path: null, content }], written: [], next: [`sudo install -m 0644 ${fileName} /etc/cron.d/${fileName}`] };
}

/** Writes the files into `dir`; refuses (exit 2) before writing anything if one exists. */
export async function writeSchedule(outcome: ScheduleOutcome, dir: string): Promise<ScheduleOutcome> {
  if (!(await stat(dir).catch(() => null))?.isDirectory()) throw new UserError(`${dir} is not a folder.`, { hint: 'Create it first, or leave out --write to print the files.' });
  if (outcome.files.some((f) => f.name === 'crontab')) throw new UserError('A user crontab line is not a file to write.', { hint: 'Pass --user to get an /etc/cron.d file, or add the line with crontab -e.' });
  const targets = outcome.files.map((f) => path.join(dir, f.name));
  const taken = targets.filter((t) => existsSync(t));
  if (taken.length > 0) throw new UserError(`${taken.join(', ')} already exist(s); snapplan schedule never overwrites.`, { hint: 'Remove it first, or choose another --name.' });
  const written: string[] = [];
  try {
    for (const [index, file] of outcome.files.entries()) {
      const target = targets[index] as string;
      // wx: fails if the file appeared since the check above.
      await writeFile(target, file.content, { flag: 'wx', mode: 0o644 });
      written.push(target);
    }
  } catch (error) {
    // A pair is useful only whole: take back what this call wrote.
    for (const file of written) await rm(file, { force: true });
    if ((error as { code?: string }).code === 'EEXIST') throw new UserError(`${(error as { path?: string }).path ?? 'A file'} appeared while writing; nothing was left behind.`);
    throw error;
  }
  return { ...outcome, files: outcome.files.map((f, i) => ({ ...f, path: targets[i] ?? null })), written, next: [`cd ${shellQuote(dir)}`, ...outcome.next] };
}

/**
 * One ExecStart word. systemd is not a shell: it splits on whitespace, honours "…" with C
 * escapes, and expands %specifiers and $VARIABLES even inside quotes, so % and $ are doubled.
 */
export function systemdQuote(word: string): string {
  const escaped = word.replaceAll('%', '%%').replaceAll('$', '$$$$');
  if (word !== '' && /^[A-Za-z0-9_/.,:=+@^%$-]+$/.test(word)) return escaped;
  return `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** Description= expands %specifiers too. */
function systemdText(text: string): string {
  return text.replaceAll('%', '%%');
}
