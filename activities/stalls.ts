/** The stall report the admin API lists; written by the workflow that stalled. Idempotent on the stall key. */
import type { StalledStep } from '../contract';
import { findCycleByKey } from '../db/cycles';
import { insertStall, resolveStallRow } from '../db/stalls';
import type { ActivityDeps } from './deps';

export interface RecordStallInput extends StalledStep {
  cycleKey: string;
  phase: string | null;
}
export interface ResolveStallActivityInput {
  stallKey: string;
  action: 'retry' | 'skip';
  actor: string;
  reason: string | null;
}

export function createStallActivities({ db, log }: ActivityDeps) {
  return {
    async recordStall(input: RecordStallInput): Promise<void> {
      const cycle = await findCycleByKey(db, input.cycleKey);
      await insertStall(db, {
        stall_key: input.stallKey,
        cycle_id: cycle?.id ?? null,
        workflow_id: input.workflowId,
        phase: input.phase,
        step: input.step,
        since: input.since,
        last_failure: input.lastFailure,
        attempts: input.attempts,
        auto_retry_at: input.autoRetryAt,
      });
      log.warn({ stallKey: input.stallKey, cycleKey: input.cycleKey, step: input.step, failure: input.lastFailure }, 'workflow step stalled');
    },

    async resolveStall({ stallKey, action, actor, reason }: ResolveStallActivityInput): Promise<void> {
      await resolveStallRow(
        db,
        { stallKey },
        {
          status: action === 'skip' ? 'skipped' : actor === 'auto-retry' || actor === 'auto-resume' ? 'auto-retried' : 'retried',
          resolvedBy: actor,
          resolution: reason,
        },
      );
    },
  };
}
