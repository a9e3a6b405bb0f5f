/** Builds the Temporal worker: the workflow bundle (prebuilt file or bundled now) and the activities. */
import { resolve } from 'node:path';
import { type NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { Activities } from '../activities';

export const WORKFLOWS_PATH = resolve(__dirname, '../workflows/index.ts');

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** A bundle written by `npm run build:bundle`; without it the workflows are bundled at start (~2 s). */
  workflowBundlePath?: string | undefined;
  /** Bundle code already in memory (tests bundle once per run). */
  workflowBundleCode?: string | undefined;
  limits?: { maxConcurrentActivities: number; maxConcurrentWorkflowTasks: number; maxCachedWorkflows: number };
}

export async function buildWorkflowBundle(): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
  return code;
}

const noop = () => {};
const quietBundlerLogger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };

export async function createWorker(options: WorkerOptions): Promise<Worker> {
  const workflowBundle = options.workflowBundlePath
    ? { codePath: options.workflowBundlePath }
    : { code: options.workflowBundleCode ?? (await buildWorkflowBundle()) };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle,
    activities: options.activities,
    ...(options.limits
      ? {
          maxConcurrentActivityTaskExecutions: options.limits.maxConcurrentActivities,
          maxConcurrentLocalActivityExecutions: options.limits.maxConcurrentActivities,
          maxConcurrentWorkflowTaskExecutions: options.limits.maxConcurrentWorkflowTasks,
          maxCachedWorkflows: options.limits.maxCachedWorkflows,
        }
      : {}),
    // SIGTERM: running sends stop between messages at once (the stack aborts their signal); anything
    // else still running is cancelled after the grace time, and the worker gives up after the force time,
    // so the process exits well within a container platform's usual 30 s.
    shutdownGraceTime: '10 seconds',
    shutdownForceTime: '13 seconds',
    // A send's heartbeats (every 100 ms while it sends) reach the server at least every second, and with them the
    // cancellation of a send when HR advances or cancels the cycle. A 250 ms throttle let the cancel's slowest
    // send stop ~0.7 s sooner but doubled the Temporal server's CPU during a launch (docs/performance.md, round 6).
    maxHeartbeatThrottleInterval: '1 second',
    defaultHeartbeatThrottleInterval: '1 second',
  });
}
