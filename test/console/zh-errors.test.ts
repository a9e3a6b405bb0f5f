/**
 * A zh-CN HR person never reads English on the console: every refused input, conflict, missing
 * page and stalled-step action answers in Chinese. Each error path is driven on the real stack
 * (Temporal dev server, PostgreSQL, SMTP on loopback) and the page's visible text is checked for
 * an English sentence (a run of three or more Latin words) once names, emails, keys and ids are
 * taken out. The same paths in English must still say what went wrong (the test is not vacuous).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../core/people';
import { consoleFetch, signInAs } from '../support/console';
import { type TestStack, startTestStack } from '../support/stack';
import { openTask } from '../support/tasks';

const ORG = [
  { email: 'hr-zh@c14.example', name: '韩人事', roles: ['hr', 'admin'], department: '人力', locale: 'zh-CN' },
  { email: 'hr-en@c14.example', name: '安人事', roles: ['hr', 'admin'], department: '人力', locale: 'en' },
  { email: 'mgr@c14.example', name: '马经理', department: '研发', locale: 'zh-CN' },
  { email: 'a@c14.example', name: '艾员工', managerEmail: 'mgr@c14.example', department: '研发', locale: 'zh-CN' },
];
const schedule = { planning: 'at-once', drafting: '3s', managerLead: '1s', reminders: [], escalations: [], expireAfter: '600s' };
const KEY = 'c14-zh';

/** The page's visible text: the title and the main content, tags and entities taken out. */
function visibleText(page: string): string {
  const title = /<title>([\s\S]*?)<\/title>/.exec(page)?.[1] ?? '';
  const main = /<main[^>]*>([\s\S]*?)<\/main>/.exec(page)?.[1] ?? page;
  return `${title}\n${main}`
    .replace(/<(script|style|textarea)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;|&#39;|&amp;/g, ' ')
    .replace(/\s+/g, ' ');
}

/** Runs of three or more Latin words, after emails, keys, ids, time zones and durations are removed. */
function englishRuns(text: string): string[] {
  const cleaned = text
    .replace(/[\w.+-]+@[\w.-]+/g, ' ')
    .replace(/\bokr-cycle:[\w:-]+/g, ' ')
    .replace(/\bc14-[\w-]+/g, ' ')
    .replace(/\b(step|email)-\d+\b/g, ' ')
    .replaceAll(CSV_COLUMNS.join(', '), ' ') // the columns a people file has: names the file must use
    .replace(/\b[A-Z][a-z]+\/[A-Za-z_/]+\b/g, ' ')
    .replace(/\b\d+[smhdw]\b/g, ' ');
  return cleaned.match(/[A-Za-z][A-Za-z'’]*(?:[ ,.:;()'’-]+[A-Za-z][A-Za-z'’]*){2,}/g) ?? [];
}

describe('the console in Chinese on every error path', () => {
  let t: TestStack;
  let taskId: number;
  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres' });
    expect((await t.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
    const started = await t.api('/api/cycles', {
      method: 'POST',
      json: { key: KEY, title: '第一季度', startsOn: '2027-01-04', endsOn: '2027-03-31', schedule },
    });
    expect(started.status).toBe(201);
    taskId = (await openTask(t, KEY, 'a@c14.example', 'draft')).id;
    // A stalled step on the operations page (its recorded failure is the system's own text).
    const cycle = await t.stack.database.db.selectFrom('cycles').select('id').where('key', '=', KEY).executeTakeFirstOrThrow();
    await t.stack.database.db
      .insertInto('stalls')
      .values({
        stall_key: 'c14-stall',
        cycle_id: cycle.id,
        workflow_id: `okr-cycle:${KEY}:drafting:r1:b0`,
        phase: 'drafting',
        step: 'sendQueuedEmails',
        since: new Date(),
        last_failure: 'ECONNREFUSED 127.0.0.1:9',
        attempts: 3,
        auto_retry_at: new Date(Date.now() + 3_600_000),
      })
      .execute();
  });
  afterAll(async () => {
    await t?.stop();
  });

  const startForm = (extra: Record<string, string>) => ({
    key: 'c14-new',
    title: '新周期',
    startsOn: '2027-04-05',
    endsOn: '2027-06-30',
    timeZone: 'Asia/Shanghai',
    strategy: '5d',
    drafting: '7d',
    review: '5d',
    weekday: '1',
    hour: '10',
    window: '2d',
    scoring: '7d',
    awards: '9d',
    reminders: '3d, 1d',
    who: 'all',
    do: 'preview',
    ...extra,
  });

  /** Each error path: a request and the status it must answer. */
  const paths = (): { what: string; path: string; status: number; form?: Record<string, string> }[] => [
    { what: 'CSV with a bad row', path: '/console/people/import', status: 400, form: { text: 'email,name\nnot-an-email,某人\n' } },
    { what: 'CSV with an unknown column', path: '/console/people/import', status: 400, form: { text: 'email,name,shoe\nx@c14.example,某人,42\n' } },
    { what: 'JSON that cannot be read', path: '/console/people/import', status: 400, form: { text: '[{"email": }' } },
    {
      what: 'CSV with an unknown manager and a loop',
      path: '/console/people/import',
      status: 400,
      form: { text: 'email,name,managerEmail\nx@c14.example,某甲,y@c14.example\ny@c14.example,某乙,x@c14.example\nz@c14.example,某丙,ghost@c14.example\n' },
    },
    { what: 'an absence that is not a Monday', path: '/console/people/1/absences', status: 400, form: { week: '2027-01-06' } },
    { what: 'a person that does not exist', path: '/console/people/999999', status: 404 },
    { what: 'a cycle form with bad fields', path: '/console/cycles/new', status: 400, form: startForm({ title: '', endsOn: '2027-01-01', drafting: 'soon' }) },
    { what: 'a cycle form with a bad time zone', path: '/console/cycles/new', status: 400, form: startForm({ timeZone: 'Mars/Olympus' }) },
    { what: 'a cycle form with a bad key', path: '/console/cycles/new', status: 400, form: startForm({ key: 'Not A Key!' }) },
    { what: 'a cycle form without departments', path: '/console/cycles/new', status: 400, form: startForm({ who: 'departments' }) },
    {
      what: 'a cycle whose planning does not fit',
      path: '/console/cycles/new',
      status: 400,
      form: startForm({ fit: 'on', startsOn: '2026-12-07', endsOn: '2027-02-26', do: 'start' }),
    },
    { what: 'a conflicting cycle key', path: '/console/cycles/new', status: 400, form: startForm({ key: KEY, do: 'start' }) },
    { what: 'a cycle that does not exist', path: '/console/cycles/c14-nope', status: 404 },
    { what: 'an alignment tree of no cycle', path: '/console/cycles/c14-nope/alignment', status: 404 },
    { what: 'an export that does not exist', path: `/console/cycles/${KEY}/exports/secrets.xlsx`, status: 404 },
    { what: 'a control that does not exist', path: `/console/cycles/${KEY}/confirm/explode`, status: 404 },
    { what: 'extending a task with a bad date', path: `/console/cycles/${KEY}/tasks/${taskId}/extend`, status: 400, form: { until: 'tomorrow' } },
    { what: 'extending a task into the past', path: `/console/cycles/${KEY}/tasks/${taskId}/extend`, status: 400, form: { until: '2020-01-01T10:00' } },
    { what: 'extending a task that does not exist', path: `/console/cycles/${KEY}/tasks/999999/extend`, status: 404, form: { until: '2030-01-01T10:00' } },
    { what: 'extending the phase with a bad date', path: `/console/cycles/${KEY}/extend`, status: 400, form: { phase: 'drafting', until: 'x' } },
    { what: 'advancing a phase that is not open', path: `/console/cycles/${KEY}/advance`, status: 409, form: { phase: 'awards' } },
    { what: 'cancelling without a reason', path: `/console/cycles/${KEY}/cancel`, status: 400, form: { phase: 'drafting', reason: '' } },
    { what: 'reminding of a task that does not exist', path: `/console/cycles/${KEY}/tasks/999999/remind`, status: 404, form: {} },
    {
      what: 'a second reminder the same day',
      path: `/console/cycles/${KEY}/tasks/${taskId}/remind`,
      status: 409,
      form: {},
    },
    { what: 'removing someone who is not in the cycle', path: `/console/cycles/${KEY}/participants/remove`, status: 404, form: { email: 'ghost@c14.example' } },
    { what: 'the operations page with a stalled step', path: '/console/operations', status: 200 },
    { what: 'skipping a step without a reason', path: '/console/operations/stalled/step-999/skip', status: 400, form: { reason: '' } },
    { what: 'retrying a step that is not stalled', path: '/console/operations/stalled/step-999/retry', status: 404, form: {} },
    { what: 'resending an email that did not fail', path: '/console/operations/stalled/email-999/retry', status: 404, form: {} },
    { what: 'an API key without a name', path: '/console/operations/keys', status: 400, form: { name: '', role: 'admin' } },
    { what: 'revoking an API key that does not exist', path: '/console/operations/keys/999999/revoke', status: 404, form: {} },
    { what: 'a console page that does not exist', path: '/console/nowhere', status: 404 },
    { what: 'an audit log filtered by a cycle that does not exist', path: '/console/operations/audit?cycle=c14-nope', status: 200 },
  ];

  it('answers every error path in Chinese, with the status that says what happened', async () => {
    const zh = await signInAs(t, 'hr-zh@c14.example');
    // The first reminder goes through; the one in the list is the second of the day.
    expect((await consoleFetch(t, zh, `/console/cycles/${KEY}/tasks/${taskId}/remind`, { method: 'POST', form: {} })).status).toBe(303);
    const found: string[] = [];
    for (const p of paths()) {
      const res = await consoleFetch(t, zh, p.path, p.form ? { method: 'POST', form: p.form } : {});
      const page = await res.text();
      const text = visibleText(page);
      if (res.status !== p.status) found.push(`${p.what}: status ${res.status}, not ${p.status}: ${text.slice(0, 200)}`);
      if (!page.includes('lang="zh-CN"') || !/[\u4e00-\u9fff]/.test(text)) found.push(`${p.what}: not a Chinese page`);
      for (const run of englishRuns(text)) found.push(`${p.what}: "${run}"`);
    }
    // Refused before any page: an employee, a form from another site, an apply of an edited file,
    // a bad or used sign-in link and a bad address to send one to (no session: the browser's language).
    const employee = await signInAs(t, 'a@c14.example');
    const more: { what: string; res: Response; status: number }[] = [
      { what: 'an employee on a console page', res: await consoleFetch(t, employee, '/console/cycles'), status: 403 },
      {
        what: 'a form from another site',
        res: await consoleFetch(t, zh, '/console/operations/keys', { method: 'POST', form: { name: 'x' }, headers: { origin: 'https://evil.example' } }),
        status: 403,
      },
      {
        what: 'applying an edited import',
        res: await consoleFetch(t, zh, '/console/people/import/apply', { method: 'POST', form: { text: 'email\nbad' } }),
        status: 400,
      },
      {
        what: 'a sign-in link that is not valid',
        res: await consoleFetch(t, undefined, `/console/sign-in/${'x'.repeat(43)}`, { headers: { 'accept-language': 'zh-CN' } }),
        status: 410,
      },
      {
        what: 'signing in with an address that is not one',
        res: await consoleFetch(t, undefined, '/console/sign-in', {
          method: 'POST',
          form: { email: 'not an address' },
          headers: { 'accept-language': 'zh-CN' },
        }),
        status: 400,
      },
    ];
    for (const m of more) {
      const page = await m.res.text();
      const text = visibleText(page);
      if (m.res.status !== m.status) found.push(`${m.what}: status ${m.res.status}, not ${m.status}: ${text.slice(0, 200)}`);
      if (!page.includes('lang="zh-CN"') || !/[\u4e00-\u9fff]/.test(text)) found.push(`${m.what}: not a Chinese page`);
      for (const run of englishRuns(text)) found.push(`${m.what}: "${run}"`);
    }
    expect(found).toEqual([]);
  });

  it('answers the same paths in English for an English HR person (the check sees English where there is some)', async () => {
    const en = await signInAs(t, 'hr-en@c14.example');
    let english = 0;
    for (const p of paths()) {
      const res = await consoleFetch(t, en, p.path, p.form ? { method: 'POST', form: p.form } : {});
      const text = visibleText(await res.text());
      expect(res.status, p.what).toBe(p.status);
      if (englishRuns(text).length) english++;
    }
    expect(english).toBe(paths().length);
  });
});
