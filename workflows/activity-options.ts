/** Activity options shared by the workflows. Retries of ordinary steps are in steps.ts. */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/**
 * A person's submission is written by an activity inside the completion update. It is an
 * ordinary activity, not a local one: with a local activity the update's completion and the
 * batch's timer cancellation land in one workflow task in an order that replay could not
 * reproduce under load (a nondeterminism error seen at 1,000 participants).
 */
export const submissionActs = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumAttempts: 4 },
});
