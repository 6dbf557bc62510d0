import { SnapplanError } from '../core/errors.js';

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
    const tail = 'details' in error ? (error.details as { outputTail?: string }).outputTail : undefined;
    return { message: error.message, hint: error.hint, outputTail: tail || undefined, exitCode: error.exitCode };
  }
  return { message: errorMessage(error), exitCode: 1 };
}
