/**
 * The JSON behind the cycle pages, on the real parts (Temporal dev server, PostgreSQL, SMTP on
 * loopback): the preview writes nothing and refuses bad input with the field; the dashboard counts
 * the open step by department and manager and follows a completion; "remind now" sends one email
 * for four concurrent clicks (409 for the others) and is audited; exports are formula-safe CSV;
 * the alignment tree marks the unaligned; roles are checked on the server.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestStack, poll, startTestStack } from '../support/stack';
import { consoleFetch, signInAs } from '../support/console';
import { openTask, submit } from '../support/tasks';
import { formatDue } from '../../mail/templates/format';

type Json = Record<string, any>;
const ORG = [
  { email: 'hr@d.example', name: 'Hana HR', roles: ['hr'], department: 'People' },
  { email: 'mgr@d.example', name: 'Mia Manager', department: 'Eng' },
  { email: 'a@d.example', name: 'Ari', managerEmail: 'mgr@d.example', department: 'Eng' },
  { email: 'b@d.example', name: 'Bea', managerEmail: 'mgr@d.example', department: 'Eng', locale: 'zh-CN' },
  { email: 'c@d.example', name: 'Cai', managerEmail: 'hr@d.example', department: 'Sales', timeZone: 'Asia/Shanghai' },
];
// Drafts are due at once (overdue), expire much later: the dashboard has overdue people to show.
const schedule = { planning: 'at-once', drafting: '3s', managerLead: '1s', reminders: [], escalations: [], expireAfter: '600s' };
const body = (key: string, extra: Json = {}) => ({ key, title: `Cycle ${key}`, startsOn: '2027-01-04', endsOn: '2027-03-31', schedule, ...extra });

describe('the cycle dashboard API', () => {
  let t: TestStack;
  let adminKey: string;
  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres' });
    expect((await t.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
    const key = await t.api('/api/keys', { method: 'POST', json: { name: 'ops', role: 'admin' } });
    adminKey = ((await key.json()) as Json).key ?? ((await key.json()) as Json).secret;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('previews a cycle without writing anything, with the same body as the start', async () => {
    const res = await t.api('/api/cycles/preview', { method: 'POST', json: body('q1') });
    expect(res.status).toBe(200);
    const p = (await res.json()) as Json;
    expect(p.phases.map((x: Json) => x.phase)).toEqual(['strategy', 'drafting', 'review', 'checkins', 'scoring', 'awards']);
    expect(p.audience).toMatchObject({ participants: 5, managers: 2, executives: 0 });
    expect(p.checkinWeeks.length).toBeGreaterThan(10);
    expect(p.events.filter((e: Json) => e.kind === 'draft' && e.type === 'invite').reduce((n: number, e: Json) => n + e.emails, 0)).toBe(5);
    expect(p.emailsByDay.reduce((n: number, d: Json) => n + d.atMost, 0)).toBe(p.totals.atMost);
    const db = t.stack.database.db;
    expect(await db.selectFrom('cycles').select('id').execute()).toEqual([]);
    expect(await db.selectFrom('emails').select('id').execute()).toEqual([]);
  });

  it('refuses a bad preview with the field and why, and only HR may preview', async () => {
    const bad = await t.api('/api/cycles/preview', { method: 'POST', json: body('q1', { endsOn: '2026-01-01', participants: ['ghost@d.example'] }) });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('endsOn');
    const ghost = await t.api('/api/cycles/preview', { method: 'POST', json: body('q1', { participants: ['ghost@d.example'] }) });
    expect(((await ghost.json()) as Json).error.details.issues).toEqual([{ path: 'participants.0', message: 'no active person with email ghost@d.example' }]);
    const admin = await fetch(`${t.base}/api/cycles/preview`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body('q1')),
    });
    expect(admin.status).toBe(403);
  });

  it('counts the open step by department and manager, and follows a completion', async () => {
    expect((await t.api('/api/cycles', { method: 'POST', json: body('live') })).status).toBe(201);
    await openTask(t, 'live', 'c@d.example', 'draft');
    const board = await poll(
      async () => (await (await t.api('/api/cycles/live/dashboard')).json()) as Json,
      (b) => b.step?.kind === 'draft' && b.step.total.total === 5 && b.overdue.total === 5,
      30_000,
      'five overdue drafts',
    );
    expect(board.step.byDepartment.find((r: Json) => r.group === 'Eng')).toMatchObject({ total: 3, completed: 0, open: 3, overdue: 3 });
    expect(board.step.byManager.find((r: Json) => r.group === 'mgr@d.example')).toMatchObject({ label: 'Mia Manager', total: 2 });
    expect(board.overdue.rows.map((r: Json) => r.email).sort()).toEqual(ORG.map((p) => p.email).sort());

    await submit(await openTask(t, 'live', 'a@d.example', 'draft'), {
      objectives: [
        {
          title: '=HYPERLINK("http://evil","x") grow',
          keyResults: [
            { kind: 'milestone', title: 'Ship' },
            { kind: 'milestone', title: '+Launch' },
          ],
        },
      ],
    });
    const after = (await (await t.api('/api/cycles/live/dashboard')).json()) as Json;
    expect(after.step.total).toMatchObject({ total: 5, completed: 1 });
    expect(after.step.byDepartment.find((r: Json) => r.group === 'Eng')).toMatchObject({ completed: 1, open: 2 });
    expect(after.overdue.total).toBe(4);
    // An admin reads the dashboard (reading is for HR and admins).
    const admin = await fetch(`${t.base}/api/cycles/live/dashboard`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(admin.status).toBe(200);
  });

  it('sends one personal reminder for four concurrent clicks, audited, and refuses a closed task', async () => {
    const task = await openTask(t, 'live', 'b@d.example', 'draft');
    const before = t.mail.messages().length;
    const clicks = await Promise.all(Array.from({ length: 4 }, () => t.api(`/api/cycles/live/tasks/${task.id}/remind`, { method: 'POST' })));
    expect(clicks.map((r) => r.status).sort()).toEqual([202, 409, 409, 409]);
    const mail = await t.mail.waitFor((all) => all.slice(before).some((m) => m.envelopeTo[0] === 'b@d.example'), 20_000);
    const mine = mail.slice(before).filter((m) => m.envelopeTo[0] === 'b@d.example');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.subject).toMatch(/提醒|OKR/); // Bea reads Chinese
    const again = await t.api(`/api/cycles/live/tasks/${task.id}/remind`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as Json).error.message).toContain('already reminded');
    const audit = await t.stack.database.db.selectFrom('audit_log').select(['actor', 'subject']).where('action', '=', 'task.reminded').execute();
    expect(audit).toEqual([{ actor: 'bootstrap', subject: `task:${task.id}` }]);
    const done = await t.stack.database.db
      .selectFrom('tasks as t')
      .innerJoin('people as p', 'p.id', 't.person_id')
      .select('t.id')
      .where('p.email', '=', 'a@d.example')
      .executeTakeFirstOrThrow();
    expect((await t.api(`/api/cycles/live/tasks/${done.id}/remind`, { method: 'POST' })).status).toBe(410);
    expect((await t.api(`/api/cycles/live/tasks/999999/remind`, { method: 'POST' })).status).toBe(404);
  });

  it("names the HR person who sent a reminder by hand, with the due time in the recipient's own time zone", async () => {
    const task = await openTask(t, 'live', 'c@d.example', 'draft');
    const row = await t.stack.database.db.selectFrom('tasks').select('due_at').where('id', '=', task.id).executeTakeFirstOrThrow();
    const hr = await signInAs(t, 'hr@d.example');
    const before = t.mail.messages().length;
    const res = await consoleFetch(t, hr, `/api/cycles/live/tasks/${task.id}/remind`, { method: 'POST' });
    expect(res.status).toBe(202);
    const mail = await t.mail.waitFor((all) => all.slice(before).some((m) => m.envelopeTo[0] === 'c@d.example'), 20_000);
    const text = mail.slice(before).find((m) => m.envelopeTo[0] === 'c@d.example')!.text;
    expect(text).toContain('Hana HR asked us to remind you of this task personally.');
    // Cai works from Shanghai; the cycle runs on UTC.
    expect(text).toContain(formatDue(new Date(row.due_at).toISOString(), 'en', 'Asia/Shanghai'));
    expect(text).not.toContain(formatDue(new Date(row.due_at).toISOString(), 'en', 'UTC'));
  });

  it('exports CSV with formula cells neutralised, and the alignment tree marks the unaligned', async () => {
    const res = await t.api('/api/cycles/live/exports/objectives.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // a BOM: spreadsheets read UTF-8
    const csv = new TextDecoder().decode(bytes);
    expect(csv.split('\r\n')[0]).toBe('objective_id,owner_email,owner_name,department,position,title,status,parent_objective_id,parent_title,score');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"",""x"") grow"`);
    expect(csv).not.toMatch(/,=HYPERLINK/);
    const krs = await (await t.api('/api/cycles/live/exports/key-results.csv')).text();
    expect(krs).toContain(",'+Launch,");
    expect((await t.api('/api/cycles/live/exports/secrets.csv')).status).toBe(400);
    const tree = (await (await t.api('/api/cycles/live/alignment-tree')).json()) as Json;
    expect(tree.company).toEqual([]);
    expect(tree.unaligned.map((n: Json) => n.owner.email)).toEqual(['a@d.example']);
  });

  it('exports XLSX with the CSV rows: typed cells, a frozen header, formulas neutralised, from the API and the console link', async () => {
    const parse = async (res: Response) => {
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
      return book.worksheets[0]!;
    };
    const res = await t.api('/api/cycles/live/exports/objectives.xlsx');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="live-objectives.xlsx"');
    const sheet = await parse(res);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const csv = await (await t.api('/api/cycles/live/exports/objectives.csv')).text();
    const csvLines = csv
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(header.join(',')).toBe(csvLines[0]);
    expect(sheet.rowCount).toBe(csvLines.length); // the same rows as the CSV
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.getColumn(6).width).toBeGreaterThan(10);
    const row = sheet.getRow(2);
    expect(row.getCell(1).type).toBe(ExcelJS.ValueType.Number); // objective_id stays a number
    expect(typeof row.getCell(1).value).toBe('number');
    expect(row.getCell(6).type).toBe(ExcelJS.ValueType.String); // text, not a formula
    expect(row.getCell(6).value).toBe('\'=HYPERLINK("http://evil","x") grow');
    const krs = await parse(await t.api('/api/cycles/live/exports/key-results.xlsx'));
    const titles: unknown[] = [];
    krs.eachRow((r, i) => i > 1 && titles.push(r.getCell(6).value));
    expect(titles).toEqual(['Ship', "'+Launch"]);
    expect((await t.api('/api/cycles/live/exports/objectives.pdf')).status).toBe(400);
    // The OpenAPI document offers both formats, with their content types and the file name header.
    const doc = (await (await fetch(`${t.base}/openapi.json`)).json()) as Json;
    const op = doc.paths['/api/cycles/{key}/exports/{name}'].get;
    expect(op.parameters.find((p: Json) => p.name === 'name').schema.enum).toEqual(
      expect.arrayContaining(['objectives.csv', 'objectives.xlsx', 'scores.xlsx']),
    );
    expect(Object.keys(op.responses['200'].content).sort()).toEqual(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv']);
    expect(op.responses['200'].headers['content-disposition']).toBeDefined();

    // The console's link on the dashboard serves the same file to HR, and refuses an employee.
    const hr = await signInAs(t, 'hr@d.example');
    const page = await (await consoleFetch(t, hr, '/console/cycles/live')).text();
    const link = /href="(\/console\/cycles\/live\/exports\/scores\.xlsx)"/.exec(page)?.[1];
    expect(link).toBe('/console/cycles/live/exports/scores.xlsx');
    const viaConsole = await consoleFetch(t, hr, link!);
    expect(viaConsole.status).toBe(200);
    expect(viaConsole.headers.get('content-disposition')).toBe('attachment; filename="live-scores.xlsx"');
    const scores = await parse(viaConsole);
    expect((scores.getRow(1).values as unknown[]).slice(1)).toEqual([
      'email',
      'name',
      'department',
      'person_score',
      'objective',
      'objective_score',
      'key_result',
      'self_score',
      'score',
      'comment',
    ]);
    const emails: unknown[] = [];
    scores.eachRow((r, i) => i > 1 && emails.push(r.getCell(1).value));
    expect(emails).toContain('b@d.example');
    const employee = await signInAs(t, 'c@d.example');
    expect((await consoleFetch(t, employee, link!)).status).toBe(403);
    expect((await consoleFetch(t, employee, '/api/cycles/live/exports/scores.xlsx')).status).toBe(403);
    expect((await consoleFetch(t, hr, '/console/cycles/live/exports/scores.ods')).status).toBe(404);
  });

  it('serves the console pages to HR and refuses an employee on every page and action', async () => {
    const hr = await signInAs(t, 'hr@d.example');
    for (const path of [
      '/console/cycles',
      '/console/cycles/new',
      '/console/cycles/live',
      '/console/cycles/live/alignment',
      '/console/cycles/live/confirm/advance',
    ]) {
      const res = await consoleFetch(t, hr, path);
      expect(res.status, path).toBe(200);
      const page = await res.text();
      expect(page).not.toMatch(/<script>|style="/);
    }
    const employee = await signInAs(t, 'c@d.example');
    const task = await openTask(t, 'live', 'c@d.example', 'draft');
    for (const path of [
      '/console/cycles',
      '/console/cycles/new',
      '/console/cycles/live',
      '/console/cycles/live/alignment',
      '/console/cycles/live/exports/scores.csv',
      '/console/cycles/live/confirm/cancel',
    ]) {
      expect((await consoleFetch(t, employee, path)).status, path).toBe(403);
    }
    for (const path of [
      '/console/cycles/new',
      '/console/cycles/live/advance',
      '/console/cycles/live/cancel',
      `/console/cycles/live/tasks/${task.id}/remind`,
      `/console/cycles/live/tasks/${task.id}/extend`,
      '/console/cycles/live/participants/remove',
    ]) {
      expect(
        (await consoleFetch(t, employee, path, { method: 'POST', form: { phase: 'drafting', reason: 'no reason', email: 'a@d.example' } })).status,
        path,
      ).toBe(403);
    }
    expect((await consoleFetch(t, employee, '/api/cycles/live/dashboard')).status).toBe(403);
    expect((await consoleFetch(t, employee, `/api/cycles/live/tasks/${task.id}/remind`, { method: 'POST' })).status).toBe(403);
    const still = await t.stack.database.db.selectFrom('tasks').select('status').where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(still.status).toBe('open');
  });
});
