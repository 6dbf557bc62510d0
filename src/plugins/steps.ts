import { ExternalError, SnapplanError, UserError } from '../core/errors.js';
import type { ServiceController, ServiceState } from '../ops/service-control.js';
import type { ChainPlugin, PluginEnv } from './plugin.js';

/** One step of a job as reported in text and JSON: what ran, how it ended, how long it took. */
export interface StepRecord {
  readonly name: string;
  readonly status: 'ok' | 'skipped' | 'failed';
  readonly ms: number;
  readonly message?: string | undefined;
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
 * After a stop, whatever happened meanwhile: start the service again (unless --no-restart)
 * and confirm its health. Returns the error to report, or null; never throws, so the caller's
 * own failure is not masked.
 */
export async function restartAndConfirm(
  log: StepLog,
  controller: ServiceController,
  request: { readonly restart: boolean; readonly rpc: string | undefined; readonly plugin: ChainPlugin; readonly healthTimeoutMs: number },
  env: PluginEnv,
): Promise<unknown> {
  if (!request.restart) {
    log.skip('restart', '--no-restart');
    return null;
  }
  try {
    await log.run('restart', () => controller.start(), () => controller.label);
    const rpc = request.rpc;
    if (rpc === undefined) {
      log.skip('health-after', 'no --rpc');
      return null;
    }
    await log.run('health-after', async () => {
      const result = await request.plugin.confirmRestored(rpc, env, { timeoutMs: request.healthTimeoutMs, growBlocks: 0 });
      if (result.status === 'failed') throw new ExternalError(result.message, { command: 'GET', args: [rpc] });
    });
    return null;
  } catch (error) {
    return error;
  }
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
