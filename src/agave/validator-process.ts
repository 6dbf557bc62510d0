import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** Binary names of the Agave validator through its history (renamed from solana-* in 2.0). */
const VALIDATOR_NAMES = new Set(['agave-validator', 'solana-validator']);
/** A script run by an interpreter shows the interpreter as argv[0]. */
const INTERPRETERS = new Set(['node', 'nodejs', 'sh', 'bash', 'dash', 'python3', 'python', 'perl']);

export interface ValidatorProcess {
  readonly pid: number;
  readonly commandLine: string;
  /** What ties it to the ledger: its --ledger argument, or a file it holds open. */
  readonly evidence: string;
}

/**
 * Live validator processes whose command line or open files point into `ledger`, found via
 * /proc (Linux). A validator running on the ledger must never see its snapshots moved or its
 * blockstore opened for writing by ledger-tool. Processes snapplan may not inspect (another
 * user's, without root) are judged on their command line alone.
 */
export function findValidatorsUsing(ledgerPath: string, procRoot = '/proc'): ValidatorProcess[] {
  const found: ValidatorProcess[] = [];
  // /proc shows real paths: compare with the ledger's real path (it is often a symlink).
  const ledger = realOrSelf(ledgerPath);
  let entries: string[];
  try {
    entries = readdirSync(procRoot);
  } catch {
    return found; // no /proc (not Linux): nothing can be said; the caller documents it
  }
  const inside = (p: string) => p === ledger || p.startsWith(ledger.endsWith('/') ? ledger : `${ledger}/`);
  for (const entry of entries) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const argv = readArgv(path.join(procRoot, entry, 'cmdline'));
    if (!argv || !isValidator(argv)) continue;
    const cwd = safeReadlink(path.join(procRoot, entry, 'cwd'));
    const ledgerArg = ledgerArgument(argv);
    const commandLine = argv.join(' ');
    if (ledgerArg !== null) {
      const resolved = realOrSelf(path.resolve(cwd ?? '/', ledgerArg));
      if (inside(resolved) || ledger.startsWith(`${resolved}/`)) {
        found.push({ pid, commandLine, evidence: `--ledger ${ledgerArg}` });
        continue;
      }
    }
    const open = openFileInside(path.join(procRoot, entry, 'fd'), inside);
    if (open) found.push({ pid, commandLine, evidence: `holds ${open} open` });
  }
  return found;
}

function isValidator(argv: readonly string[]): boolean {
  const first = path.basename(argv[0] ?? '');
  if (VALIDATOR_NAMES.has(first)) return true;
  return INTERPRETERS.has(first) && VALIDATOR_NAMES.has(path.basename(argv[1] ?? ''));
}

/** `--ledger L`, `--ledger=L`, `-l L` (agave-validator's spellings). */
function ledgerArgument(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if ((arg === '--ledger' || arg === '-l') && argv[i + 1] !== undefined) return argv[i + 1] as string;
    if (arg.startsWith('--ledger=')) return arg.slice('--ledger='.length);
  }
  return null;
}

function readArgv(file: string): string[] | null {
  try {
    const raw = readFileSync(file, 'utf8');
    if (raw === '') return null; // a kernel thread or a zombie
    return raw.replace(/\0$/, '').split('\0');
  } catch {
    return null; // the process ended meanwhile
  }
}

function openFileInside(fdDir: string, inside: (p: string) => boolean): string | null {
  let fds: string[];
  try {
    fds = readdirSync(fdDir);
  } catch {
    return null; // not ours to inspect
  }
  for (const fd of fds) {
    const target = safeReadlink(path.join(fdDir, fd));
    if (target !== null && inside(target)) return target;
  }
  return null;
}

function safeReadlink(link: string): string | null {
  try {
    return readlinkSync(link);
  } catch {
    return null;
  }
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
