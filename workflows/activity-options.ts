/** Activity options shared by the workflows. Retries of ordinary steps are in steps.ts. */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/**
 * A person's submission is written by an activity inside the completion update. Executions that
 * started before patch `local-record-v1` use this ordinary activity (their histories hold its
 * events); newer ones use `localSubmissionActs` below.
 */
export const submissionActs = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumAttempts: 4 },
});

/**
 * The same write as a local activity (patch `local-record-v1`): the worker runs it inside the
 * workflow task that accepted the update, so a completion group costs one workflow task and a
 * marker instead of two workflow tasks and an activity task. The batch's timer no longer moves
 * with each completion (patch `steady-wake-v1`), which removes the timer cancellation that shared
 * a workflow task with the local activity's result in the earlier attempt.
 */
export const localSubmissionActs = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumAttempts: 4 },
});
