/**
 * Awards that hold up, against a real PostgreSQL: no nominating one's own objective, one
 * nomination per subject with every citation, no voting for oneself or one's own nomination, the
 * nominee search by name, and HR's announcement reaching everyone's email.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotificationActivities } from '../../activities/notifications';
import { translateFieldIssue } from '../../i18n/validation';
import { nominationOptions } from '../../kinds/awards/handler';
import { searchNominees } from '../../kinds/awards/nominees';
import { SubmissionRejected } from '../../kinds';
import { createMailer } from '../../mail/mailer';
import { createLogger } from '../../runtime/logger';
import { type Fixture, addCycle, addPerson, emailOf, kr, openFixture, openTask, rejected, submit } from '../support/kinds-fixture';

let f: Fixture;
let cycle = 0;
const p = { hr: 0, max: 0, amy: 0, ann: 0, ben: 0, judge: 0 };
const o = { max: 0, ann: 0, annDraft: 0, judge: 0 };

async function objective(owner: number, title: string, status: 'approved' | 'draft', score: number | null = null): Promise<number> {
  const row = await f.db
    .insertInto('objectives')
    .values({ cycle_id: cycle, owner_id: owner, task_id: null, position: 0, title, parent_objective_id: null, status, score })
    .returning('id')
    .executeTakeFirstOrThrow();
  await f.db
    .insertInto('key_results')
    .values({ objective_id: row.id, position: 0, title: kr.launch.title, kind: 'milestone', start_value: 0, target_value: 1, unit: null })
    .execute();
  return row.id;
}

beforeAll(async () => {
  f = await openFixture();
  p.hr = await addPerson(f.db, { name: 'Hana HR', roles: ['hr'] });
  p.max = await addPerson(f.db, { name: 'Max Manager', roles: ['manager'] });
  p.amy = await addPerson(f.db, { name: 'Amy Ambassador', roles: ['ambassador'] });
  p.ann = await addPerson(f.db, { name: 'Ann Analyst', managerId: p.max });
  p.ben = await addPerson(f.db, { name: 'Ben Builder', managerId: p.max });
  p.judge = await addPerson(f.db, { name: 'Jo Judge', roles: ['award-committee', 'manager'] });
  cycle = await addCycle(f.db, 'fair', Object.values(p));
  o.max = await objective(p.max, 'Grow the team', 'approved');
  o.ann = await objective(p.ann, 'Delight new users', 'approved', 0.8);
  o.annDraft = await objective(p.ann, 'Half an idea', 'draft');
  o.judge = await objective(p.judge, 'Fair process', 'approved');
});
afterAll(async () => {
  await f?.close();
});

const citation = 'Carried the whole launch on time';

describe('fair nominations', () => {
  it('refuses one’s own objective, with the rule’s code so it reads in Chinese too', async () => {
    const task = await openTask(f.db, { cycleId: cycle, personId: p.max, kind: 'nominate', round: 7 });
    expect(await rejected(f.db, task, { nominations: [{ objectiveId: o.max, citation }] })).toEqual([
      { path: 'nominations.0.objectiveId', message: 'you cannot nominate your own objective' },
    ]);
    const error = await submit(f.db, task, { nominations: [{ objectiveId: o.max, citation }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubmissionRejected);
    const [issue] = (error as SubmissionRejected).issues;
    expect(issue).toMatchObject({ code: 'rule.own-objective' });
    expect(translateFieldIssue('zh-CN', issue!)).toBe('不能提名自己的目标');
    expect(translateFieldIssue('en', issue!)).toBe('you cannot nominate your own objective');
    expect(await f.db.selectFrom('nominations').selectAll().execute()).toEqual([]);
  });

  it('merges nominations of the same subject into one, keeping every citation', async () => {
    await submit(f.db, await openTask(f.db, { cycleId: cycle, personId: p.max, kind: 'nominate' }), {
      nominations: [
        { objectiveId: o.ann, citation: 'Activation went from 40 to 58 %' },
        { personEmail: await emailOf(f.db, p.judge), citation: 'Ran the calibration fairly' },
      ],
    });
    await submit(f.db, await openTask(f.db, { cycleId: cycle, personId: p.amy, kind: 'nominate' }), {
      nominations: [
        { objectiveId: o.ann, citation: 'Every customer call shows it' },
        { objectiveId: o.judge, citation: 'A process people trust' },
      ],
    });
    const rows = await f.db.selectFrom('nominations').select(['objective_id', 'person_id', 'nominator_id']).orderBy('id').execute();
    expect(rows).toEqual([
      { objective_id: o.ann, person_id: null, nominator_id: p.max },
      { objective_id: null, person_id: p.judge, nominator_id: p.max },
      { objective_id: o.judge, person_id: null, nominator_id: p.amy },
    ]);
    const options = await nominationOptions(f.db, cycle);
    const ann = options.find((x) => x.subject?.kind === 'objective' && x.subject.objectiveId === o.ann)!;
    expect(ann.citations).toEqual([
      { nominator: 'Max Manager', citation: 'Activation went from 40 to 58 %' },
      { nominator: 'Amy Ambassador', citation: 'Every customer call shows it' },
    ]);
    expect(ann.nominator).toBe('Max Manager, Amy Ambassador');
    expect(ann.citation).toBe('Activation went from 40 to 58 %\nEvery customer call shows it');
  });

  it('the committee cannot vote for themselves, their own objective, or a nomination they made', async () => {
    // Jo Judge puts Ann's objective forward too, so Jo is one of its nominators.
    await submit(f.db, await openTask(f.db, { cycleId: cycle, personId: p.judge, kind: 'nominate' }), {
      nominations: [{ objectiveId: o.ann, citation: 'Best onboarding in years' }],
    });
    const ids = new Map(
      (await nominationOptions(f.db, cycle)).map((x) => [
        x.subject?.kind === 'person' ? `p${x.subject.personId}` : `o${x.subject?.kind === 'objective' ? x.subject.objectiveId : 0}`,
        x.nominationId,
      ]),
    );
    const vote = await openTask(f.db, { cycleId: cycle, personId: p.judge, kind: 'vote' });
    expect(await rejected(f.db, vote, { nominationIds: [ids.get(`p${p.judge}`)!, ids.get(`o${o.judge}`)!, ids.get(`o${o.ann}`)!] })).toEqual([
      { path: 'nominationIds.0', message: 'you cannot vote for yourself or your own objective' },
      { path: 'nominationIds.1', message: 'you cannot vote for yourself or your own objective' },
      { path: 'nominationIds.2', message: 'you cannot vote for a nomination you made' },
    ]);
    expect(await f.db.selectFrom('votes').selectAll().execute()).toEqual([]);
  });

  it('the nominate picker searches participants by name, never offering the nominator, with their approved objectives and scores', async () => {
    expect(await searchNominees(f.db, { cycleId: cycle, nominatorId: p.max, query: '  ANN ' })).toEqual([
      {
        personId: p.ann,
        name: 'Ann Analyst',
        email: await emailOf(f.db, p.ann),
        department: null,
        score: null,
        objectives: [{ objectiveId: o.ann, title: 'Delight new users', score: 0.8 }],
      },
    ]);
    expect(await searchNominees(f.db, { cycleId: cycle, nominatorId: p.max, query: 'max' })).toEqual([]);
    expect((await searchNominees(f.db, { cycleId: cycle, nominatorId: p.max, query: '%' })).map((x) => x.name)).toEqual([]);
    expect((await searchNominees(f.db, { cycleId: cycle, nominatorId: p.max, query: 'example.com', limit: 2 })).map((x) => x.name)).toEqual([
      'Amy Ambassador',
      'Ann Analyst',
    ]);
  });

  it('HR’s announcement written with the winners reaches everyone’s email', async () => {
    const winner = (await nominationOptions(f.db, cycle))[0]!.nominationId;
    const finalize = await openTask(f.db, { cycleId: cycle, personId: p.hr, kind: 'finalize' });
    await submit(f.db, finalize, { winnerNominationIds: [winner], announcement: 'Thank you all — see you at Friday’s team meeting.' });
    const mailer = createMailer({ url: 'smtp://127.0.0.1:1?tls=off', from: 'OKR <okr@example.com>', maxConnections: 1, ratePerSecond: 0 });
    try {
      const acts = createNotificationActivities({ db: f.db, mailer, publicBaseUrl: 'http://x', tokenSecret: 's'.repeat(40), log: createLogger('silent') });
      // The cycle workflow queues the announcement without the text (it never had it).
      const result = await new MockActivityEnvironment().run(acts.queueCycleEmail, {
        cycleKey: 'fair',
        senderRef: 'okr-cycle:fair',
        timeZone: 'UTC',
        kind: 'awards-announcement' as const,
      });
      expect(result).toEqual({ queued: Object.values(p).length });
      const rows = await f.db.selectFrom('emails').select('data').where('kind', '=', 'awards-announcement').execute();
      for (const r of rows) expect((r.data as { announcement?: string }).announcement).toBe('Thank you all — see you at Friday’s team meeting.');
      // one winner, with every citation of the merged nomination
      expect((rows[0]!.data as { winners: unknown }).winners).toEqual([
        {
          label: 'Delight new users (Ann Analyst)',
          citation: 'Activation went from 40 to 58 %; Every customer call shows it; Best onboarding in years',
          // No award name recorded: the default one; the story is the objective and its key result (not scored yet).
          award: 'OKR Award',
          story: ['Delight new users: 0.80', '↳ Launch the new onboarding: —'],
        },
      ]);
    } finally {
      mailer.close();
    }
  });
});
