/**
 * Every recorded history replays against today's workflow code. A failure here means a change
 * would break cycles that are already running: guard it with `patched()` (docs/architecture.md).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { describe, expect, inject, it } from 'vitest';
import { HISTORIES_DIR } from '../support/histories';

const files = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('recorded histories replay on the current workflow code', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files)('%s', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')));
    // Newer files keep the real workflow id (URI-encoded); older ones a sanitised form.
    const workflowId = decodeURIComponent(file.split('--')[1] ?? file);
    await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') }, replayName: file }, history, workflowId);
  });
});
