/**
 * Steps: every activity a workflow runs goes through `step`. The activity retries with backoff
 * up to the policy's bound; if it still fails, the step is reported stalled — in the workflow's
 * `stalledStepsQuery` and, as soon as the database answers, in the `stalls` table the admin API
 * lists. While stalled, the step keeps trying by itself, one attempt every `autoRetryAfter`
 * (30 s by default), so it resumes on its own soon after its dependency answers again (resolved
 * as `auto-resume`); an operator can decide first (`resolveStallUpdate`: retry now, or skip with
 * a reason — a skip cancels the probing). It never loops silently and never drops a step.
 * Business failures (non-retryable, with one of our error codes) are not stalls.
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ErrorCode, type ResolveStallInput, type StalledStep, type StepPolicy, durationToMs, resolveStallUpdate, stalledStepsQuery } from '../contract';

export type Acts = ReturnType<typeof proxyActivities<Activities>>;

export interface StepOptions {
  /** A cancelled attempt is awaited until the activity has stopped (not abandoned at once). */
  waitOnCancel?: boolean;
}

export interface StepContext {
  cycleKey: string;
  phase: string | null;
}

export function createSteps(policy: StepPolicy, ctx: StepContext) {
  const options = {
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: '1 minute',
    retry: { initialInterval: policy.initialInterval, backoffCoefficient: 2, maximumInterval: policy.maxInterval, maximumAttempts: policy.maxAttempts },
  } as const;
  const acts = proxyActivities<Activities>(options);
  // The same activities for a step whose cancellation must wait for the attempt to stop (a send
  // that HR's close interrupts: the batch settles its outbox only once the send has stopped).
  const waitingActs = proxyActivities<Activities>({ ...options, cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED });
  // Writing the stall report must not itself give up while the database is down.
  const reportActs = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
  });
  // While stalled: one attempt every autoRetryAfter, for as long as it takes (no history grows
  // meanwhile: the server keeps the retries). Cancelling waits for a running attempt to end, so
  // the step never runs twice at once (two sends of one outbox would send its emails twice).
  const probeActs = proxyActivities<Activities>({
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: '1 minute',
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: { initialInterval: policy.autoRetryAfter, backoffCoefficient: 1, maximumInterval: policy.autoRetryAfter },
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
          throw ApplicationFailure.create({
            type: ErrorCode.validation,
            message: 'a skip needs a reason',
            nonRetryable: true,
            details: [{ issues: [{ path: 'reason', message: 'say why the step is skipped' }] }],
          });
        }
      },
    },
  );

  /**
   * Runs `run` until it succeeds, an operator skips it (→ `onSkip`), or it fails with a
   * business failure (thrown). With `waitOnCancel`, cancelling an attempt waits until it has stopped.
   */
  async function step<T>(name: string, run: (a: Acts) => Promise<T>, onSkip: T, options: StepOptions = {}): Promise<T> {
    for (;;) {
      try {
        return await run(options.waitOnCancel ? waitingActs : acts);
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
        if (patched('stall-auto-resume-v1')) {
          const probed = await probeUntilDecided(stallKey, run);
          stalled.delete(stallKey);
          await recorded;
          if ('value' in probed) {
            // It succeeded by itself (or its last attempt did, while an operator's decision came in).
            const by = probed.decision;
            await reportActs.resolveStall(
              by
                ? { stallKey, action: 'retry', actor: by.actor, reason: by.reason ?? null }
                : { stallKey, action: 'retry', actor: AUTO_RESUME, reason: 'the step succeeded again by itself' },
            );
            return probed.value;
          }
          const decision = probed.decision;
          await reportActs.resolveStall({ stallKey, action: decision.action, actor: decision.actor, reason: decision.reason ?? null });
          if (decision.action === 'skip') return onSkip;
          continue;
        }
        const decided = await condition(() => decisions.has(stallKey), durationToMs(policy.autoRetryAfter));
        const decision = decisions.get(stallKey) ?? { stallKey, action: 'retry' as const, actor: 'auto-retry' };
        stalled.delete(stallKey);
        await recorded;
        await reportActs.resolveStall({
          stallKey,
          action: decision.action,
          actor: decision.actor,
          reason: decision.reason ?? (decided ? null : 'retried automatically'),
        });
        if (decision.action === 'skip') return onSkip;
      }
    }
  }

  /**
   * Probes the stalled step until it succeeds (its value) or an operator decides (then the probe
   * is cancelled and its running attempt, if any, awaited: its success still counts). A business
   * failure while probing is thrown, as in `step`.
   */
  async function probeUntilDecided<T>(
    stallKey: string,
    run: (a: Acts) => Promise<T>,
  ): Promise<{ value: T; decision?: ResolveStallInput } | { decision: ResolveStallInput }> {
    const scope = new CancellationScope();
    const probe = scope
      .run(() => run(probeActs))
      .then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
    const decided = condition(() => decisions.has(stallKey));
    const first = await Promise.race([probe, decided.then(() => ({ decided: true as const }))]);
    if ('value' in first) return { value: first.value };
    if ('decided' in first) scope.cancel();
    const settled = 'decided' in first ? await probe : first;
    if ('error' in settled && settled.error instanceof ActivityFailure && isBusinessFailure(settled.error)) throw settled.error;
    // A probe that ended without success (cancelled, or a failure that is not a business one)
    // leaves it to the operator's decision.
    await decided;
    const decision = decisions.get(stallKey)!;
    return 'value' in settled ? { value: settled.value, decision } : { decision };
  }

  return { step, stalled: () => [...stalled.values()] };
}

/** The actor of a stall that ended because the step succeeded again by itself. */
export const AUTO_RESUME = 'auto-resume';

function isBusinessFailure(error: ActivityFailure): boolean {
  const cause = error.cause;
  return cause instanceof ApplicationFailure && cause.nonRetryable === true && (Object.values(ErrorCode) as string[]).includes(cause.type ?? '');
}

function rootMessage(error: unknown): string {
  let e = error as { message?: string; cause?: unknown };
  while (e.cause) e = e.cause as { message?: string; cause?: unknown };
  return e.message ?? String(error);
}
