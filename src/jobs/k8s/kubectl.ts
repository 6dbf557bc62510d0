import { ExternalError } from '../../core/errors.js';
import { describeExit, tailLines } from '../../core/process.js';
import { shellJoin } from '../../core/shell-quote.js';

/**
 * A thin adapter over the operator's kubectl (their kubeconfig, their credentials): argument
 * arrays only, `--context`/`--namespace` on every call, `-o json` parsed here. Under --dry-run
 * only reads (`get`, `config current-context`) run; every other call is recorded and printed.
 */
export interface KubectlOptions {
  readonly binary?: string | undefined;
  readonly context?: string | undefined;
  readonly namespace: string;
  readonly env?: NodeJS.ProcessEnv | undefined;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  readonly dryRun: boolean;
  /** Every call, in order, with the manifest it sent; `executed` is false under --dry-run. */
  readonly onCall?: ((call: KubectlCall) => void) | undefined;
}

export interface KubectlCall {
  readonly argv: readonly string[];
  readonly input?: string | undefined;
  readonly executed: boolean;
  /** The command as an operator would type it. */
  readonly display: string;
}

export interface RunOptions {
  readonly input?: string | undefined;
  /** Reads run under --dry-run too. */
  readonly read?: boolean;
  /** Exit codes other than 0 that are answers, not failures (NotFound). */
  readonly allowFailure?: boolean;
  readonly timeoutMs?: number;
}

export interface KubectlResult {
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

export class Kubectl {
  readonly calls: KubectlCall[] = [];
  constructor(readonly options: KubectlOptions) {}

  get binary(): string {
    return this.options.binary ?? 'kubectl';
  }

  argv(args: readonly string[]): string[] {
    return [...(this.options.context ? ['--context', this.options.context] : []), '--namespace', this.options.namespace, ...args];
  }

  async run(args: readonly string[], run: RunOptions = {}): Promise<KubectlResult> {
    const argv = this.argv(args);
    const executed = run.read === true || !this.options.dryRun;
    const call: KubectlCall = { argv, input: run.input, executed, display: `${this.binary} ${shellJoin(argv)}${run.input !== undefined ? ' <<manifest' : ''}` };
    this.calls.push(call);
    this.options.onCall?.(call);
    if (!executed) return { exitCode: 0, stdout: '', stderr: '' };
    const timeoutMs = run.timeoutMs ?? this.options.timeoutMs;
    const result = await this.spawn(argv, timeoutMs, run.input);
    const out: KubectlResult = { exitCode: result.exitCode, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
    if (result.exitCode !== 0 && !(run.allowFailure && !result.timedOut && !result.isCanceled)) {
      throw new ExternalError(`kubectl ${args.slice(0, 3).join(' ')} ${describeExit({ exitCode: result.exitCode, signal: result.signal, timedOut: result.timedOut }, timeoutMs)}.`, {
        command: this.binary,
        args: argv,
        exitCode: result.exitCode,
        outputTail: tailLines(out.stderr + out.stdout, 5),
      });
    }
    return out;
  }

  /** `get <kind> <name> -o json`; null when the object does not exist. */
  async getObject<T>(kind: string, name: string): Promise<T | null> {
    const result = await this.run(['get', kind, name, '-o', 'json'], { read: true, allowFailure: true });
    if (result.exitCode !== 0) {
      if (/\(NotFound\)|not found/i.test(result.stderr)) return null;
      throw new ExternalError(`kubectl get ${kind} ${name} failed.`, { command: this.binary, args: this.argv(['get', kind, name]), exitCode: result.exitCode, outputTail: tailLines(result.stderr, 5) });
    }
    return parseJson<T>(result.stdout, `kubectl get ${kind} ${name}`);
  }

  /** `get <kind> [-l selector] -o json` → the List's items. */
  async list<T>(kind: string, selector?: string, clusterScoped = false): Promise<T[]> {
    const args = ['get', kind, ...(selector ? ['-l', selector] : []), '-o', 'json'];
    const result = clusterScoped ? await this.runClusterScoped(args) : await this.run(args, { read: true });
    const list = parseJson<{ items?: T[] }>(result.stdout, `kubectl get ${kind}`);
    return Array.isArray(list.items) ? list.items : [];
  }

  /** Cluster-scoped reads (nodes) go without --namespace. */
  private async runClusterScoped(args: readonly string[]): Promise<KubectlResult> {
    return this.execRaw([...(this.options.context ? ['--context', this.options.context] : []), ...args], `kubectl ${args.join(' ')} failed.`);
  }

  /** The context kubectl uses when none is given: recorded so an undo targets the same cluster. */
  async currentContext(): Promise<string> {
    if (this.options.context) return this.options.context;
    const result = await this.execRaw(['config', 'current-context'], 'kubectl has no current context; pass --context NAME.');
    return result.stdout.trim();
  }

  /**
   * Every kubectl call: Ctrl-C ends it, a hung kubectl is killed after its time-out, a huge
   * answer is cut; a binary that cannot be started is said so, with the install hint.
   */
  private async spawn(argv: readonly string[], timeoutMs: number, input?: string) {
    const { execa } = await import('execa');
    const result = await execa(this.binary, argv, {
      reject: false,
      timeout: timeoutMs,
      cancelSignal: this.options.signal,
      env: this.options.env,
      extendEnv: this.options.env === undefined,
      // The manifest goes on stdin (`apply -f -`): nothing is written to a temp file.
      ...(input !== undefined ? { input } : { stdin: 'ignore' as const }),
      forceKillAfterDelay: 5_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const code = (result.cause as { code?: string } | undefined)?.code;
    if (result.failed && result.exitCode === undefined && !result.timedOut && !result.isCanceled && result.signal === undefined) {
      throw new ExternalError(code === 'ENOENT' ? `${this.binary} was not found.` : `${this.binary} could not be started: ${result.shortMessage}`, { command: this.binary, args: [...argv] }, {
        hint: 'Install kubectl and put it on PATH, or pass --kubectl PATH.',
      });
    }
    return result;
  }

  /** A read without the namespace flag (always run, also under --dry-run). */
  private async execRaw(argv: string[], failure: string): Promise<KubectlResult> {
    const call: KubectlCall = { argv, executed: true, display: `${this.binary} ${shellJoin(argv)}` };
    this.calls.push(call);
    this.options.onCall?.(call);
    const result = await this.spawn(argv, this.options.timeoutMs);
    if (result.exitCode !== 0) {
      throw new ExternalError(failure, { command: this.binary, args: argv, exitCode: result.exitCode, outputTail: tailLines(String(result.stderr ?? ''), 3) });
    }
    return { exitCode: 0, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
  }
}

function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ExternalError(`${what} did not print JSON.`, { command: 'kubectl', args: [], outputTail: tailLines(text, 3) });
  }
}
