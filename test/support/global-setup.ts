/**
 * Once per test run: start a real Temporal dev server (in memory) and bundle the workflow code,
 * and hand both to the test files. Each file runs its own worker on its own task queue.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { INSTALL_HINT, locateTemporalCli } from '../../runtime/temporal';
import { buildWorkflowBundle } from '../../runtime/worker';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject) {
  const executable = locateTemporalCli(process.env.TEMPORAL_CLI_PATH);
  if (executable.type !== 'existing-path') throw new Error(`The tests need the Temporal CLI on PATH. ${INSTALL_HINT}`);
  const [env, code] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: {
        executable,
        extraArgs: ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF'],
      },
    }),
    buildWorkflowBundle(),
  ]);
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
