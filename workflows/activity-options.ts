/** Activity proxies with their timeouts and retry policies, set once for every workflow. */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/** Database writes and mail sending: retried with backoff while services are down. */
export const acts = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: [] },
});

/**
 * A person's submission is written by a local activity inside the update handler, so they
 * wait milliseconds, not a task-queue round trip, and the history grows by one marker.
 */
export const localActs = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumAttempts: 4 },
});
