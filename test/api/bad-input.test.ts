/** Bad input gets a clear error that names the field, and changes nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTaskByToken } from '../../core/task-access';
import { type TestStack, linkIn, startTestStack } from '../support/stack';
import { GOOD_DRAFT, ORG, cycleView } from '../e2e/drafting-flow';

type ErrorJson = { error: { code: string; message: string; details?: { issues?: { path: string; message: string }[] } } };

describe('bad input', () => {
  let t: TestStack;
  const peopleCount = async () =>
    (
      await t.stack.database.db
        .selectFrom('people')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;

  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('refuses a people import with a bad row, naming the row and the field, and imports nothing', async () => {
    const res = await t.api('/api/people', {
      method: 'POST',
      json: [ORG[0], { email: 'not-an-email', name: 'X' }, { email: 'ok@example.com', name: '' }],
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorJson;
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details?.issues).toEqual([
      { path: 'row 2.email', message: 'must be an email address' },
      { path: 'row 3.name', message: 'must not be empty' },
    ]);
    expect(body.error.message).toContain('row 2.email');
    expect(Number(await peopleCount())).toBe(0);
  });

  it('names the CSV line of a bad row', async () => {
    const csv = 'email,name,managerEmail,department,roles,locale\nana@example.com,Ana,,,hr,en\nbo@example.com,Bo,,,,fr\n';
    const res = await t.api('/api/people', { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorJson;
    expect(body.error.details?.issues?.[0]?.path).toBe('row 2 (line 3).locale');
    expect(Number(await peopleCount())).toBe(0);
  });

  it('refuses a manager who does not exist, and a management loop', async () => {
    const res = await t.api('/api/people', { method: 'POST', json: [{ email: 'dee@example.com', name: 'Dee', managerEmail: 'ghost@example.com' }] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorJson;
    expect(body.error.details?.issues).toEqual([{ path: 'row 1.managerEmail', message: 'no person with email ghost@example.com exists or is in this import' }]);

    const loop = await t.api('/api/people', {
      method: 'POST',
      json: [
        { email: 'a@example.com', name: 'A', managerEmail: 'b@example.com' },
        { email: 'b@example.com', name: 'B', managerEmail: 'a@example.com' },
      ],
    });
    expect(loop.status).toBe(400);
    expect(((await loop.json()) as ErrorJson).error.message).toMatch(/management loop/);
    expect(Number(await peopleCount())).toBe(0);
  });

  it('imports CSV with roles and managers declared after their reports', async () => {
    const csv = 'email,name,managerEmail,department,roles,locale\nbo@example.com,Bo,ana@example.com,Sales,,zh-CN\nana@example.com,Ana,,Sales,hr;manager,en\n';
    const res = await t.api('/api/people', { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } });
    expect(res.status).toBe(200);
    const list = (await (await t.api('/api/people')).json()) as { people: { email: string; managerEmail: string | null; roles: string[]; locale: string }[] };
    expect(list.people).toEqual([
      expect.objectContaining({ email: 'ana@example.com', managerEmail: null, roles: ['hr', 'manager'], locale: 'en' }),
      expect.objectContaining({ email: 'bo@example.com', managerEmail: 'ana@example.com', roles: [], locale: 'zh-CN' }),
    ]);
  });

  it('refuses a cycle that ends before it starts, and unknown participants, starting nothing', async () => {
    const res = await t.api('/api/cycles', { method: 'POST', json: { key: 'bad', title: 'Bad', startsOn: '2027-03-31', endsOn: '2027-01-01' } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorJson;
    expect(body.error.details?.issues).toEqual([{ path: 'endsOn', message: 'must be after startsOn' }]);

    const unknown = await t.api('/api/cycles', {
      method: 'POST',
      json: { key: 'bad', title: 'Bad', startsOn: '2027-01-01', endsOn: '2027-03-31', participants: ['ana@example.com', 'nobody@example.com'] },
    });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as ErrorJson).error.details?.issues).toEqual([
      { path: 'participants.1', message: 'no active person with email nobody@example.com' },
    ]);

    const badDate = await t.api('/api/cycles', { method: 'POST', json: { key: 'bad', title: 'Bad', startsOn: '2027-02-30', endsOn: '2027-03-31' } });
    expect(badDate.status).toBe(400);
    expect(((await badDate.json()) as ErrorJson).error.details?.issues?.[0]?.path).toBe('startsOn');

    expect(await t.stack.database.db.selectFrom('cycles').selectAll().execute()).toEqual([]);
  });

  it('answers unknown and malformed task links with 404 and changes nothing; refuses a second submission', async () => {
    const started = await t.api('/api/cycles', {
      method: 'POST',
      json: { key: 'tok', title: 'Tokens', startsOn: '2027-01-01', endsOn: '2027-03-31', schedule: { planning: 'at-once' } },
    });
    expect(started.status).toBe(201);
    const mails = await t.mail.waitFor((all) => all.length >= 2);
    // Ana's page is in English (Bo's is in Chinese).
    const link = linkIn(mails.find((m) => m.envelopeTo[0] === 'ana@example.com')!);
    const base = link.slice(0, link.lastIndexOf('/') + 1);
    const token = link.slice(link.lastIndexOf('/') + 1);
    const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');

    for (const bad of [tampered, 'short', `${token}x`, '..%2Fapi%2Fpeople']) {
      const get = await fetch(base + bad, { headers: { accept: 'application/json' } });
      expect(get.status).toBe(404);
      const post = await fetch(base + bad, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(GOOD_DRAFT) });
      expect(post.status).toBe(404);
    }
    expect((await cycleView(t, 'tok')).taskCounts).toMatchObject({ open: 2, completed: 0 });

    // Invalid content: field errors, nothing saved.
    const invalid = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ objectives: [{ title: 'ab', keyResults: [{ kind: 'numeric', title: 'Revenue', start: 5, target: 5, unit: 'k' }] }] }),
    });
    expect(invalid.status).toBe(400);
    const issues = ((await invalid.json()) as ErrorJson).error.details?.issues;
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'objectives.0.title', message: 'at least 3 characters' },
        { path: 'objectives.0.keyResults.0.target', message: 'must differ from start' },
        { path: 'objectives.0.keyResults', message: 'at least 2 key results' },
      ]),
    );
    // The same rules on the HTML form: the page comes back with the errors next to the fields.
    const formPost = await fetch(link, {
      method: 'POST',
      headers: { origin: new URL(link).origin },
      body: new URLSearchParams({
        'o1.title': 'Grow',
        'o1.kr2.title': 'Revenue',
        'o1.kr2.kind': 'numeric',
        'o1.kr2.start': '1',
        'o1.kr2.target': '1',
        'o1.kr2.unit': 'k',
      }),
    });
    expect(formPost.status).toBe(400);
    const html = await formPost.text();
    expect(html).toContain('Nothing was saved');
    expect(html).toMatch(/id="o1\.kr2\.target"[^>]*class="invalid"/);
    expect(html).toContain('must differ from start');
    expect(html).toMatch(/id="o1\.title"[^>]*value="Grow"/);
    expect((await cycleView(t, 'tok')).taskCounts).toMatchObject({ open: 2, completed: 0 });

    // A cross-site form post is refused.
    const crossSite = await fetch(link, { method: 'POST', headers: { origin: 'https://evil.example' }, body: new URLSearchParams({ 'o0.title': 'x' }) });
    expect(crossSite.status).toBe(403);

    const first = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(GOOD_DRAFT) });
    expect(first.status).toBe(200);
    const firstBody = await first.json();
    // The same submission again (a retry after a lost answer) answers the first completion; another is refused.
    const same = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(GOOD_DRAFT) });
    expect(same.status).toBe(200);
    expect(await same.json()).toEqual(firstBody);
    const other = { objectives: [{ ...GOOD_DRAFT.objectives[0]!, title: 'Something else' }] };
    const second = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(other) });
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: 'TASK_ALREADY_COMPLETED', message: 'this task is already completed' } });
    const secondForm = await fetch(link, { method: 'POST', headers: { origin: new URL(link).origin }, body: new URLSearchParams({ 'o0.title': 'Again' }) });
    expect(secondForm.status).toBe(409);
    expect(await secondForm.text()).toContain('already completed');
    expect((await cycleView(t, 'tok')).taskCounts).toMatchObject({ open: 1, completed: 1 });
    // The finished task's link says "already completed" for a day, then answers like an unknown one.
    expect(await findTaskByToken(t.stack.database.db, token, Date.now() + 23 * 3600 * 1000)).not.toBeNull();
    expect(await findTaskByToken(t.stack.database.db, token, Date.now() + 25 * 3600 * 1000)).toBeNull();
    const objectives = await t.stack.database.db.selectFrom('objectives').select('title').execute();
    expect(objectives).toEqual([{ title: GOOD_DRAFT.objectives[0]!.title }]);
  });

  it('completes a task once when two submissions race (a double click)', async () => {
    const bo = t.mail.messages().find((m) => m.envelopeTo[0] === 'bo@example.com')!;
    const post = () => fetch(linkIn(bo), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(GOOD_DRAFT) });
    const answers = await Promise.all([post(), post()]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const rows = await t.stack.database.db
      .selectFrom('objectives as o')
      .innerJoin('people as p', 'p.id', 'o.owner_id')
      .select('o.id')
      .where('p.email', '=', 'bo@example.com')
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('asks for an API key, and for the right one', async () => {
    expect((await t.api('/api/cycles', { headers: { authorization: '' } })).status).toBe(401);
    expect((await t.api('/api/cycles', { headers: { authorization: 'Bearer wrong-key' } })).status).toBe(401);
    const ok = await t.api('/api/cycles');
    expect(ok.status).toBe(200);
    const unknownCycle = await t.api('/api/cycles/nope');
    expect(unknownCycle.status).toBe(404);
    expect(await unknownCycle.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
