import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cycleWorkflowId } from '../../contract';
import { type TestStack, startTestStack } from '../support/stack';
import { runDraftingFlow } from './drafting-flow';

describe('a first cycle on PostgreSQL, Temporal and SMTP', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('emails every participant and records completions from the form and from JSON', async () => {
    await runDraftingFlow(t, 'pg-q1');
  });

  it('starts a cycle once however often the same key is posted', async () => {
    const body = { key: 'pg-q1', title: 'Q1 2027', startsOn: '2027-01-01', endsOn: '2027-03-31', schedule: { planning: 'at-once' } };
    const again = await t.api('/api/cycles', { method: 'POST', json: body });
    expect(again.status).toBe(200);
    const conflicting = await t.api('/api/cycles', { method: 'POST', json: { ...body, title: 'Another title' } });
    expect(conflicting.status).toBe(409);
    expect(await conflicting.json()).toMatchObject({ error: { code: 'CONFLICT' } });

    const runs = [];
    for await (const wf of t.temporal.client.workflow.list({ query: `WorkflowId = '${cycleWorkflowId('pg-q1')}'` })) runs.push(wf);
    expect(runs).toHaveLength(1);
    const cycles = await t.stack.database.db.selectFrom('cycles').select('key').execute();
    expect(cycles).toEqual([{ key: 'pg-q1' }]);
    expect(t.mail.messages()).toHaveLength(3);
  });
});
