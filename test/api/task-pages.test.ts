/**
 * The task pages as pure render functions (every kind, from a fabricated context): escaping,
 * pre-filled values, field errors, language. And the rate limiter on small Hono apps.
 */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type TaskKind, TASK_KINDS, submissionSchemas, toFieldIssues } from '../../contract';
import type { TaskContext } from '../../core/task-access';
import type { KeyResultOption, KindContext } from '../../kinds/types';
import type { ApiDeps } from '../../api/deps';
import { localeFromAcceptLanguage, localizedIssues, pageStrings, translateFieldIssue } from '../../i18n';
import { RULE_CODES, ruleIssue } from '../../kinds/rules';
import { addedRow, editRows, rowCount } from '../../api/task-page/rows';
import { TokenBuckets, clientKey, normalizeAddress, rateLimit } from '../../api/rate-limit';
import { taskPageRoutes } from '../../api/routes/task-page';
import { type FieldErrors, type FormValues, fieldErrors } from '../../api/task-page/fields';
import { kinds } from '../../kinds';
import { formatDue } from '../../mail/templates';
import { closedPage, completedPage, forbiddenPage, notFoundPage, taskPage } from '../../api/task-page/view';

const EVIL = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';

function task(kind: TaskKind, over: Partial<TaskContext> = {}): TaskContext {
  return {
    id: 1,
    kind,
    round: 3,
    status: 'open',
    dueAt: '2027-01-15T17:00:00.000Z',
    completedAt: null,
    workflowId: 'wf',
    cycleId: 1,
    cycleKey: 'q1',
    cycleTitle: `Q1 ${EVIL}`,
    personId: 1,
    ownerName: `Ana ${EVIL}`,
    ownerEmail: 'ana@example.com',
    locale: 'en',
    timeZone: 'Europe/Berlin',
    managerId: null,
    result: null,
    ...over,
  };
}

function kr(over: Partial<KeyResultOption> & Pick<KeyResultOption, 'keyResultId' | 'kind'>): KeyResultOption {
  return {
    objectiveId: 5,
    objectiveTitle: `Objective ${EVIL}`,
    title: `KR ${EVIL}`,
    start: 0,
    target: 100,
    unit: null,
    current: null,
    done: null,
    selfScore: null,
    score: null,
    suggestedScore: null,
    ...over,
  };
}

/** One context that carries everything any kind's page shows, each text with a script tag in it. */
const CONTEXT: KindContext = {
  values: null,
  notes: [`Week 3 ${EVIL}`],
  parents: [{ id: 3, title: `Parent ${EVIL}`, owner: 'Company' }],
  keyResults: [
    kr({ keyResultId: 11, kind: 'numeric', unit: 'signups', current: 42, selfScore: 0.6, suggestedScore: 0.4 }),
    kr({ keyResultId: 12, kind: 'milestone', start: null, target: null, done: true, suggestedScore: 1 }),
  ],
  objectives: [{ id: 21, title: `Objective ${EVIL}`, parent: `Company goal ${EVIL}`, keyResults: [{ title: `KR ${EVIL}`, measure: 'from 0 to 100 signups' }] }],
  nominations: [
    { nominationId: 31, nominator: `Bo ${EVIL}`, label: `person: Cy ${EVIL}`, citation: `Citation ${EVIL}`, votes: 2 },
    { nominationId: 32, nominator: 'Cy', label: 'objective: Grow', citation: 'Grew a lot this quarter.', votes: 0 },
  ],
  subject: { name: `Bo ${EVIL}`, email: 'bo@example.com' },
  people: [{ name: `Dee ${EVIL}`, email: 'dee@example.com' }],
};

function render(kind: TaskKind, values?: FormValues, errors: FieldErrors = new Map(), over: Partial<TaskContext> = {}, context: KindContext = CONTEXT): string {
  return taskPage({ task: task(kind, over), context, values: values ?? kinds[kind].form.toValues(context.values, context), errors, timeZone: 'Europe/Paris' });
}

/** Posts a body through the kind's parser and schema, and renders the page the person gets back. */
function rerender(kind: TaskKind, body: FormValues, over: Partial<TaskContext> = {}): string {
  // As the route does: the form's own issues and the schema's, in the owner's language.
  const locale = over.locale ?? 'en';
  const parsed = kinds[kind].form.parse(body, CONTEXT, locale);
  const checked = submissionSchemas[kind].safeParse(parsed.submission);
  expect(checked.success && parsed.issues.length === 0).toBe(false);
  return render(kind, body, fieldErrors(parsed, checked.success ? [] : localizedIssues(checked.error.issues, locale)), over);
}

/** The opening tag of the element with this id. */
function tag(html: string, id: string): string {
  const found = new RegExp(`<(input|select|textarea|fieldset)[^>]*id="${id.replace(/\./g, '\\.')}"[^>]*>`).exec(html);
  if (!found) throw new Error(`no element with id ${id}`);
  return found[0];
}

describe('task pages: every kind renders, escaped', () => {
  it.each(TASK_KINDS)('%s', (kind) => {
    const html = render(kind);
    expect(html).not.toContain('<script>');
    expect(html).toContain(`Q1 ${ESCAPED}`);
    expect(html).toContain(`Week 3 ${ESCAPED}`);
    expect(html).toMatch(/<form method="post"/);
    expect(html).toContain('due Jan 15, 2027');
    expect(html).not.toContain('Nothing was saved');
  });

  it('shows what each kind needs, escaped', () => {
    expect(render('draft')).toContain(`Company: Parent ${ESCAPED}`);
    expect(render('strategy')).not.toContain('o0.parent');
    for (const kind of ['review', 'strategy-review'] as const) {
      const html = render(kind);
      expect(html).toContain(`Objective ${ESCAPED}`);
      expect(html).toContain(`aligned to Company goal ${ESCAPED}`);
      expect(html).toContain(`About Bo ${ESCAPED}`);
      expect(html).toMatch(/type="radio" id="decision\.approve"/);
      expect(html).toMatch(/type="radio" id="decision\.changes"/);
    }
    const nominate = render('nominate');
    expect(nominate).toContain(`<option value="21">Objective ${ESCAPED}</option>`);
    expect(nominate).toContain(`<option value="dee@example.com">Dee ${ESCAPED}</option>`);
    for (const kind of ['vote', 'finalize'] as const) {
      const html = render(kind);
      expect(html).toContain(`Citation ${ESCAPED}`);
      expect(html).toContain(`person: Cy ${ESCAPED}`);
    }
    expect(render('finalize')).toContain('2 votes');
    expect(render('vote')).not.toContain('2 votes');
  });

  it('escapes what the person typed when the page comes back', () => {
    const html = rerender('nominate', { 'nom0.email': `"><script>alert(1)</script>`, 'nom0.citation': '<script>' });
    expect(html).not.toContain('<script>');
    expect(tag(html, 'nom0.email')).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toContain(`<textarea id="nom0.citation" name="nom0.citation" class="invalid"`);
    expect(html).toMatch(/class="invalid"[^>]*>&lt;script&gt;<\/textarea><p class="err"[^>]*>at least 10 characters<\/p>/);
  });
});

describe('task pages: pre-filled values', () => {
  it('check-in: current values, milestone ticked, the previous confidence', () => {
    const html = render(
      'checkin',
      kinds.checkin.form.toValues(
        {
          confidence: 6,
          keyResults: [
            { keyResultId: 11, value: 42 },
            { keyResultId: 12, done: true },
          ],
        },
        CONTEXT,
      ),
    );
    expect(tag(html, 'kr11.value')).toContain('value="42"');
    expect(tag(html, 'kr12.done')).toContain(' checked');
    expect(html).toMatch(/<option value="6" selected>6<\/option>/);
    expect(html).toContain('from 0 to 100 signups');
    expect(html).toMatch(/<select id="item0\.kr"[^>]*>.*<option value="11">KR &lt;script&gt;/);
    // One empty item row to start with (nothing to carry forward), and a button for more.
    expect(html.match(/id="item\d\.title"/g)).toHaveLength(1);
    expect(html).toContain('value="add:item"');
  });

  it('scores: the context values, with the 0.0–1.0 input and the 0.7 guidance', () => {
    const context = {
      ...CONTEXT,
      values: {
        scores: [
          { keyResultId: 11, score: 0.6 },
          { keyResultId: 12, score: 1 },
        ],
      },
    };
    for (const kind of ['self-score', 'calibrate'] as const) {
      const html = render(kind, undefined, new Map(), {}, context);
      expect(tag(html, 'kr11.score')).toMatch(/value="0\.6"[^>]*type="number" min="0" max="1" step="0\.01"/);
      expect(tag(html, 'kr12.score')).toContain('value="1"');
      expect(html).toContain('0.7 = good');
    }
    expect(render('calibrate')).toContain('self score 0.6');
  });

  it('vote and finalize: ticked as before; review: the decision', () => {
    expect(tag(render('vote', kinds.vote.form.toValues({ nominationIds: [32] }, CONTEXT)), 'nomination32')).toContain(' checked');
    expect(tag(render('vote', kinds.vote.form.toValues({ nominationIds: [32] }, CONTEXT)), 'nomination31')).not.toContain(' checked');
    expect(tag(render('finalize', kinds.finalize.form.toValues({ winnerNominationIds: [31] }, CONTEXT)), 'winner31')).toContain(' checked');
    expect(render('review', { decision: 'changes', comment: 'Fix KR 2' })).toMatch(/id="decision\.changes" name="decision" value="changes" class="" checked/);
  });
});

describe('task pages: field errors', () => {
  it('check-in: the banner, the message next to the field, class "invalid", the typed values kept', () => {
    const html = rerender('checkin', { 'kr11.value': 'lots', confidence: '', 'item2.title': 'Referral page', report: 'Went well' });
    expect(html).toContain('Please correct the fields marked below. Nothing was saved.');
    expect(tag(html, 'kr11.value')).toMatch(/value="lots" class="invalid"/);
    expect(html).toMatch(/id="kr11\.value"[^>]*>\s*<p class="err" id="kr11\.value\.err">must be a number<\/p>/);
    expect(tag(html, 'confidence')).toContain('class="invalid"');
    expect(tag(html, 'item2.kr')).toContain('class="invalid"');
    expect(tag(html, 'item2.title')).toContain('value="Referral page"');
    expect(html).toContain('>Went well</textarea>');
    // An unticked milestone stays unticked.
    expect(tag(html, 'kr12.done')).not.toContain(' checked');
  });

  it('review: the decision and the comment', () => {
    expect(tag(rerender('review', { comment: 'ok' }), 'decision.approve')).toContain('class="invalid"');
    const html = rerender('strategy-review', { decision: 'changes', comment: 'no' });
    expect(tag(html, 'comment')).toContain('class="invalid"');
    expect(html).toContain('say what should change (at least 3 characters)');
    expect(html).toMatch(/id="decision\.changes"[^>]*checked/);
  });

  it('scores, nominations, votes and the draft', () => {
    expect(tag(rerender('self-score', { 'kr11.score': '1.5', 'kr12.score': '1' }), 'kr11.score')).toMatch(/value="1\.5" class="invalid"/);
    expect(tag(rerender('nominate', { 'nom1.citation': 'Great work all quarter.' }), 'nom1.objective')).toContain('class="invalid"');
    const vote = rerender('vote', {});
    expect(vote).toContain(
      '<fieldset class="invalid" id="nominations"><legend>Nominations</legend><p class="err" id="nominations.err">vote for at least 1 nomination</p>',
    );
    expect(vote).toContain('vote for at least 1 nomination');
    const draft = rerender('draft', { 'o1.title': 'Grow', 'o1.kr2.title': 'Revenue', 'o1.kr2.start': '1', 'o1.kr2.target': '1', 'o1.kr2.unit': 'k' });
    expect(draft).toMatch(/id="o1\.kr2\.target"[^>]*class="invalid"/);
    expect(draft).toMatch(/id="o1\.title"[^>]*value="Grow"/);
    // The second objective is shown because it has values; no other objective is expanded.
    expect(draft).toMatch(/<fieldset class="objective" data-row="o1" id="o1"><legend data-num="Objective #">Objective 2<\/legend>/);
    expect(draft).not.toContain('data-row="o2"');
    // The error summary links to the field.
    expect(draft).toMatch(/<li><a href="#o1\.kr2\.target">Objective 2 · Key result 3 · Target: must differ from start<\/a><\/li>/);
  });

  it('says so when saving failed for a reason that is not the person’s, keeping what they typed', () => {
    const html = taskPage({
      task: task('review'),
      context: CONTEXT,
      values: { decision: 'changes', comment: 'More numbers' },
      errors: new Map(),
      timeZone: 'UTC',
      unavailable: true,
    });
    expect(html).toContain('could not be confirmed right now. Please send it again in a few seconds: it is never counted twice.');
    expect(html).not.toContain('Please correct the fields');
    expect(html).toMatch(/id="decision\.changes"[^>]*checked/);
    expect(html).toContain('>More numbers</textarea>');
  });

  it('shows errors that belong to no field under the banner', () => {
    const html = render('vote', {}, new Map([['form', ['the vote closed']]]));
    expect(html).toMatch(/Nothing was saved\.<\/p><p class="err"[^>]*>the vote closed<\/p>/);
  });
});

describe('task pages: language', () => {
  it('speaks the owner’s language, validation messages included', () => {
    const html = rerender('checkin', { 'kr11.value': 'x', confidence: '5' }, { locale: 'zh-CN' });
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('每周进展更新');
    expect(html).toContain('没有保存任何内容');
    expect(html).toContain('必须是数字');
    expect(html).toContain('截止：2027年1月15日');
    expect(render('vote', undefined, new Map(), { locale: 'zh-CN' })).toContain('由 Bo &lt;script&gt;');
  });

  it('keeps the English sentences, and translates the status pages', () => {
    expect(completedPage(task('draft'))).toContain('your OKRs are submitted');
    expect(completedPage(task('checkin'))).toContain('your check-in is saved');
    expect(completedPage(task('draft', { locale: 'zh-CN' }))).toContain('你的 OKR 已提交');
    expect(closedPage(task('draft', { status: 'completed', completedAt: '2027-01-02T10:00:00Z' }))).toContain('already completed');
    expect(closedPage(task('draft', { status: 'expired' }))).toContain('This task is expired and can no longer be completed.');
    expect(closedPage(task('draft', { status: 'expired', locale: 'zh-CN' }))).toContain('此任务已过期');
    expect(notFoundPage()).toContain('This link is not valid');
    expect(notFoundPage('zh-CN')).toContain('此链接无效');
    expect(localeFromAcceptLanguage('zh-TW,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(localeFromAcceptLanguage('fr-FR, en;q=0.5, zh;q=0.4')).toBe('en');
    expect(localeFromAcceptLanguage(undefined)).toBe('en');
  });
});

describe('rate limiting', () => {
  const tinyApp = (options: Parameters<typeof rateLimit>[0]) => {
    const app = new Hono();
    app.use('*', rateLimit(options));
    app.get('/x', (c) => c.text('ok'));
    app.post('/x', (c) => c.text('ok'));
    return app;
  };

  it('answers the N+1th request with 429 and Retry-After; another address is not limited', async () => {
    const app = tinyApp({ read: { perMinute: 6, burst: 3 }, trustProxy: true });
    const from = (ip: string) => app.request('/x', { headers: { 'x-forwarded-for': ip } });
    for (let i = 0; i < 3; i++) expect((await from('203.0.113.7')).status).toBe(200);
    const limited = await from('203.0.113.7');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(10);
    expect(await limited.json()).toMatchObject({ error: { code: expect.any(String), message: expect.stringContaining('too many requests') } });
    expect((await from('198.51.100.9')).status).toBe(200);
  });

  it('counts reads and writes apart, and refills with time', async () => {
    let now = 0;
    const app = tinyApp({ read: { perMinute: 60, burst: 1 }, write: { perMinute: 30, burst: 1 }, now: () => now });
    expect((await app.request('/x')).status).toBe(200);
    expect((await app.request('/x', { method: 'POST' })).status).toBe(200);
    const read = await app.request('/x');
    expect(read.status).toBe(429);
    expect(read.headers.get('retry-after')).toBe('1');
    const write = await app.request('/x', { method: 'POST' });
    expect(write.headers.get('retry-after')).toBe('2');
    now += 1000;
    expect((await app.request('/x')).status).toBe(200);
    expect((await app.request('/x', { method: 'POST' })).status).toBe(429);
    now += 1000;
    expect((await app.request('/x', { method: 'POST' })).status).toBe(200);
  });

  it('ignores X-Forwarded-For unless told to trust a proxy, and then reads the proxy’s entry', async () => {
    const untrusting = tinyApp({ read: { perMinute: 1, burst: 1 } });
    expect((await untrusting.request('/x', { headers: { 'x-forwarded-for': '203.0.113.1' } })).status).toBe(200);
    // A client cannot escape by inventing addresses: without a trusted proxy the header is ignored.
    expect((await untrusting.request('/x', { headers: { 'x-forwarded-for': '203.0.113.2' } })).status).toBe(429);

    const behindProxy = tinyApp({ read: { perMinute: 1, burst: 1 }, trustProxy: true });
    const via = (chain: string) => behindProxy.request('/x', { headers: { 'x-forwarded-for': chain } });
    expect((await via('10.9.9.9, 203.0.113.5')).status).toBe(200);
    // The left entries are the client's own words; the proxy's (last) entry is what counts.
    expect((await via('10.1.1.1, 203.0.113.5')).status).toBe(429);
  });

  it('does not limit the machine itself, unless told to', async () => {
    const local = (app: Hono) => app.request('/x', { headers: { 'x-forwarded-for': '127.0.0.1' } });
    const lenient = tinyApp({ read: { perMinute: 1, burst: 1 }, trustProxy: true });
    for (let i = 0; i < 5; i++) expect((await local(lenient)).status).toBe(200);
    const strict = tinyApp({ read: { perMinute: 1, burst: 1 }, trustProxy: true, limitLoopback: true });
    expect((await local(strict)).status).toBe(200);
    expect((await local(strict)).status).toBe(429);
  });

  it('keys clients by address: IPv4-mapped as IPv4, IPv6 by /64, garbage as unknown', () => {
    expect(normalizeAddress('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeAddress('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(normalizeAddress('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(normalizeAddress('::1')).toBe('::1');
    expect(normalizeAddress('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(normalizeAddress('::2')).toBe('0:0:0:0::/64');
    expect(normalizeAddress('[2001:db8::1]:443')).toBe('2001:db8:0:0::/64');
    expect(normalizeAddress('not an address')).toBeUndefined();
    const c = { req: { header: () => 'spoofed' } } as never;
    expect(clientKey(c, true)).toBe('unknown');
  });

  it('forgets the least recently seen clients beyond its bound', () => {
    const buckets = new TokenBuckets({ perMinute: 1, burst: 1 }, 10, () => 0);
    for (let i = 0; i < 25; i++) buckets.take(`c${i}`);
    expect(buckets.size).toBeLessThanOrEqual(10);
  });

  it('on the task pages: unknown links count, the 429 is HTML or JSON, with the security headers', async () => {
    const deps = { db: {} as ApiDeps['db'], publicBaseUrl: 'http://localhost:3000', temporal: { client: {} } } as unknown as ApiDeps;
    const app = taskPageRoutes({ ...deps, taskPageRateLimit: { read: { perMinute: 2, burst: 2 }, write: { perMinute: 1, burst: 1 } } });
    // Malformed tokens are refused before any database access.
    expect((await app.request('/not-a-token')).status).toBe(404);
    expect((await app.request('/not-a-token', { headers: { accept: 'application/json' } })).status).toBe(404);
    const html = await app.request('/not-a-token', { headers: { 'accept-language': 'zh-CN' } });
    expect(html.status).toBe(429);
    expect(html.headers.get('retry-after')).toBeTruthy();
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(html.headers.get('referrer-policy')).toBe('no-referrer');
    expect(html.headers.get('cache-control')).toBe('no-store');
    expect(await html.text()).toContain('请求过多');
    const json = await app.request('/not-a-token', { headers: { accept: 'application/json' } });
    expect(json.status).toBe(429);
    expect(((await json.json()) as { error: { message: string } }).error.message).toMatch(/too many requests/);

    const post = () => app.request('/not-a-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect((await post()).status).toBe(404);
    expect((await post()).status).toBe(429);

    const off = taskPageRoutes({ ...deps, taskPageRateLimit: false });
    for (let i = 0; i < 40; i++) expect((await off.request('/not-a-token')).status).toBe(404);
  });
});

describe('task pages: rows people add and remove', () => {
  it('the draft starts with one objective of two key results, not 5 × 5', () => {
    const html = render('draft', {});
    expect(html.match(/data-row="o\d"/g)).toEqual(['data-row="o0"']);
    expect(html.match(/id="o0\.kr\d\.title"/g)).toHaveLength(2);
    expect(html).toContain('value="add:o"');
    expect(html).toContain('value="add:o0.kr"');
    expect(html).not.toContain('<details');
  });

  it('adds a row and removes one, moving the later rows up and keeping every value', () => {
    const added = editRows({ 'o.count': '1', 'o0.title': 'Grow', 'o0.kr.count': '2', action: 'add:o0.kr' }, 'add:o0.kr')!;
    expect(added).toEqual({ 'o.count': '1', 'o0.title': 'Grow', 'o0.kr.count': '3' });
    expect(render('draft', added).match(/id="o0\.kr\d\.title"/g)).toHaveLength(3);
    // The page that comes back puts the focus in the new row.
    expect(addedRow(added, 'add:o0.kr')).toBe('o0.kr2');
    const focused = taskPage({ task: task('draft'), context: CONTEXT, values: added, errors: new Map(), timeZone: 'UTC', focusRow: 'o0.kr2' });
    expect(focused.match(/autofocus/g)).toHaveLength(1);
    expect(tag(focused, 'o0.kr2.title')).toContain('autofocus');
    const removed = editRows(
      { 'o.count': '3', 'o0.title': 'A', 'o1.title': 'B', 'o1.kr0.title': 'B1', 'o1.kr.count': '2', 'o2.title': 'C', 'o2.kr1.target': '9', 'o2.kr.count': '2' },
      'remove:o1',
    )!;
    expect(removed).toEqual({ 'o.count': '2', 'o0.title': 'A', 'o1.title': 'C', 'o1.kr1.target': '9', 'o1.kr.count': '2' });
    expect(editRows({ 'item.count': '2', 'item0.title': 'x', 'item1.title': 'y' }, 'remove:item0')).toEqual({ 'item.count': '1', 'item0.title': 'y' });
    expect(editRows({}, 'nonsense')).toBeNull();
    // Never more rows than the schema takes, never fewer than one.
    expect(rowCount({ 'o.count': '99' }, { base: 'o', min: 1, max: 5, initial: 1 })).toBe(5);
    expect(rowCount({ 'o.count': '0' }, { base: 'o', min: 1, max: 5, initial: 1 })).toBe(1);
    expect(rowCount({ 'o.count': '1', 'o3.title': 'x' }, { base: 'o', min: 1, max: 5, initial: 1 })).toBe(4);
  });

  it('shows the fields a key result’s kind uses', () => {
    const html = render('draft', { 'o0.kr0.kind': 'milestone', 'o0.kr1.kind': 'percent', 'o0.kr2.kind': 'numeric', 'o0.kr.count': '3' });
    const wrapper = (id: string) => new RegExp(`<div data-kinds="([a-z ]+)"( hidden)?><label for="${id.replace(/\./g, '\\.')}"`).exec(html)!;
    expect(wrapper('o0.kr0.start')[2]).toBe(' hidden');
    expect(wrapper('o0.kr0.unit')[2]).toBe(' hidden');
    expect(wrapper('o0.kr1.target')[2]).toBeUndefined();
    expect(wrapper('o0.kr1.unit')[2]).toBe(' hidden');
    expect(wrapper('o0.kr2.unit')[2]).toBeUndefined();
  });

  it('accepts a percent target above 100', () => {
    const parsed = kinds.draft.form.parse(
      {
        'o0.title': 'Keep customers',
        'o0.kr0.title': 'NRR',
        'o0.kr0.kind': 'percent',
        'o0.kr0.start': '95',
        'o0.kr0.target': '110',
        'o0.kr1.title': 'Launch',
        'o0.kr1.kind': 'milestone',
      },
      CONTEXT,
    );
    expect(submissionSchemas.draft.safeParse(parsed.submission).success).toBe(true);
  });

  it('check-in: no confidence chosen for the person, Enter cannot submit, scripts and styles are files', () => {
    const html = render('checkin');
    expect(html).not.toMatch(/<option value="\d+" selected>/);
    expect(html).toMatch(/<form [^>]*data-task-form>\s*<button type="submit" class="enter-guard" disabled hidden/);
    expect(html).not.toMatch(/<style|style="|<script>/);
    expect(html).toMatch(/<script src="\/assets\/task-page\.[0-9a-f]{12}\.js" defer><\/script>/);
    expect(html).toMatch(/<main>[\s\S]*<h1>/);
  });
});

describe('task pages: status pages name the task', () => {
  it('already completed: which task, which cycle, when, in the person’s time zone', () => {
    const html = closedPage(task('checkin', { status: 'completed', completedAt: '2027-01-02T10:00:00Z', locale: 'zh-CN' }), 'Asia/Shanghai');
    expect(html).toContain('<h1>每周进展更新（第 3 周）</h1>');
    expect(html).toContain('18:00');
    expect(closedPage(task('review', { status: 'completed', completedAt: '2027-01-02T10:00:00Z' }))).toMatch(/<h1>[^<]*Review/);
    expect(forbiddenPage('zh-CN')).toContain('此表单未发送');
  });

  it('already completed: shows what was sent, read-only', () => {
    const sent = {
      keyResults: [
        { keyResultId: 11, value: 57 },
        { keyResultId: 12, done: true },
      ],
      confidence: 8,
      items: [{ keyResultId: 11, kind: 'project', title: 'Referral page', status: 'done' }],
      report: 'Good week',
    };
    const html = closedPage(task('checkin', { status: 'completed', completedAt: '2027-01-02T10:00:00Z', result: sent }), 'UTC', CONTEXT);
    expect(html).toContain('<h2>What you sent</h2><fieldset class="answer" disabled>');
    expect(tag(html, 'kr11.value')).toContain('value="57"');
    expect(html).toMatch(/<option value="8" selected>/);
    expect(tag(html, 'item0.title')).toContain('value="Referral page"');
    expect(html).toContain('>Good week</textarea>');
    expect(html).not.toContain('<form');
    // Without the context (or with nothing stored) the page says only that it is done.
    expect(closedPage(task('checkin', { status: 'completed', completedAt: '2027-01-02T10:00:00Z', result: sent }))).not.toContain('What you sent');
  });
});

/**
 * Every page of every kind in Chinese, with every note, hint and error a page can show: after
 * removing what came from the context (names, titles, values the person typed), no Latin letter
 * is left, apart from the product's own words OKR and HR, the code point U+0000 and ISO 4217
 * currency codes.
 */
describe('task pages in zh-CN: no English left', () => {
  const zh = pageStrings('zh-CN');
  // Dates come from mail/templates' formatter (the person's time zone is a value, like a name).
  const dates = ['2027-01-15T17:00:00.000Z', '2027-01-02T10:00:00Z'].map((d) => formatDue(d, 'zh-CN', 'Asia/Shanghai'));
  const names = [
    ...dates,
    'Ana Silva',
    'Bo Chen',
    'Cy Park',
    'Dee Wu',
    'dee@example.com',
    'bo@example.com',
    'Q1 Growth',
    'Grow revenue',
    'Weekly signups',
    'Ship the tour',
    'Referral page',
    'Company goal',
  ];
  const context: KindContext = {
    values: null,
    notes: [
      zh.notes.week(3),
      zh.notes.carriedForward,
      zh.notes.reviewerChanges('Grow revenue'),
      zh.notes.hrChanges('Grow revenue'),
      zh.notes.changesLastRound('Grow revenue'),
      zh.notes.notSubmitted('Bo Chen'),
      zh.notes.scoreScale,
      zh.notes.unscored('Bo Chen', 1, 2),
      zh.notes.nominate,
      zh.notes.vote,
      zh.notes.noNominations,
    ],
    parents: [{ id: 3, title: 'Company goal', owner: zh.objectives.company }],
    keyResults: [
      kr({
        keyResultId: 11,
        kind: 'numeric',
        title: 'Weekly signups',
        objectiveTitle: 'Grow revenue',
        unit: null,
        current: 42,
        selfScore: 0.6,
        suggestedScore: 0.42,
      }),
      kr({
        keyResultId: 12,
        kind: 'milestone',
        title: 'Ship the tour',
        objectiveTitle: 'Grow revenue',
        start: null,
        target: null,
        done: true,
        suggestedScore: 1,
      }),
    ],
    objectives: [{ id: 21, title: 'Grow revenue', parent: 'Company goal', keyResults: [{ title: 'Weekly signups', measure: zh.progress.doneOrNot }] }],
    nominations: [{ nominationId: 31, nominator: 'Bo Chen', label: zh.awards.objectiveLabel('Grow revenue', 'Cy Park'), citation: 'Referral page', votes: 2 }],
    subject: { name: 'Bo Chen', email: 'bo@example.com' },
    people: [{ name: 'Dee Wu', email: 'dee@example.com' }],
  };
  const over: Partial<TaskContext> = { locale: 'zh-CN', cycleTitle: 'Q1 Growth', ownerName: 'Ana Silva' };
  /** Text a person reads: text nodes and the attributes browsers show or speak. */
  function readable(html: string): string {
    const attrs = [...html.matchAll(/\s(?:placeholder|aria-label|title|alt)="([^"]*)"/g)].map((m) => m[1]);
    const body = html.replace(/<head>[\s\S]*<\/head>/, '').replace(/<[^>]+>/g, ' ');
    const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '';
    return [title, body, ...attrs].join(' ').replace(/&[a-z]+;|&#\d+;/g, ' ');
  }
  function leftover(html: string): string[] {
    let text = readable(html);
    for (const n of names) text = text.split(n).join(' ');
    // ISO 4217 and its currency codes are codes, not English (the bonus's currency field and rules).
    text = text.replace(/\bOKR\b|\bHR\b|U\+0000|Unicode|\bISO\b|\b(?:CNY|EUR|USD)\b/g, ' ');
    return [...new Set(text.match(/[A-Za-z][A-Za-z'’.-]*/g) ?? [])];
  }
  /** Bad answers for each kind: every field error the form and the schema can give. */
  const BAD: Record<TaskKind, FormValues> = {
    strategy: { 'o0.title': 'x', 'o0.kr0.title': 'Weekly signups', 'o0.kr0.start': 'abc', 'o0.kr0.target': '1', 'o0.kr0.unit': '', 'o1.kr0.title': 'y' },
    draft: { 'o0.title': 'x', 'o0.parent': 'abc', 'o0.kr0.title': 'Weekly signups', 'o0.kr0.start': '1', 'o0.kr0.target': '1', 'o0.kr0.unit': 'k' },
    'strategy-review': { decision: 'changes', comment: '不行' },
    review: { comment: '好' },
    checkin: { 'kr11.value': 'abc', confidence: '11', 'item0.title': 'Referral page', report: '' },
    'self-score': { 'kr11.score': '1.5', 'kr12.score': 'abc' },
    calibrate: { 'kr11.score': '-1' },
    nominate: { 'nom0.citation': '很好', 'nom1.objective': '21', 'nom1.email': 'dee@example.com', 'nom1.citation': 'Referral page' },
    vote: {},
    finalize: { announcement: '好'.repeat(2001) },
  };

  it.each(TASK_KINDS)('%s: open, with errors, with a rule the database checks, completed and closed', (kind) => {
    const t = task(kind, over);
    const open = taskPage({ task: t, context, values: kinds[kind].form.toValues(context.values, context), errors: new Map(), timeZone: 'Asia/Shanghai' });
    expect(leftover(open)).toEqual([]);
    const parsed = kinds[kind].form.parse(BAD[kind], context, 'zh-CN');
    const checked = submissionSchemas[kind].safeParse(parsed.submission);
    const errors = fieldErrors(parsed, checked.success ? [] : localizedIssues(checked.error.issues, 'zh-CN'));
    if (kind !== 'finalize') expect(errors.size).toBeGreaterThan(0);
    for (const code of RULE_CODES)
      errors.set(`form`, [
        ...(errors.get('form') ?? []),
        translateFieldIssue('zh-CN', ruleIssue('x', code, { name: 'Bo Chen', max: 1000, key: '2027-1', year: 2027 })),
      ]);
    const failed = taskPage({ task: t, context, values: BAD[kind], errors, timeZone: 'Asia/Shanghai' });
    expect(leftover(failed)).toEqual([]);
    expect(leftover(taskPage({ task: t, context, values: {}, errors: new Map(), timeZone: 'Asia/Shanghai', unavailable: true }))).toEqual([]);
    // A sent answer that can still be corrected (check-ins): the same page with a note.
    const correcting = taskPage({ task: { ...t, status: 'completed' }, context, values: {}, errors: new Map(), timeZone: 'Asia/Shanghai' });
    expect(correcting).toContain('前可以修改');
    expect(leftover(correcting)).toEqual([]);
    expect(leftover(completedPage(t))).toEqual([]);
    for (const status of ['completed', 'expired', 'cancelled'] as const)
      expect(leftover(closedPage({ ...t, status, completedAt: '2027-01-02T10:00:00Z' }, 'Asia/Shanghai'))).toEqual([]);
  });

  it('the pages that know no task, and the check catches English', () => {
    for (const html of [notFoundPage('zh-CN'), forbiddenPage('zh-CN')]) expect(leftover(html)).toEqual([]);
    expect(leftover(render('checkin'))).not.toEqual([]);
  });
});
