/** Workflow ids and task-queue names are derived here and nowhere else. Workflow-safe. */
import type { Phase } from './cycles';

export const DEFAULT_TASK_QUEUE = 'okr-cycles';

/** The cycle's own workflow: one per cycle key, so starting a cycle twice starts it once. */
export function cycleWorkflowId(cycleKey: string): string {
  return `okr-cycle:${cycleKey}`;
}

/**
 * A batch of one phase's tasks (a child of the cycle). `round` separates repeats of a phase
 * (a week of check-ins, a second drafting round); `batch` is the participant batch number.
 */
export function taskBatchWorkflowId(cycleKey: string, phase: Phase, round: number, batch: number): string {
  return `okr-cycle:${cycleKey}:${phase}:r${round}:b${batch}`;
}

/** An operator's retry of one failed email (attempt-numbered, so each retry is its own run). */
export function emailRetryWorkflowId(emailId: string, attempt: number): string {
  return `okr-email-retry:${emailId}:${attempt}`;
}
