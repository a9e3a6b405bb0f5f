/**
 * A 1,000-participant cycle on the dev server stays far from Temporal's limits: every execution
 * of the cycle (the cycle and all its batches) keeps its history under 10,240 events.
 * Compressed schedule, some completions through HTTP, the rest expire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestStack, linkIn, poll, startTestStack } from '../support/stack';
import { GOOD_DRAFT } from './drafting-flow';

const PEOPLE = 1_000;
const COMPLETIONS = 200;

function org() {
  const people: { email: string; name: string; managerEmail?: string; roles?: string[] }[] = [{ email: 'hr@big.example', name: 'Hana HR', roles: ['hr'] }];
  for (let m = 0; m < 9; m++) people.push({ email: `m${m}@big.example`, name: `Manager ${m}`, roles: ['manager'] });
  for (let i = people.length; i < PEOPLE; i++) people.push({ email: `p${i}@big.example`, name: `Person ${i}`, managerEmail: `m${i % 9}@big.example` });
  return people;
}

describe('a 1,000-participant cycle', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('runs every phase with no execution near the history limits', { timeout: 300_000 }, async () => {
    expect((await t.api('/api/people', { method: 'POST', json: org() })).status).toBe(200);
    const schedule = {
      strategy: '5s',
      drafting: '60s',
      managerLead: '5s',
      review: '5s',
      checkIns: { every: '4s', weeks: 2, window: '4s' },
      scoring: '6s',
      awards: '6s',
      reminders: ['8s'],
      escalations: [{ after: '1s', to: 'manager' }],
      expireAfter: '2s',
    };
    const res = await t.api('/api/cycles', { method: 'POST', json: { key: 'big', title: 'Big', startsOn: '2027-01-01', endsOn: '2027-03-31', schedule } });
    expect(res.status).toBe(201);

    const invites = await t.mail.waitFor((all) => all.filter((m) => /draft your OKRs/.test(m.subject)).length >= PEOPLE, 60_000);
    // People without reports (managers' drafts are due earlier).
    const drafts = invites.filter((m) => /draft your OKRs/.test(m.subject) && /^p\d+@/.test(m.envelopeTo[0]!)).slice(0, COMPLETIONS);
    // Complete some drafts through HTTP, 20 at a time.
    for (let i = 0; i < drafts.length; i += 20) {
      const answers = await Promise.all(
        drafts.slice(i, i + 20).map(async (m) => {
          const r = await fetch(linkIn(m), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(GOOD_DRAFT) });
          return { status: r.status, body: await r.text() };
        }),
      );
      expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    }

    const done = await poll(
      async () => (await (await t.api('/api/cycles/big')).json()) as { status: string; state: { status: string } | null; taskCounts: Record<string, number> },
      (v) => v.state?.status === 'completed',
      240_000,
      'the cycle to complete',
    );
    expect(done.taskCounts.completed).toBe(COMPLETIONS);
    expect(done.taskCounts.open).toBe(0);

    let largest = 0;
    let executions = 0;
    for await (const wf of t.temporal.client.workflow.list({ query: `WorkflowId STARTS_WITH 'okr-cycle:big'` })) {
      executions++;
      largest = Math.max(largest, wf.historyLength);
    }
    // The cycle, plus one batch per phase round per 250 people.
    expect(executions).toBeGreaterThan(10);
    expect(largest).toBeLessThan(10_240);
    console.log(`1,000 participants: ${executions} executions, largest history ${largest} events`);
  });
});
