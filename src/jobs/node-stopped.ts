import type { ServiceController } from '../ops/service-control.js';
import type { StepLog } from './steps.js';

/**
 * The one way a job stops nodes and always starts them again: stop each (confirmed stopped by
 * its controller), run the work, and then — whatever the work did: returned, failed, threw,
 * was cancelled by Ctrl-C (a second Ctrl-C too: the CLI only reminds) or timed out — start
 * every node that was stopped (unless --no-restart, or the work holds the start back) and
 * confirm its health, each step recorded in the job's StepLog under the job's step names.
 *
 * A stop that fails changes nothing: the node is asked for its state and, still running, is
 * left as it was and never started a second time (a second process on one data folder); the
 * work does not run. Only a node that went down anyway is started again.
 */
export interface StoppableNode {
  readonly controller: Pick<ServiceController, 'label' | 'stop' | 'start' | 'state'>;
  /** Added to the step names when a job stops several nodes (` ddb1`); empty for one. */
  readonly suffix?: string | undefined;
}

export interface HealthStep {
  readonly name: string;
  readonly run: () => Promise<unknown>;
}

export interface NodeStoppedOptions {
  readonly log: StepLog;
  readonly nodes: readonly StoppableNode[];
  /** false: --no-restart. */
  readonly restart: boolean;
  /** The job's step names (backup: stop / restart / health-after; restore: stop / start / health). */
  readonly steps: { readonly stop: string; readonly start: string };
  /** After every node started: the health check to run, or why there is none. */
  readonly health?: ((workFailed: boolean) => HealthStep | { readonly skip: string; readonly reason: string }) | undefined;
  /** Asked after the work: a reason to leave the nodes stopped (restore: a check failed), or null. */
  readonly holdStart?: (() => string | null) | undefined;
  /**
   * Asked after the work: nodes that were already down before the job but are to be started as
   * if it had stopped them (restore: data put into a stopped node's folder is started).
   */
  readonly startAlso?: (() => readonly StoppableNode[]) | undefined;
  /** Told as each node is confirmed stopped, and started (devicedb's per-node report). */
  readonly onStopped?: ((node: StoppableNode) => void) | undefined;
  readonly onStarted?: ((node: StoppableNode) => void) | undefined;
}

export interface NodeStoppedOutcome<T> {
  /** The work's value, when it returned. */
  readonly value: T | undefined;
  /** The first failure: the stop, else the work, else a start or the health check. */
  readonly error: unknown;
  /** Whether the work ran (every stop succeeded). */
  readonly worked: boolean;
  /** Nodes that were down because of this job. */
  readonly stopped: readonly StoppableNode[];
  readonly started: readonly StoppableNode[];
}

export async function withNodeStopped<T>(options: NodeStoppedOptions, work: () => Promise<T>): Promise<NodeStoppedOutcome<T>> {
  const { log } = options;
  const stopped: StoppableNode[] = [];
  const started: StoppableNode[] = [];
  const leftRunning: StoppableNode[] = [];
  let value: T | undefined;
  let error: unknown = null;
  let worked = false;
  try {
    for (const node of options.nodes) {
      try {
        await log.run(name(options.steps.stop, node), () => node.controller.stop(), () => node.controller.label);
      } catch (stopError) {
        const state = await node.controller.state().catch(() => 'unknown' as const);
        if (state === 'stopped' || state === 'failed') stopped.push(node);
        else leftRunning.push(node);
        throw stopError;
      }
      stopped.push(node);
      options.onStopped?.(node);
    }
    worked = true;
    value = await work();
  } catch (caught) {
    error = caught;
  } finally {
    for (const node of leftRunning) log.skip(name(options.steps.start, node), `the stop failed and ${node.controller.label} still runs as it was; nothing was changed`);
    if (worked) stopped.push(...(options.startAlso?.() ?? []));
    const hold = stopped.length > 0 ? (options.holdStart?.() ?? null) : null;
    if (stopped.length === 0) {
      // Nothing of ours is down.
    } else if (hold !== null) {
      for (const node of stopped) log.skip(name(options.steps.start, node), hold);
    } else if (!options.restart) {
      log.skip(options.steps.start, '--no-restart');
    } else {
      for (const node of stopped) {
        try {
          await log.run(name(options.steps.start, node), () => node.controller.start(), () => node.controller.label);
          started.push(node);
          options.onStarted?.(node);
        } catch (startError) {
          // The others are still started: one node that will not come back is no reason to leave the rest down.
          error ??= startError;
        }
      }
      if (started.length === stopped.length && options.health) {
        const health = options.health(error !== null);
        if ('skip' in health) log.skip(health.skip, health.reason);
        else {
          try {
            await log.run(health.name, health.run);
          } catch (healthError) {
            error ??= healthError;
          }
        }
      }
    }
  }
  return { value, error, worked, stopped, started };
}

function name(step: string, node: StoppableNode): string {
  return `${step}${node.suffix ?? ''}`;
}

/**
 * The node a job stops: none when it is already stopped or no manager controls it (the `stop`
 * step then says why it was skipped), else the one the controller runs.
 */
export function nodesToStop(log: StepLog, controller: ServiceController, before: string): StoppableNode[] {
  if (before === 'stopped' || controller.kind === 'none') {
    log.skip('stop', controller.kind === 'none' ? 'no service manager' : 'already stopped');
    return [];
  }
  return [{ controller }];
}
