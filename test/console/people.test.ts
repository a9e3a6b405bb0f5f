/**
 * The console's people pages over HTTP on the real stack: the import preview names every bad
 * row's row, line, column and reason and writes nothing; the org-chart check finds unknown
 * managers and loops; a clean file shows new / updated / unchanged / not in the file and is
 * applied only on "apply", audited with the person's name; filters; absences.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleFetch, signInAs } from '../support/console';
import { type TestStack, startTestStack } from '../support/stack';

const HEADER = 'email,name,managerEmail,department,roles,locale';

function multipart(fields: Record<string, string>, file?: { name: string; text: string }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file) form.set('file', new Blob([file.text], { type: 'text/csv' }), file.name);
  return form;
}

describe('console people pages', () => {
  let t: TestStack;
  let hr = '';
  let zh = '';
  let admin = '';
  const db = () => t.stack.database.db;
  const count = async () =>
    Number(
      (
        await db()
          .selectFrom('people')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres' });
    const people = [
      { email: 'hana@example.com', name: 'Hana HR', roles: ['hr'], department: 'People' },
      { email: 'wei@example.com', name: '王伟', roles: ['hr'], locale: 'zh-CN', department: 'People' },
      { email: 'oli@example.com', name: 'Oli Ops', roles: ['admin'] },
      { email: 'boss@example.com', name: 'Bo Boss', roles: ['manager'], department: 'Sales' },
      { email: 'cy@example.com', name: 'Cy Seller', managerEmail: 'boss@example.com', department: 'Sales' },
    ];
    expect((await t.api('/api/people', { method: 'POST', json: people })).status).toBe(200);
    hr = await signInAs(t, 'hana@example.com');
    zh = await signInAs(t, 'wei@example.com');
    admin = await signInAs(t, 'oli@example.com');
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('previews a file with bad rows: every problem with row, line, column and why; nothing written', async () => {
    const csv = [
      HEADER,
      'dan@example.com,Dan,boss@example.com,Sales,employee,en',
      'not-an-email,Eve,,Sales,,en',
      'fay@example.com,,ghost@example.com,Sales,wizard,fr',
      'dan@example.com,Dan Again,,Sales,,en',
    ].join('\n');
    const before = await count();
    const res = await consoleFetch(t, hr, '/console/people/import', { method: 'POST', body: multipart({}, { name: 'people.csv', text: csv }) });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('problems — nothing was written');
    const rows = [...page.matchAll(/<tr class="bad"><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><\/tr>/g)].map(
      (m) => m.slice(1, 5),
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        ['2', '3', 'email', 'must be an email address'],
        ['3', '4', 'name', 'is required (the column is empty)'],
        ['3', '4', 'roles', expect.any(String)],
        ['3', '4', 'locale', expect.any(String)],
        ['3', '4', 'managerEmail', 'no person with email ghost@example.com exists or is in this file'],
        ['4', '5', 'email', 'dan@example.com also appears in row 1'],
      ]),
    );
    expect(await count()).toBe(before);
  });

  it('finds unknown managers and management loops against today’s org chart', async () => {
    // boss reports to cy in this file, and cy reports to boss today: a loop.
    const csv = [HEADER, 'boss@example.com,Bo Boss,cy@example.com,Sales,manager,en', 'gus@example.com,Gus,nobody@example.com,,,'].join('\n');
    const res = await consoleFetch(t, hr, '/console/people/import', { method: 'POST', body: multipart({ text: csv }) });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('no person with email nobody@example.com exists or is in this file');
    expect(page).toMatch(/management loop: (boss|cy)@example\.com → (cy|boss)@example\.com → (boss|cy)@example\.com/);
  });

  it('speaks the person’s language in the preview', async () => {
    const csv = [HEADER, 'not-an-email,Eve,,,,', 'x@example.com,X,ghost@example.com,,,'].join('\n');
    const res = await consoleFetch(t, zh, '/console/people/import', { method: 'POST', body: multipart({ text: csv }) });
    const page = await res.text();
    expect(page).toContain('lang="zh-CN"');
    expect(page).toContain('个问题——未写入任何内容');
    expect(page).toContain('邮箱为 ghost@example.com 的人员不存在');
    expect(page).not.toContain('must be an email address');
  });

  it('previews a clean file (new / updated / unchanged / not in the file), writes only on apply', async () => {
    const csv = [
      HEADER,
      'hana@example.com,Hana HR,,People,hr,en',
      'wei@example.com,王伟,,People,hr,zh-CN',
      'oli@example.com,Oli Ops,,,admin,en',
      'boss@example.com,Bo Boss,,Sales,manager,en',
      'cy@example.com,Cy Seller,boss@example.com,Field Sales,,en',
      'dan@example.com,Dan,boss@example.com,Sales,employee,en',
    ].join('\n');
    const before = await count();
    const res = await consoleFetch(t, hr, '/console/people/import', { method: 'POST', body: multipart({}, { name: 'people.csv', text: csv }) });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('6 rows checked, no problems');
    expect(page).toMatch(/<span class="stat">1<\/span> new/);
    expect(page).toMatch(/<span class="stat">1<\/span> updated/);
    expect(page).toMatch(/<span class="stat">4<\/span> unchanged/);
    expect(page).toMatch(/<span class="stat">0<\/span> not in the file/);
    expect(page).toContain('department');
    expect(await count()).toBe(before);

    const apply = await consoleFetch(t, hr, '/console/people/import/apply', { method: 'POST', form: { text: csv, format: 'csv' } });
    expect(apply.status).toBe(200);
    expect(await apply.text()).toContain('Imported: 1 new, 5 updated.');
    expect(await count()).toBe(before + 1);
    const cy = await db().selectFrom('people').select('department').where('email', '=', 'cy@example.com').executeTakeFirstOrThrow();
    expect(cy.department).toBe('Field Sales');
    const audit = await db().selectFrom('audit_log').select(['actor', 'action']).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor: 'Hana HR <hana@example.com>', action: 'people.imported' });
  });

  it('marks people not in the file as left only when asked, never the person importing', async () => {
    const csv = [HEADER, 'boss@example.com,Bo Boss,,Sales,manager,en', 'cy@example.com,Cy Seller,boss@example.com,Field Sales,,en'].join('\n');
    const preview = await (await consoleFetch(t, hr, '/console/people/import', { method: 'POST', body: multipart({ text: csv }) })).text();
    expect(preview).toContain('Active people who are not in this file');
    expect(preview).toContain('dan@example.com');
    const apply = await consoleFetch(t, hr, '/console/people/import/apply', { method: 'POST', form: { text: csv, format: 'csv', markLeft: 'yes' } });
    expect(await apply.text()).toContain(', 3 left.');
    const active = (await db().selectFrom('people').select('email').where('active', '=', true).orderBy('email').execute()).map((r) => r.email);
    expect(active).toEqual(['boss@example.com', 'cy@example.com', 'hana@example.com']);
    // Put them back for the tests below.
    const back = [
      HEADER,
      'wei@example.com,王伟,,People,hr,zh-CN',
      'oli@example.com,Oli Ops,,,admin,en',
      'dan@example.com,Dan,boss@example.com,Sales,employee,en',
    ].join('\n');
    expect((await consoleFetch(t, hr, '/console/people/import/apply', { method: 'POST', form: { text: back, format: 'csv' } })).status).toBe(200);
    zh = await signInAs(t, 'wei@example.com');
    admin = await signInAs(t, 'oli@example.com');
  });

  it('refuses an apply whose text has a problem, writing nothing; and an admin may read but not import', async () => {
    const before = await count();
    const res = await consoleFetch(t, hr, '/console/people/import/apply', { method: 'POST', form: { text: `${HEADER}\nbad,Bad,,,,`, format: 'csv' } });
    expect(res.status).toBe(400);
    expect(await count()).toBe(before);
    expect((await consoleFetch(t, admin, '/console/people')).status).toBe(200);
    expect((await consoleFetch(t, admin, '/console/people/import')).status).toBe(403);
    expect((await consoleFetch(t, admin, '/console/people/import/apply', { method: 'POST', form: { text: `${HEADER}\nz@example.com,Z,,,,` } })).status).toBe(
      403,
    );
    expect(await count()).toBe(before);
  });

  it('offers the same preview as JSON (POST /api/people/preview), in the caller’s language, writing nothing', async () => {
    const before = await count();
    const res = await t.api('/api/people/preview', {
      method: 'POST',
      json: [{ email: 'new@example.com', name: 'New', managerEmail: 'ghost@example.com' }, { email: 'bad' }],
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { problems: { row: number; column: string; message: string }[]; counts: Record<string, number> };
    expect(body.problems).toEqual([
      { row: 1, line: null, column: 'managerEmail', message: '邮箱为 ghost@example.com 的人员不存在，也不在此文件中' },
      { row: 2, line: null, column: 'email', message: expect.any(String) },
      { row: 2, line: null, column: 'name', message: '必填（此列为空）' },
    ]);
    expect(await count()).toBe(before);
    const csv = await t.api('/api/people/preview', { method: 'POST', body: `${HEADER}\nzed@example.com,Zed,,,,`, headers: { 'content-type': 'text/csv' } });
    expect(((await csv.json()) as { counts: Record<string, number> }).counts.new).toBe(1);
    expect(await count()).toBe(before);
  });

  it('searches and filters by department, manager and role', async () => {
    const names = async (query: string) =>
      [...(await (await consoleFetch(t, hr, `/console/people?${query}`)).text()).matchAll(/<a href="\/console\/people\/\d+">([^<]+)<\/a><\/td>/g)].map(
        (m) => m[1],
      );
    expect(await names('q=seller')).toEqual(['Cy Seller']);
    expect(await names('department=Sales')).toEqual(['Bo Boss', 'Dan']);
    expect(await names('manager=boss%40example.com')).toEqual(['Cy Seller', 'Dan']);
    expect(await names('role=hr')).toEqual(['Hana HR', '王伟']);
    expect(await names('q=%25')).toEqual([]); // LIKE wildcards match themselves
  });

  it('marks an absence week (a Monday), refusing other days with the field named', async () => {
    const dan = await db().selectFrom('people').select('id').where('email', '=', 'dan@example.com').executeTakeFirstOrThrow();
    const bad = await consoleFetch(t, hr, `/console/people/${dan.id}/absences`, { method: 'POST', form: { week: '2027-01-05' } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('must be a Monday');
    expect(await db().selectFrom('absences').selectAll().where('person_id', '=', dan.id).execute()).toEqual([]);
    const ok = await consoleFetch(t, hr, `/console/people/${dan.id}/absences`, { method: 'POST', form: { week: '2027-01-04' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('2027-01-04');
    expect((await db().selectFrom('absences').select('week_start').where('person_id', '=', dan.id).execute()).map((r) => r.week_start)).toHaveLength(1);
    const audit = await db().selectFrom('audit_log').select(['actor', 'action']).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor: 'Hana HR <hana@example.com>', action: 'person.absent' });
  });
});
