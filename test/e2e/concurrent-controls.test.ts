/**
 * HR's controls clicked many times at once: ten concurrent advances and ten concurrent extends
 * in a cycle's first moments and in the middle of a phase. One advance of a phase is applied and
 * the others are refused with 409; extends that race a closing batch are harmless; the cycle
 * still runs through every phase to the end.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateTemporalCli } from '../../runtime/temporal';
import { type TestStack, poll, startTestStack } from '../support/stack';
import { openTask, submit } from '../support/tasks';

const ORG = [
  { email: 'hr@cc.example', name: 'Hal HR', roles: ['hr'] },
  { email: 'exec@cc.example', name: 'Eda Exec', roles: ['executive', 'manager'] },
  { email: 'a@cc.example', name: 'Amy', managerEmail: 'exec@cc.example' },
  { email: 'b@cc.example', name: 'Bob', managerEmail: 'exec@cc.example' },
];
const schedule = {
  strategy: '30s',
  drafting: '30s',
  managerLead: '1s',
  review: '3s',
  checkIns: { every: '2s', weeks: 1, window: '2s' },
  scoring: '3s',
  awards: '3s',
  reminders: [],
  escalations: [],
  expireAfter: '1s',
};
const draft = {
  objectives: [
    {
      title: 'Ship the thing',
      keyResults: [
        { kind: 'milestone', title: 'Launched' },
        { kind: 'numeric', title: 'Users', start: 0, target: 100, unit: 'users' },
      ],
    },
  ],
};

type View = {
  status: string;
  state: { status: string; phase: string | null; activeBatches: string[]; phases: { phase: string; status: string; note?: string }[] } | null;
  workflowError?: string;
};

describe('concurrent HR controls', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres' });
    expect((await t.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const view = async (key: string) => (await (await t.api(`/api/cycles/${key}`)).json()) as View;
  const burst = (key: string, action: 'advance' | 'extend', phase: string, n = 10) =>
    Promise.all(
      Array.from({ length: n }, () =>
        t.api(`/api/cycles/${key}/${action}`, {
          method: 'POST',
          json: action === 'advance' ? { phase } : { phase, until: new Date(Date.now() + 60_000).toISOString() },
        }),
      ),
    ).then((rs) => rs.map((r) => r.status));

  it('ten advances and ten extends at the start and mid-phase: one advance each, the cycle completes', { timeout: 180_000 }, async () => {
    const key = 'clicks';
    const started = await t.api('/api/cycles', { method: 'POST', json: { key, title: key, startsOn: '2027-01-01', endsOn: '2027-03-31', schedule } });
    expect(started.status).toBe(201);

    // In the cycle's first moments: before strategy opens these are refused, once it is open
    // at most one advance is applied.
    const [startAdvances, startExtends] = await Promise.all([burst(key, 'advance', 'strategy'), burst(key, 'extend', 'strategy')]);
    for (const s of [...startAdvances, ...startExtends]) expect([200, 409]).toContain(s);
    expect(startAdvances.filter((s) => s === 200).length).toBeLessThanOrEqual(1);

    // Strategy open with its batch running (unless an advance above already closed it).
    const strategy = await poll(
      () => view(key),
      (v) => v.state?.phase !== 'strategy' || v.state.activeBatches.length > 0,
      30_000,
      'strategy batch running',
    );
    let strategyAdvances = startAdvances.filter((s) => s === 200).length;
    if (strategy.state?.phase === 'strategy') {
      const [advances, extendsMid] = await Promise.all([burst(key, 'advance', 'strategy'), burst(key, 'extend', 'strategy')]);
      for (const s of [...advances, ...extendsMid]) expect([200, 409]).toContain(s);
      strategyAdvances += advances.filter((s) => s === 200).length;
    }
    expect(strategyAdvances).toBe(1);

    // Mid-drafting: one person has completed, the others' tasks are open.
    await poll(
      () => view(key),
      (v) => v.state?.phase === 'drafting',
      30_000,
      'drafting',
    );
    await submit(await openTask(t, key, 'a@cc.example', 'draft'), draft);
    const [advances, extendsMid] = await Promise.all([burst(key, 'advance', 'drafting'), burst(key, 'extend', 'drafting')]);
    expect(advances.filter((s) => s === 200)).toHaveLength(1);
    expect(advances.filter((s) => s === 409)).toHaveLength(9);
    for (const s of extendsMid) expect([200, 409]).toContain(s);

    const done = await poll(
      () => view(key),
      (v) => v.status !== 'running' || v.workflowError !== undefined,
      120_000,
      'the cycle to end',
    );
    expect(done.workflowError).toBeUndefined();
    expect(done.status).toBe('completed');
    expect(done.state?.status).toBe('completed');
    expect(done.state?.phases.map((p) => p.status)).toEqual(['closed', 'closed', 'closed', 'closed', 'closed', 'closed']);
    expect(done.state?.phases.find((p) => p.phase === 'drafting')?.note).toMatch(/advanced early/);
    const described = await t.temporal.client.workflow.getHandle(`okr-cycle:${key}`).describe();
    expect(described.status.name).toBe('COMPLETED');
  });

  it('a cycle workflow that ended abnormally shows its cause, and `temporal workflow reset` recovers it', { timeout: 120_000 }, async () => {
    const key = 'broken';
    expect(
      (
        await t.api('/api/cycles', {
          method: 'POST',
          json: { key, title: key, startsOn: '2027-01-01', endsOn: '2027-03-31', schedule: { ...schedule, strategy: '3s', drafting: '3s' } },
        })
      ).status,
    ).toBe(201);
    await poll(
      () => view(key),
      (v) => v.state?.phase === 'strategy' && v.state.activeBatches.length > 0,
      30_000,
      'strategy running',
    );
    await t.temporal.client.workflow.getHandle(`okr-cycle:${key}`).terminate('operator mistake');
    const failed = await poll(
      () => view(key),
      (v) => v.workflowError !== undefined,
      20_000,
      'the workflow error',
    );
    expect(failed.status).toBe('running');
    expect(failed.workflowError).toMatch(/terminated: operator mistake/);

    // The recovery documented in docs/operations.md.
    const cli = locateTemporalCli(undefined);
    if (cli.type !== 'existing-path') throw new Error('the Temporal CLI is needed');
    execFileSync(
      cli.path,
      [
        'workflow',
        'reset',
        '--address',
        t.temporal.address,
        '--workflow-id',
        `okr-cycle:${key}`,
        '--type',
        'FirstWorkflowTask',
        '--reason',
        'recover after terminate',
        '--yes',
      ],
      { stdio: 'pipe' },
    );
    const done = await poll(
      () => view(key),
      (v) => v.status !== 'running',
      90_000,
      'the reset cycle to end',
    );
    expect(done.status).toBe('completed');
    expect(done.workflowError).toBeUndefined();
  });
});
