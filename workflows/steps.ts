/**
 * Steps: every activity a workflow runs goes through `step`. The activity retries with backoff
 * up to the policy's bound; if it still fails, the step is reported stalled — in the workflow's
 * `stalledStepsQuery` and, as soon as the database answers, in the `stalls` table the admin API
 * lists — and the workflow waits for an operator (`resolveStallUpdate`: retry now, or skip with a
 * reason) or retries by itself after `autoRetryAfter`. It never loops silently and never drops a
 * step. Business failures (non-retryable, with one of our error codes) are not stalls.
 */
import { ActivityFailure, ApplicationFailure, condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  ErrorCode,
  type ResolveStallInput,
  type StalledStep,
  type StepPolicy,
  durationToMs,
  resolveStallUpdate,
  stalledStepsQuery,
} from '../contract';

export type Acts = ReturnType<typeof proxyActivities<Activities>>;

export interface StepContext {
  cycleKey: string;
  phase: string | null;
}

export function createSteps(policy: StepPolicy, ctx: StepContext) {
  const acts = proxyActivities<Activities>({
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: '1 minute',
    retry: { initialInterval: policy.initialInterval, backoffCoefficient: 2, maximumInterval: policy.maxInterval, maximumAttempts: policy.maxAttempts },
  });
  // Writing the stall report must not itself give up while the database is down.
  const reportActs = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
  });
  const stalled = new Map<string, StalledStep>();
  const decisions = new Map<string, ResolveStallInput>();
  const counters = new Map<string, number>();
  const { workflowId } = workflowInfo();

  setHandler(stalledStepsQuery, () => [...stalled.values()]);
  setHandler(
    resolveStallUpdate,
    (input) => {
      decisions.set(input.stallKey, input);
      return { stallKey: input.stallKey, action: input.action };
    },
    {
      validator: (input) => {
        if (!stalled.has(input.stallKey) || decisions.has(input.stallKey)) {
          throw ApplicationFailure.create({ type: ErrorCode.conflict, message: 'this step is not stalled (any more)', nonRetryable: true });
        }
        if (input.action === 'skip' && !input.reason?.trim()) {
          throw ApplicationFailure.create({ type: ErrorCode.validation, message: 'a skip needs a reason', nonRetryable: true, details: [{ issues: [{ path: 'reason', message: 'say why the step is skipped' }] }] });
        }
      },
    },
  );

  /**
   * Runs `run` until it succeeds, an operator skips it (→ `onSkip`), or it fails with a
   * business failure (thrown).
   */
  async function step<T>(name: string, run: (a: Acts) => Promise<T>, onSkip: T): Promise<T> {
    for (;;) {
      try {
        return await run(acts);
      } catch (error) {
        if (!(error instanceof ActivityFailure) || isBusinessFailure(error)) throw error;
        const n = (counters.get(name) ?? 0) + 1;
        counters.set(name, n);
        const stallKey = `${workflowId}/${name}/${n}`;
        const since = new Date().toISOString();
        const report: StalledStep = {
          stallKey,
          workflowId,
          step: name,
          since,
          lastFailure: rootMessage(error),
          attempts: policy.maxAttempts,
          autoRetryAt: new Date(Date.now() + durationToMs(policy.autoRetryAfter)).toISOString(),
        };
        stalled.set(stallKey, report);
        const recorded = reportActs.recordStall({ ...report, cycleKey: ctx.cycleKey, phase: ctx.phase });
        const decided = await condition(() => decisions.has(stallKey), durationToMs(policy.autoRetryAfter));
        const decision = decisions.get(stallKey) ?? { stallKey, action: 'retry' as const, actor: 'auto-retry' };
        stalled.delete(stallKey);
        await recorded;
        await reportActs.resolveStall({ stallKey, action: decision.action, actor: decision.actor, reason: decision.reason ?? (decided ? null : 'retried automatically') });
        if (decision.action === 'skip') return onSkip;
      }
    }
  }

  return { step, stalled: () => [...stalled.values()] };
}

function isBusinessFailure(error: ActivityFailure): boolean {
  const cause = error.cause;
  return cause instanceof ApplicationFailure && cause.nonRetryable === true && (Object.values(ErrorCode) as string[]).includes(cause.type ?? '');
}

function rootMessage(error: unknown): string {
  let e = error as { message?: string; cause?: unknown };
  while (e.cause) e = e.cause as { message?: string; cause?: unknown };
  return e.message ?? String(error);
}
