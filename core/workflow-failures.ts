/**
 * A workflow that ended other than by completing (or continuing as new): failed, terminated,
 * timed out or cancelled. The cycle view and the operator's list of stalled things show it with
 * its cause; resetting its run to its first workflow task recovers it (docs/operations.md).
 */
import type { Client } from '@temporalio/client';

export interface AbnormalEnd {
  /** As people read it: "failed", "terminated", "timed out", "cancelled". */
  status: string;
  cause: string | undefined;
  runId: string;
  closedAt: Date | undefined;
}

const ABNORMAL = new Set(['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELLED']);

/** How the workflow's latest run ended, if abnormally; undefined while it runs, once it completed, or when Temporal cannot say. */
export async function abnormalEnd(client: Client, workflowId: string): Promise<AbnormalEnd | undefined> {
  const handle = client.workflow.getHandle(workflowId);
  const described = await handle.describe().catch(() => undefined);
  const status = described?.status.name;
  if (!described || !status || !ABNORMAL.has(status)) return undefined;
  const cause = await client.workflow
    .getHandle(workflowId, described.runId)
    .result()
    .then(
      () => undefined,
      (e: Error & { cause?: Error }) => e.cause?.message ?? e.message,
    );
  return { status: status.toLowerCase().replace('_', ' '), cause, runId: described.runId, closedAt: described.closeTime };
}

/** The sentence the cycle view and the stalled list show. */
export function describeAbnormalEnd(ended: AbnormalEnd): string {
  return `the cycle workflow ${ended.status}${ended.cause ? `: ${ended.cause}` : ''}; see docs/operations.md "A cycle workflow that failed"`;
}

/**
 * Resets the workflow's latest run to its first workflow task: the run starts again from where it
 * began, re-runs its (idempotent) steps and starts fresh children. The request id is derived from
 * the run, so a repeated request resets once.
 */
export async function resetToFirstWorkflowTask(client: Client, workflowId: string, runId: string, reason: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const first = history.events?.find((e) => e.workflowTaskCompletedEventAttributes);
  if (!first?.eventId) throw new Error(`workflow ${workflowId} has no completed workflow task to reset to`);
  const { runId: newRunId } = await client.workflowService.resetWorkflowExecution({
    namespace: client.options.namespace,
    workflowExecution: { workflowId, runId },
    reason,
    workflowTaskFinishEventId: first.eventId,
    requestId: `reset-first-task-${runId}`,
  });
  return newRunId ?? '';
}
