/**
 * "Me" and "Company" on the real stack (Temporal, PostgreSQL, the check-in batch workflow):
 * what a person sees of themselves, correcting the latest check-in from "Me" through the
 * batch's correctTask update (and the refusal, with its reason, once the week has closed), the
 * JSON endpoints, execution items from a bridge, and — for every path and query of these
 * endpoints — that another employee, a manager of another team and an ambassador of another
 * department get 403/404 or only what visibility allows (no IDOR by id or email).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeWordsByLocale } from '../../i18n/homes';
import { consoleFetch, signInAs } from '../support/console';
import { type TestStack, startTestStack } from '../support/stack';
import { openTask } from '../support/tasks';
import { type MeWorld, TAG, buildWorld, closeWeek, email, openWeek, postForm } from './me-fixture';

let t: TestStack;
let w: MeWorld;
const cookies: Record<string, string> = {};
const db = () => t.stack.database.db;

beforeAll(async () => {
  t = await startTestStack({ database: 'postgres' });
  w = await buildWorld(t);
  for (const name of ['ana', 'ben', 'boss', 'otto', 'olga', 'amy', 'hana']) cookies[name] = await signInAs(t, email(name));
  // An ambassador of another department.
  await db()
    .updateTable('people')
    .set({ roles: ['ambassador'] })
    .where('id', '=', w.ids.otto!)
    .execute();
  cookies.otto = await signInAs(t, email('otto'));
  await openWeek(t, w, 2);
  const ana2 = await openTask(t, w.cycle.key, email('ana'), 'checkin', { round: 2 });
  const [teams] = w.krs.ana!;
  const res = await postForm(ana2, { [`kr${teams}.value`]: '200', [`kr${w.krs.ana![1]}.done`]: 'on', confidence: '6', report: 'Week two' });
  expect(res.status).toBe(200);
}, 180_000);

afterAll(async () => {
  await t?.stop();
});

const get = (who: string, path: string) => consoleFetch(t, cookies[who], path);
const post = (who: string, path: string, form: Record<string, string>) => consoleFetch(t, cookies[who], path, { method: 'POST', form });
const postJson = (who: string | undefined, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${t.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: t.base, ...(who ? { cookie: cookies[who]! } : {}), ...headers },
    body: JSON.stringify(body),
  });

async function anaWeek2() {
  return db()
    .selectFrom('checkins as c')
    .innerJoin('tasks as t', 't.id', 'c.task_id')
    .select(['c.id', 'c.confidence', 'c.report', 'c.values', 't.id as taskId'])
    .where('c.person_id', '=', w.ids.ana!)
    .where('c.week', '=', 2)
    .executeTakeFirstOrThrow();
}

describe('Me', () => {
  it('shows my open tasks in my time zone, my objectives with their parent, last week’s values and items, and the correction form', async () => {
    await openWeek(t, w, 3, 7 * 24 * 3600_000); // week 3 is open: Ana has an open task
    await openTask(t, w.cycle.key, email('ana'), 'checkin', { round: 3 });
    const res = await get('ana', '/console/me');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain(`Grow usage ana ${TAG}`);
    expect(page).toContain(`Serves: Grow Sales ${TAG} (Boss ${TAG.toUpperCase()})`);
    expect(page).toContain('approved');
    expect(page).toContain('Week 1');
    expect(page).toMatch(/<th scope="row">Week 1<\/th><td>150<\/td><td>7<\/td>/);
    expect(page).toContain(`Referral programme ${TAG}`);
    expect(page).toContain('Times are in your time zone, Asia/Shanghai.');
    expect(page).toMatch(/GMT\+8|China/);
    expect(page).toContain('/t/');
    expect(page).toContain('check in for week 3');
    // Week 3 is open, week 2 is the latest answered: that is the one to correct.
    expect(page).toContain('Correct this week’s check-in (week 2)');
  });

  it('corrects the latest check-in through the batch workflow, once, and audits it', async () => {
    const before = await anaWeek2();
    const [teams, tour] = w.krs.ana!;
    const res = await post('ana', `/console/me/checkins/${before.taskId}/correct`, {
      [`kr${teams}.value`]: '230',
      [`kr${tour}.done`]: 'on',
      confidence: '9',
      report: 'Week two, corrected',
    });
    expect(res.status, await res.clone().text()).toBe(303);
    expect(res.headers.get('location')).toBe('/console/me?corrected=2#correct');
    const after = await anaWeek2();
    expect(after.confidence).toBe(9);
    expect(after.report).toBe('Week two, corrected');
    const kr = await db().selectFrom('key_results').select('current_value').where('id', '=', teams!).executeTakeFirstOrThrow();
    expect(kr.current_value).toBe(230);
    const audit = await db().selectFrom('audit_log').select(['action', 'actor']).where('subject', '=', `task:${before.taskId}`).execute();
    expect(audit.filter((a) => a.action === 'task.corrected')).toHaveLength(1);
    // Week 1's items are still there; the page says the correction is saved.
    const page = await (await get('ana', '/console/me?corrected=2')).text();
    expect(page).toContain('Your check-in for week 2 is corrected.');
    expect(page).toContain(`Referral programme ${TAG}`);
  });

  it('refuses bad values with the field and why, in the person’s language, and changes nothing', async () => {
    const before = await anaWeek2();
    const [teams] = w.krs.ana!;
    const res = await post('ana', `/console/me/checkins/${before.taskId}/correct`, { [`kr${teams}.value`]: 'lots', confidence: '11' });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('The correction was not saved');
    expect(page).toMatch(new RegExp(`id="kr${teams}\\.value"[^>]*aria-invalid="true"`));
    expect(page).toMatch(/id="confidence"[^>]*aria-invalid="true"/);
    expect((await anaWeek2()).confidence).toBe(before.confidence);
    await db().updateTable('people').set({ locale: 'zh-CN' }).where('id', '=', w.ids.ana!).execute();
    const zh = await post('ana', `/console/me/checkins/${before.taskId}/correct`, { [`kr${teams}.value`]: 'lots', confidence: '5' });
    expect(zh.status).toBe(400);
    expect(await zh.text()).toContain(homeWordsByLocale['zh-CN'].me.correct.problems);
    await db().updateTable('people').set({ locale: 'en' }).where('id', '=', w.ids.ana!).execute();
  });

  it('refuses a correction of an older week, of someone else’s check-in, and after the window closed — with the reason', async () => {
    const week1 = await db().selectFrom('checkins').select('task_id').where('person_id', '=', w.ids.ana!).where('week', '=', 1).executeTakeFirstOrThrow();
    const older = await post('ana', `/console/me/checkins/${week1.task_id}/correct`, { confidence: '2' });
    expect(older.status).toBe(409);
    expect(await older.text()).toContain('Only your latest check-in can be corrected.');
    const ben1 = await db().selectFrom('checkins').select('task_id').where('person_id', '=', w.ids.ben!).where('week', '=', 1).executeTakeFirstOrThrow();
    for (const id of [String(ben1.task_id), '0', '-1', 'abc', '99999999999']) {
      const other = await post('ana', `/console/me/checkins/${id}/correct`, { confidence: '2' });
      expect(other.status, id).toBe(404);
    }
    // Ben corrects his own week 2 after HR closed the week: refused, with the reason.
    const ben2 = await openTask(t, w.cycle.key, email('ben'), 'checkin', { round: 2 });
    const [bt, btour] = w.krs.ben!;
    expect((await postForm(ben2, { [`kr${bt}.value`]: '130', confidence: '4' })).status).toBe(200);
    const benBefore = await db()
      .selectFrom('checkins')
      .select(['confidence'])
      .where('person_id', '=', w.ids.ben!)
      .where('week', '=', 2)
      .executeTakeFirstOrThrow();
    await closeWeek(t, w, 2);
    const late = await post('ben', `/console/me/checkins/${ben2.id}/correct`, { [`kr${bt}.value`]: '999', [`kr${btour}.done`]: 'on', confidence: '1' });
    expect(late.status).toBe(409);
    expect(await late.text()).toMatch(/The check-in window of week 2 closed on .*: it can no longer be corrected\./);
    const benAfter = await db()
      .selectFrom('checkins')
      .select(['confidence'])
      .where('person_id', '=', w.ids.ben!)
      .where('week', '=', 2)
      .executeTakeFirstOrThrow();
    expect(benAfter.confidence).toBe(benBefore.confidence);
  });

  it('shows my final scores with my manager’s comment', async () => {
    const [teams] = w.krs.ana!;
    await db()
      .updateTable('cycle_participants')
      .set({ score: 0.7, self_score_comment: `Proud of it ${TAG}`, calibration_comment: `Strong quarter ${TAG}` })
      .where('cycle_id', '=', w.cycle.id)
      .where('person_id', '=', w.ids.ana!)
      .execute();
    await db()
      .updateTable('key_results')
      .set({ self_score: 0.6, score: 0.8, score_comment: `Great growth ${TAG}` })
      .where('id', '=', teams!)
      .execute();
    const page = await (await get('ana', '/console/me')).text();
    expect(page).toMatch(/<dt>Overall<\/dt><dd>0\.7<\/dd>/);
    expect(page).toContain(`<dt>My manager’s comment</dt><dd>Strong quarter ${TAG}</dd>`);
    expect(page).toContain(`Great growth ${TAG}`);
    const json = (await (await fetch(`${t.base}/api/me`, { headers: { cookie: cookies.ana! } })).json()) as {
      scores: { overall: number; managerComment: string };
    };
    expect(json.scores).toMatchObject({ overall: 0.7, managerComment: `Strong quarter ${TAG}` });
    // Her teammate sees none of it.
    const ben = await (await fetch(`${t.base}/api/company?cycle=${w.cycle.key}`, { headers: { cookie: cookies.ben! } })).text();
    expect(ben).not.toContain(`Strong quarter ${TAG}`);
    expect(ben).not.toContain(`Great growth ${TAG}`);
  });

  it('limits how often one person corrects', async () => {
    const ana = await anaWeek2();
    let limited = 0;
    for (let i = 0; i < 14; i++) {
      const res = await post('olga', `/console/me/checkins/${ana.taskId}/correct`, { confidence: '2' });
      if (res.status === 429) limited++;
      else expect(res.status).toBe(404);
    }
    expect(limited).toBeGreaterThan(0);
  });
});

describe('JSON: /api/me, /api/people/{email}/checkins, /api/company, execution items', () => {
  it('answers /api/me for the signed-in person, with task links only for them', async () => {
    const res = await fetch(`${t.base}/api/me`, { headers: { cookie: cookies.ana! } });
    expect(res.status).toBe(200);
    const me = (await res.json()) as {
      person: { email: string };
      relation: string;
      tasks: { link: string | null }[];
      objectives: { status: string; parent: { title: string } | null; keyResults: { weeks: unknown[]; items: unknown[] }[] }[];
      checkins: { week: number; confidence: number }[];
    };
    expect(me.person.email).toBe(email('ana'));
    expect(me.relation).toBe('self');
    expect(me.objectives[0]!.parent!.title).toBe(`Grow Sales ${TAG}`);
    expect(me.objectives[0]!.keyResults[0]!.weeks.length).toBeGreaterThanOrEqual(2);
    expect(me.checkins.map((c) => c.week)).toEqual([1, 2]);
    expect(me.tasks.every((x) => x.link?.includes('/t/'))).toBe(true);
    // With a key: email names the person; no task links (they are the person's credentials).
    const byKey = await t.api(`/api/me?email=${email('ana')}`);
    expect(byKey.status).toBe(200);
    const keyView = (await byKey.json()) as { relation: string; tasks: { link: string | null }[] };
    expect(keyView.relation).toBe('key');
    expect(keyView.tasks.every((x) => x.link === null)).toBe(true);
    const noEmail = await t.api('/api/me');
    expect(noEmail.status).toBe(400);
    expect(((await noEmail.json()) as { error: { message: string } }).error.message).toContain('email');
  });

  it('adds execution items to my key result from a bridge, validated and once per externalId', async () => {
    const [teams] = w.krs.ana!;
    const path = `/api/key-results/${teams}/execution-items`;
    const ok = await postJson('ana', path, { kind: 'task', title: `PROJ-1 ${TAG}`, url: 'https://jira.example.com/PROJ-1', externalId: 'PROJ-1' });
    expect(ok.status, await ok.clone().text()).toBe(201);
    expect(await ok.json()).toMatchObject({ kind: 'task', title: `PROJ-1 ${TAG}`, week: 3, source: 'api' });
    expect((await postJson('ana', path, { kind: 'task', title: `PROJ-1 ${TAG}`, externalId: 'PROJ-1' })).status).toBe(409);
    const byKey = await t.api(path, { method: 'POST', json: { kind: 'report', title: `Weekly report ${TAG}`, status: 'done' } });
    expect(byKey.status).toBe(201);
    for (const [body, field] of [
      [{ kind: 'epic', title: 'x' }, 'kind'],
      [{ kind: 'task', title: '' }, 'title'],
      [{ kind: 'task', title: 'x', url: 'javascript:alert(1)' }, 'url'],
      [{ kind: 'task', title: 'x', status: 'blocked' }, 'status'],
      [{ kind: 'task', title: 'x', owner: 'me' }, ''],
    ] as const) {
      const bad = await postJson('ana', path, body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(await bad.json()), JSON.stringify(body)).toContain(field);
    }
    const items = await db()
      .selectFrom('execution_items')
      .select(['title', 'source'])
      .where('key_result_id', '=', teams!)
      .where('source', '=', 'api')
      .execute();
    expect(items.map((i) => i.title).sort()).toEqual([`PROJ-1 ${TAG}`, `Weekly report ${TAG}`]);
    const audit = await db()
      .selectFrom('audit_log')
      .select('actor')
      .where('action', '=', 'execution-item.added')
      .where('subject', '=', `key-result:${teams}`)
      .execute();
    expect(audit).toHaveLength(2);
    // The items show on Me under the key result, with their link.
    const page = await (await get('ana', '/console/me')).text();
    expect(page).toContain('href="https://jira.example.com/PROJ-1"');
  });

  it('shows the company tree with progress, and confidence only where visibility allows', async () => {
    type Node = { title: string; owner: { email: string } | null; progress: number | null; confidence: number | null; children: Node[] };
    const tree = async (who: string) => {
      const res = await fetch(`${t.base}/api/company?cycle=${w.cycle.key}`, { headers: { cookie: cookies[who]! } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { company: Node[] };
      const flat: Node[] = [];
      const walk = (n: Node[]) => n.forEach((x) => (flat.push(x), walk(x.children)));
      walk(body.company);
      return flat;
    };
    const asOlga = await tree('olga');
    const anaNode = asOlga.find((n) => n.owner?.email === email('ana'))!;
    expect(asOlga[0]!.title).toBe(`Win the market ${TAG}`);
    // The company objective has no key results: it shows the mean progress of what serves it.
    expect(asOlga[0]!.progress).toBe(asOlga[1]!.progress);
    expect(anaNode.progress).toBeGreaterThan(0);
    expect(anaNode.confidence).toBeNull();
    const asBoss = await tree('boss');
    expect(asBoss.find((n) => n.owner?.email === email('ana'))!.confidence).not.toBeNull();
    const asAmy = await tree('amy');
    expect(asAmy.find((n) => n.owner?.email === email('ana'))!.confidence).not.toBeNull();
    const page = await (await get('olga', `/console/company?cycle=${w.cycle.key}`)).text();
    expect(page).toContain(`Win the market ${TAG}`);
    expect(page).toContain(`Grow usage ana ${TAG}`);
    expect((await get('olga', '/console/company?cycle=no-such-cycle')).status).toBe(404);
  });

  it('gives another employee, a manager of another team and an ambassador of another department nothing private of Ana', async () => {
    const [teams] = w.krs.ana!;
    const anaTask = (await anaWeek2()).taskId;
    for (const who of ['ben', 'olga', 'otto']) {
      const headers = { cookie: cookies[who]! };
      const checkins = await fetch(`${t.base}/api/people/${email('ana')}/checkins`, { headers });
      expect(checkins.status, who).toBe(404);
      const withCycle = await fetch(`${t.base}/api/people/${email('ana')}/checkins?cycle=${w.cycle.key}`, { headers });
      expect(withCycle.status, who).toBe(404);
      const unknown = await fetch(`${t.base}/api/people/nobody.${TAG}@example.com/checkins`, { headers });
      expect(unknown.status, who).toBe(404);
      expect((await fetch(`${t.base}/api/me?email=${email('ana')}`, { headers })).status, who).toBe(403);
      // The caller's own home, whatever cycle key is asked for.
      const own = (await (await fetch(`${t.base}/api/me`, { headers })).json()) as { person: { email: string } };
      expect(own.person.email, who).toBe(email(who));
      expect((await fetch(`${t.base}/api/me?cycle=T-nothing`, { headers })).status, who).toBe(404);
      const item = await postJson(who, `/api/key-results/${teams}/execution-items`, { kind: 'task', title: 'not mine' });
      expect(item.status, who).toBe(404);
      const correct = await post(who, `/console/me/checkins/${anaTask}/correct`, { confidence: '1' });
      expect([404, 429], who).toContain(correct.status);
      const mePage = await (await get(who, `/console/me?cycle=${w.cycle.key}&email=${email('ana')}&person=${w.ids.ana}`)).text();
      expect(mePage, who).not.toContain(`Referral programme ${TAG}`);
      expect(mePage, who).not.toContain(`Grow usage ana ${TAG}`);
    }
    // Her manager, her department's ambassador and HR see her check-ins.
    for (const who of ['boss', 'amy', 'hana']) {
      const res = await fetch(`${t.base}/api/people/${email('ana')}/checkins`, { headers: { cookie: cookies[who]! } });
      expect(res.status, who).toBe(200);
      const body = (await res.json()) as { checkins: { week: number; confidence: number | null; items: { title: string }[] }[] };
      expect(body.checkins[0]!.confidence, who).toBe(7);
      expect(
        body.checkins[0]!.items.map((i) => i.title),
        who,
      ).toContain(`Referral programme ${TAG}`);
    }
    // Nothing was added or changed by the refused calls.
    expect(await db().selectFrom('execution_items').select('id').where('title', '=', 'not mine').execute()).toEqual([]);
  });
});
