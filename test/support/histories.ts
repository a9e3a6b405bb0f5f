/**
 * Recorded workflow histories: `RECORD_HISTORIES=1 npm test -- test/e2e/full-cycle.test.ts`
 * writes the cycle's executions to test/histories/, and test/replay replays every file against
 * the current workflow code, so a change that would break running cycles fails CI.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export const HISTORIES_DIR = join(__dirname, '..', 'histories');

/** Records the latest run of each workflow id (for servers that cannot list, such as the time-skipping one). */
export async function recordHistoriesOf(client: Client, workflowIds: string[], name: string): Promise<string[]> {
  if (process.env.RECORD_HISTORIES !== '1') return [];
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const written: string[] = [];
  for (const workflowId of workflowIds) {
    const handle = client.workflow.getHandle(workflowId);
    const { runId } = await handle.describe();
    const file = join(HISTORIES_DIR, `${name}--${encodeURIComponent(workflowId)}--${runId.slice(0, 8)}.json`);
    writeFileSync(file, `${historyToJSON(await handle.fetchHistory())}\n`);
    written.push(file);
  }
  return written;
}

export async function recordHistories(client: Client, prefix: string, name: string): Promise<string[]> {
  if (process.env.RECORD_HISTORIES !== '1') return [];
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const written: string[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowId STARTS_WITH '${prefix}'` })) {
    const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    // The workflow id is kept (URI-encoded) in the name: code that reads workflowInfo().workflowId replays as it ran.
    const file = join(HISTORIES_DIR, `${name}--${encodeURIComponent(wf.workflowId)}--${wf.runId.slice(0, 8)}.json`);
    writeFileSync(file, `${historyToJSON(history)}\n`);
    written.push(file);
  }
  return written;
}
