/**
 * Bonuses are HR's alone, on the real parts (Temporal dev server, PostgreSQL, the task page):
 * HR's finalize form sends a bonus; the nomination gets it, but neither the finalize task's
 * tasks.result nor the batch workflow's history (every payload decoded) holds the amount or the
 * currency. A refused submission (a made-up currency; a winner that is no nomination) keeps no
 * draft and changes nothing; a later finalize replaces the bonuses. The migration removes the
 * bonuses from finalize results stored before.
 */
import { Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskToken } from '../../core/tokens';
import { bonusDraftsOf } from '../../db/award-bonus-drafts';
import { migrateToLatest, openDatabase } from '../../db/connect';
import { migrations } from '../../db/migrations';
import { addCycle, addPerson, openTask } from '../support/kinds-fixture';
import { createTestDatabase } from '../support/postgres';
import { TEST_TOKEN_SECRET, type TestStack, poll, startTestStack } from '../support/stack';

let t: TestStack;
const db = () => t.stack.database.db;
const KEY = 'bonus-sealed';
const p = { hr: 0, max: 0, ann: 0, ben: 0 };
const nom = { ann: 0, ben: 0 };
let cycleId = 0;

const batchId = (round: number) => `okr-cycle:${KEY}:awards:r${round}:b0`;

/** Starts a finalize batch of this round (HR's one task) and waits for its open task. */
async function finalizeBatch(round: number): Promise<{ taskId: number; link: string }> {
  await t.temporal.client.workflow.start('taskBatch', {
    taskQueue: t.taskQueue,
    workflowId: batchId(round),
    args: [
      {
        cycleKey: KEY,
        phase: 'awards',
        batchNo: 0,
        opening: { kind: 'finalize', round, dueAt: new Date(Date.now() + 3_600_000).toISOString() },
        policy: { reminders: [], escalations: [], expireAfter: '1d', timeZone: 'UTC' },
      },
    ],
  });
  const row = await poll(
    () => db().selectFrom('tasks').select('id').where('cycle_id', '=', cycleId).where('kind', '=', 'finalize').where('round', '=', round).executeTakeFirst(),
    (r) => r !== undefined,
    30_000,
    `the finalize task of round ${round}`,
  );
  const token = taskToken(TEST_TOKEN_SECRET, { cycleId, kind: 'finalize', round, personId: p.hr, subjectPersonId: null });
  return { taskId: row!.id, link: `${t.base}/t/${token}` };
}

const postForm = (link: string, form: Record<string, string>) =>
  fetch(link, { method: 'POST', headers: { origin: new URL(link).origin, accept: 'text/html' }, body: new URLSearchParams(form) });
const postJson = (link: string, body: unknown) =>
  fetch(link, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });

/** Every byte string in a value as UTF-8 text (Temporal's payloads are JSON in bytes). */
function decoded(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value)) return value.map(decoded);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decoded(v)]));
  return value;
}

/** The batch's whole history as text, every payload decoded. */
async function historyText(workflowId: string): Promise<string> {
  const history = await t.temporal.client.workflow.getHandle(workflowId).fetchHistory();
  return JSON.stringify(decoded(history));
}

const nominationsNow = () =>
  db()
    .selectFrom('nominations')
    .select(['id', 'winner', 'award_name', 'bonus_amount', 'bonus_currency'])
    .where('cycle_id', '=', cycleId)
    .orderBy('id')
    .execute();

beforeAll(async () => {
  t = await startTestStack({ database: 'postgres' });
  p.hr = await addPerson(db(), { name: 'Hedda Bonus HR', roles: ['hr'] });
  p.max = await addPerson(db(), { name: 'Max Bonus Manager', roles: ['manager'] });
  p.ann = await addPerson(db(), { name: 'Ann Bonus', managerId: p.max });
  p.ben = await addPerson(db(), { name: 'Ben Bonus', managerId: p.max });
  cycleId = await addCycle(db(), KEY, Object.values(p));
  await db().updateTable('cycles').set({ hr_person_id: p.hr }).where('id', '=', cycleId).execute();
  const nominate = await openTask(db(), { cycleId, personId: p.max, kind: 'nominate' });
  const rows = await db()
    .insertInto('nominations')
    .values([
      { cycle_id: cycleId, task_id: nominate.id, nominator_id: p.max, objective_id: null, person_id: p.ann, citation: 'Took activation from 40 % to 58 %' },
      { cycle_id: cycleId, task_id: nominate.id, nominator_id: p.max, objective_id: null, person_id: p.ben, citation: 'Kept the release train on time' },
    ])
    .returning('id')
    .execute();
  nom.ann = rows[0]!.id;
  nom.ben = rows[1]!.id;
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

describe('bonuses kept out of Temporal and tasks.result (bonus)', () => {
  let first: { taskId: number; link: string };

  it('records HR’s bonus on the nomination; tasks.result and the batch history hold neither the amount nor the currency', { timeout: 60_000 }, async () => {
    first = await finalizeBatch(1);
    const res = await postForm(first.link, {
      [`winner${nom.ann}`]: 'on',
      [`award${nom.ann}.name`]: 'Sealed Star Award',
      [`award${nom.ann}.bonus`]: '7345,25',
      [`award${nom.ann}.currency`]: 'chf',
      [`winner${nom.ben}`]: 'on',
      announcement: 'Congratulations to the bonus winners',
    });
    expect(res.status, await res.clone().text()).toBe(200);
    await res.body?.cancel();

    // (1) The nomination has the bonus; a winner without one has none.
    expect(await nominationsNow()).toEqual([
      { id: nom.ann, winner: true, award_name: 'Sealed Star Award', bonus_amount: '7345.25', bonus_currency: 'CHF' },
      { id: nom.ben, winner: true, award_name: null, bonus_amount: null, bonus_currency: null },
    ]);
    expect(await bonusDraftsOf(db(), first.taskId)).toEqual([]);

    // (2) The stored submission keeps the award, not the bonus.
    const task = await db().selectFrom('tasks').select(['status', 'result']).where('id', '=', first.taskId).executeTakeFirstOrThrow();
    expect(task.status).toBe('completed');
    const result = task.result as { submission: { winnerNominationIds: number[]; awards: Record<string, unknown>[] } };
    expect(result.submission.winnerNominationIds).toEqual([nom.ann, nom.ben]);
    expect(result.submission.awards).toEqual([{ nominationId: nom.ann, awardName: 'Sealed Star Award' }]);
    const stored = JSON.stringify(task.result);
    for (const s of ['7345', 'CHF', 'chf', 'bonusAmount', 'bonusCurrency']) expect(stored).not.toContain(s);
    // Nor does the completed task's link (it was in HR's email): its page and its JSON show the award only.
    const page = await (await fetch(first.link, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('Sealed Star Award');
    expect(page).not.toContain('7345');
    const json = await (await fetch(first.link, { headers: { accept: 'application/json' } })).text();
    expect(json).toContain('Sealed Star Award');
    for (const s of ['7345', 'CHF']) expect(json).not.toContain(s);

    // (3) The batch's history: the submission is there (award name, announcement), the bonus is not.
    await poll(
      () => t.temporal.client.workflow.getHandle(batchId(1)).describe(),
      (d) => d.status.name === 'COMPLETED',
      30_000,
      'the finalize batch to end',
    );
    const history = await historyText(batchId(1));
    expect(history).toContain('Sealed Star Award');
    expect(history).toContain('Congratulations to the bonus winners');
    for (const s of ['7345.25', '7345,25', 'CHF', 'chf', 'bonusAmount', 'bonusCurrency']) expect(history, s).not.toContain(s);
  });

  it(
    'answers the same award submission sent again “completed” whatever its bonus, refuses another (409), and changes no bonus',
    { timeout: 30_000 },
    async () => {
      const again = await postJson(first.link, {
        winnerNominationIds: [nom.ann, nom.ben],
        announcement: 'Congratulations to the bonus winners',
        awards: [{ nominationId: nom.ann, awardName: 'Sealed Star Award', bonusAmount: 9999, bonusCurrency: 'USD' }],
      });
      expect(again.status).toBe(200);
      await again.body?.cancel();
      const other = await postJson(first.link, { winnerNominationIds: [nom.ben], awards: [{ nominationId: nom.ben, bonusAmount: 1, bonusCurrency: 'USD' }] });
      expect(other.status).toBe(409);
      await other.body?.cancel();
      expect(await bonusDraftsOf(db(), first.taskId)).toEqual([]);
      expect((await nominationsNow()).map((n) => [n.bonus_amount, n.bonus_currency])).toEqual([
        ['7345.25', 'CHF'],
        [null, null],
      ]);
    },
  );

  let second: { taskId: number; link: string };

  it('refuses a made-up currency before anything is kept or sent, naming the field, with the typed values kept in the page', { timeout: 60_000 }, async () => {
    second = await finalizeBatch(2);
    const before = await nominationsNow();
    const page = await postForm(second.link, {
      [`winner${nom.ben}`]: 'on',
      [`award${nom.ben}.bonus`]: '500',
      [`award${nom.ben}.currency`]: 'ZZZ',
    });
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain('must be an ISO 4217 currency code such as EUR, USD or CNY');
    expect(html).toMatch(new RegExp(`name="award${nom.ben}\\.bonus"[^>]*value="500"|value="500"[^>]*name="award${nom.ben}\\.bonus"`));
    expect(html).toMatch(new RegExp(`name="award${nom.ben}\\.currency"[^>]*value="ZZZ"|value="ZZZ"[^>]*name="award${nom.ben}\\.currency"`));

    // The same refusal by JSON, with the rule's code for every language.
    const json = await postJson(second.link, {
      winnerNominationIds: [nom.ben],
      awards: [{ nominationId: nom.ben, bonusAmount: 10.005, bonusCurrency: 'ZZZ' }],
    });
    expect(json.status).toBe(400);
    const body = (await json.json()) as { error: { details?: { issues: { path: string; code: string }[] } } };
    expect(body.error.details?.issues.map((i) => [i.path, i.code])).toEqual([
      ['awards.0.bonusAmount', 'rule.bonus-amount'],
      ['awards.0.bonusCurrency', 'rule.currency-code'],
    ]);

    // (4) Nothing kept, nothing changed, and nothing reached the batch.
    expect(await bonusDraftsOf(db(), second.taskId)).toEqual([]);
    expect(await nominationsNow()).toEqual(before);
    expect((await db().selectFrom('tasks').select('status').where('id', '=', second.taskId).executeTakeFirstOrThrow()).status).toBe('open');
    const history = await historyText(batchId(2));
    for (const s of ['ZZZ', 'bonusAmount', '10.005']) expect(history, s).not.toContain(s);
  });

  it('forgets the kept bonus when the batch refuses the submission (a winner that is no nomination)', { timeout: 30_000 }, async () => {
    // What an earlier attempt left (Temporal was unavailable): the next submission replaces it.
    await db().insertInto('award_bonus_drafts').values({ task_id: second.taskId, nomination_id: nom.ann, amount: '1.00', currency: 'EUR' }).execute();
    const res = await postJson(second.link, {
      winnerNominationIds: [nom.ben, 987654],
      awards: [{ nominationId: nom.ben, bonusAmount: 250, bonusCurrency: 'JPY' }],
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { details?: { issues: { path: string; code: string }[] } } };
    expect(body.error.details?.issues.map((i) => [i.path, i.code])).toEqual([['winnerNominationIds.1', 'rule.not-nomination']]);
    expect(await bonusDraftsOf(db(), second.taskId)).toEqual([]);
    expect((await nominationsNow()).map((n) => [n.id, n.winner, n.bonus_amount, n.bonus_currency])).toEqual([
      [nom.ann, true, '7345.25', 'CHF'],
      [nom.ben, true, null, null],
    ]);
  });

  it('(5) a later finalize replaces the bonuses: the new winner’s bonus, none for the one without', { timeout: 60_000 }, async () => {
    const res = await postJson(second.link, {
      winnerNominationIds: [nom.ann, nom.ben],
      awards: [
        { nominationId: nom.ann, awardName: 'Sealed Star Award' },
        { nominationId: nom.ben, awardName: 'Release Hero', bonusAmount: 1200.5, bonusCurrency: 'sek' },
      ],
    });
    expect(res.status, JSON.stringify(await res.clone().json())).toBe(200);
    await res.body?.cancel();
    expect(await nominationsNow()).toEqual([
      { id: nom.ann, winner: true, award_name: 'Sealed Star Award', bonus_amount: null, bonus_currency: null },
      { id: nom.ben, winner: true, award_name: 'Release Hero', bonus_amount: '1200.50', bonus_currency: 'SEK' },
    ]);
    expect(await bonusDraftsOf(db(), second.taskId)).toEqual([]);
    const task = await db().selectFrom('tasks').select('result').where('id', '=', second.taskId).executeTakeFirstOrThrow();
    expect((task.result as { submission: { awards: unknown[] } }).submission.awards).toEqual([
      { nominationId: nom.ann, awardName: 'Sealed Star Award' },
      { nominationId: nom.ben, awardName: 'Release Hero' },
    ]);
    await poll(
      () => t.temporal.client.workflow.getHandle(batchId(2)).describe(),
      (d) => d.status.name === 'COMPLETED',
      30_000,
      'the second finalize batch to end',
    );
    const history = await historyText(batchId(2));
    expect(history).toContain('Release Hero');
    for (const s of ['1200.5', 'SEK', 'sek', 'JPY', 'bonusAmount', 'bonusCurrency']) expect(history, s).not.toContain(s);
    // HR still sees the bonus where bonuses are shown.
    const key = ((await (await t.api('/api/keys', { method: 'POST', json: { name: 'bonus-hr', role: 'hr' } })).json()) as { key: string }).key;
    const awards = await fetch(`${t.base}/api/cycles/${KEY}/awards`, { headers: { authorization: `Bearer ${key}` } });
    const winners = ((await awards.json()) as { winners: { person: { name: string }; bonus: unknown }[] }).winners;
    expect(winners.map((w) => [w.person.name, w.bonus])).toEqual([
      ['Ann Bonus', null],
      ['Ben Bonus', { amount: '1200.50', currency: 'SEK' }],
    ]);
  });
});

describe('the migration of stored finalize results (bonus)', () => {
  it('removes bonusAmount and bonusCurrency from finalize submissions stored before, keeping everything else', { timeout: 60_000 }, async () => {
    const testDb = await createTestDatabase();
    const database = await openDatabase({ url: testDb.url, poolSize: 2, dataDir: 'memory://' });
    try {
      const migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => migrations } });
      const { error } = await migrator.migrateTo('2026_12_03_0500_dashboard_indexes');
      expect(error).toBeUndefined();
      const old = database.db;
      const hr = await addPerson(old, { name: 'Old Bonus HR', roles: ['hr'] });
      const cycle = await addCycle(old, 'bonus-old', [hr]);
      const finalize = await openTask(old, { cycleId: cycle, personId: hr, kind: 'finalize' });
      const checkin = await openTask(old, { cycleId: cycle, personId: hr, kind: 'checkin' });
      const submission = {
        winnerNominationIds: [4, 5, 6],
        announcement: 'Well done',
        awards: [
          { nominationId: 4, awardName: 'OKR Award', bonusAmount: 1500, bonusCurrency: 'EUR' },
          { nominationId: 5, bonusAmount: 20 },
          { nominationId: 6, citation: 'Kept us honest' },
        ],
      };
      await old
        .updateTable('tasks')
        .set({ status: 'completed', completed_at: new Date(), result: JSON.stringify({ submission, outcome: { winners: [4, 5, 6] } }) })
        .where('id', '=', finalize.id)
        .execute();
      // Another kind's result with the same keys is none of this migration's business.
      const other = { submission: { awards: [{ bonusAmount: 1 }] }, outcome: {} };
      await old
        .updateTable('tasks')
        .set({ result: JSON.stringify(other) })
        .where('id', '=', checkin.id)
        .execute();

      expect(await migrateToLatest(database.db)).toContain('2026_12_04_0101_award_bonus_drafts');
      const rows = await database.db.selectFrom('tasks').select(['id', 'result']).where('id', 'in', [finalize.id, checkin.id]).execute();
      const byId = new Map(rows.map((r) => [r.id, r.result]));
      expect(byId.get(finalize.id)).toEqual({
        submission: {
          winnerNominationIds: [4, 5, 6],
          announcement: 'Well done',
          awards: [{ nominationId: 4, awardName: 'OKR Award' }, { nominationId: 5 }, { nominationId: 6, citation: 'Kept us honest' }],
        },
        outcome: { winners: [4, 5, 6] },
      });
      expect(byId.get(checkin.id)).toEqual(other);
    } finally {
      await database.close();
      await testDb.drop();
    }
  });
});
