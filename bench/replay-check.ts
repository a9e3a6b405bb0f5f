/**
 * After the timed parts: every execution of the cycle replayed from its recorded history against
 * the workflow bundle the worker ran. A worker with a full cache never replays during the bench,
 * so a command order that depends on timing (an update, a timer and an activity landing in one
 * workflow task under load) would otherwise go unnoticed until a restart.
 */
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { interrupted } from './cleanup';

export interface ReplayCheck {
  replayed: number;
  /** workflow id: what the replay said. */
  failures: string[];
}

export async function replayHistories(client: Client, workflowIds: string[], bundlePath: string): Promise<ReplayCheck> {
  async function* histories() {
    for (const workflowId of workflowIds) {
      if (interrupted.aborted) return;
      yield { workflowId, history: await client.workflow.getHandle(workflowId).fetchHistory() };
    }
  }
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: bundlePath }, replayName: 'bench' }, histories())) {
    replayed++;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  return { replayed, failures };
}
