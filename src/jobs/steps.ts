import { ExternalError, SnapplanError, UserError } from '../core/errors.js';
import { findHolders } from '../ops/open-files.js';
import type { ServiceController, ServiceState } from '../ops/service-control.js';
import type { ChainPlugin, NodeHealth, PluginEnv } from '../plugins/plugin.js';

/** One step of a job as reported in text and JSON: what ran, how it ended, how long it took. */
export interface StepRecord {
  readonly name: string;
  readonly status: 'ok' | 'skipped' | 'failed';
  readonly ms: number;
  readonly message?: string | undefined;
}

/** What every job around a node gets from its caller (the CLI context or the TUI). */
export interface JobEnv {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly now: Date;
  readonly signal?: AbortSignal | undefined;
  readonly onEvent: (text: string) => void;
  /** Bytes of a long step (archive, upload, extract): done so far, of a total when known. */
  readonly onProgress?: ((step: string, bytes: number, total: number | null) => void) | undefined;
}

/** The node's service as a job reports it: which manager and unit, its state before and after. */
export interface ServiceReport {
  readonly manager: string;
  readonly label: string;
  readonly before: ServiceState | null;
  readonly after: ServiceState | null;
}

export interface ErrorReport {
  readonly message: string;
  readonly hint?: string | undefined;
  readonly outputTail?: string | undefined;
  readonly exitCode: number;
}

/** Records steps in order and tells the progress callback when each starts and ends. */
export class StepLog {
  readonly steps: StepRecord[] = [];
  constructor(private readonly onEvent: (text: string) => void) {}

  async run<T>(name: string, fn: () => Promise<T>, describe?: (value: T) => string | undefined): Promise<T> {
    this.onEvent(`${name}…`);
    const started = Date.now();
    try {
      const value = await fn();
      const message = describe?.(value);
      this.steps.push({ name, status: 'ok', ms: Date.now() - started, ...(message ? { message } : {}) });
      this.onEvent(`${name}: ok${message ? ` (${message})` : ''}`);
      return value;
    } catch (error) {
      this.steps.push({ name, status: 'failed', ms: Date.now() - started, message: errorMessage(error) });
      this.onEvent(`${name}: FAILED: ${errorMessage(error)}`);
      throw error;
    }
  }

  skip(name: string, reason: string): void {
    this.steps.push({ name, status: 'skipped', ms: 0, message: reason });
    this.onEvent(`${name}: skipped (${reason})`);
  }

  fail(name: string, message: string): void {
    this.steps.push({ name, status: 'failed', ms: 0, message });
    this.onEvent(`${name}: FAILED: ${message}`);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function errorReport(error: unknown): ErrorReport {
  if (error instanceof SnapplanError) {
    return { message: error.message, hint: error.hint, outputTail: error.outputTail, exitCode: error.exitCode };
  }
  return { message: errorMessage(error), exitCode: 1 };
}

/**
 * A job's exit code: 0 done; once something changed (a stop, a swap), any failure is 1 (the
 * service was still restarted); before that, the error's own code (2 for a refusal).
 */
export function jobExitCode(report: ErrorReport | null, changed: boolean): number {
  return report === null ? 0 : changed ? 1 : report.exitCode;
}

/**
 * The health check after a restart. It ignores the job's signal: after a Ctrl-C the node is
 * still started and confirmed (a second Ctrl-C only reminds, see cli/context.ts).
 */
export async function confirmHealthy(plugin: ChainPlugin, rpc: string, env: PluginEnv, timeoutMs: number, growBlocks = 0, hint?: string): Promise<NodeHealth | null> {
  const result = await plugin.confirmRestored(rpc, { ...env, signal: undefined }, { timeoutMs, growBlocks });
  if (result.status === 'failed') throw new ExternalError(result.message, { command: 'GET', args: [rpc] }, hint === undefined ? undefined : { hint });
  return result.status === 'ok' ? result.value : null;
}

/**
 * backup's and volume-snapshot's health step after the restart (`health-after`): skipped
 * without an RPC address, else the plugin's confirmRestored.
 */
export function healthAfter(request: { readonly plugin: ChainPlugin; readonly rpc: string | undefined; readonly healthTimeoutMs: number }, env: PluginEnv): () => { name: string; run: () => Promise<unknown> } | { skip: string; reason: string } {
  const rpc = request.rpc;
  return () => (rpc === undefined ? { skip: 'health-after', reason: 'no --rpc' } : { name: 'health-after', run: () => confirmHealthy(request.plugin, rpc, env, request.healthTimeoutMs) });
}

/**
 * Nothing may hold the folder open while it is copied: a live holder means a corrupt copy.
 * Recorded as the `open-files` step; a holder is a refusal (exit 2 when nothing changed yet).
 */
export function checkHolders(paths: readonly string[], log: StepLog, what: 'archive' | 'snapshot'): void {
  const holders = findHolders(paths);
  if (holders.length === 0) {
    log.steps.push({ name: 'open-files', status: 'ok', ms: 0 });
    return;
  }
  const first = holders[0];
  const message = `${holders.length} live process(es) hold the folder open, e.g. pid ${first?.pid} (${first?.commandLine.slice(0, 80)}) on ${first?.path}.`;
  log.fail('open-files', message);
  throw new UserError(`Refusing to ${what}: ${message}`, {
    hint: what === 'archive'
      ? 'A copy taken while the node runs is corrupt. Stop it (--service/--service-manager) and run again.'
      : 'A snapshot taken while the node writes is corrupt. Stop it (--service/--service-manager) and run again.',
  });
}

/**
 * The service's state before anything is done to it. A state the manager cannot report (an
 * unknown container or unit name, a daemon that does not answer) is a refusal: snapplan will
 * not stop, archive around, or restart something it cannot see.
 */
export async function knownState(controller: ServiceController): Promise<ServiceState> {
  const state = await controller.state();
  if (state === 'unknown' && controller.kind !== 'none') {
    throw new UserError(`The state of ${controller.label} cannot be read, so nothing was stopped.`, {
      hint: 'Check the name (--service) and the service manager (--service-manager).',
    });
  }
  return state;
}
