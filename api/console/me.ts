/**
 * "Me" (/console/me): every participant's own OKR record — open tasks with their due times in
 * the person's time zone and links to their task pages, objectives and key results with
 * progress, status and the parent each serves, check-ins per key result week by week with the
 * confidence trend, execution items under the key result they serve, final scores with the
 * manager's comment — and the correction of the latest check-in while its window is open
 * (POST /console/me/checkins/:id/correct: the task page's correction path,
 * api/console/me-correction.ts; rate-limited per person; audited by the workflow's activity).
 * Any signed-in person; what is shown is core/me-home.ts as core/visibility.ts allows.
 */
import { type Context, Hono } from 'hono';
import { html, raw } from 'hono/html';
import type { Locale } from '../../contract';
import { type MeCheckin, type MeHome, type MeKeyResult, meHome } from '../../core/me-home';
import { homePerson } from '../../db/homes';
import { homeWords } from '../../i18n/homes';
import { kindModule } from '../../kinds';
import type { FieldIssue } from '../../contract';
import { formatDue } from '../../mail/templates/format';
import { TokenBuckets } from '../rate-limit';
import { formatNumber, type FormValues } from '../task-page/fields';
import { type ConsoleContext, type ConsoleEnv, personOf, requireSession } from './context';
import { consolePage, messagePage, respond } from './layout';
import { confidenceTrend } from './me-chart';
import { CorrectionRefused, correctLatestCheckin, correctableCheckin } from './me-correction';

export const HOMES_CSS = html`<link rel="stylesheet" href="/console/assets/homes.css">`;

const pct = (p: number | null, locale: Locale) => (p === null ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(p));

/** A progress bar with its number (a <progress> element: read by screen readers, no style needed). */
export function progressBar(p: number | null, locale: Locale, label: string) {
  return p === null
    ? html`<span class="muted">—</span>`
    : html`<progress max="100" value="${Math.round(p * 100)}" aria-label="${label}">${pct(p, locale)}</progress> <span class="num">${pct(p, locale)}</span>`;
}

function measure(kr: MeKeyResult, locale: Locale) {
  const w = homeWords(locale).me;
  if (kr.kind === 'milestone') return `${w.milestone} · ${kr.done ? w.done : w.notDone}`;
  const unit = kr.kind === 'percent' ? '%' : (kr.unit ?? '');
  const now = kr.current === null ? '' : ` · ${w.now(formatNumber(kr.current, locale))}`;
  return `${w.measure(formatNumber(kr.start, locale), formatNumber(kr.target, locale), unit)}${now}`;
}

function keyResultBlock(kr: MeKeyResult, home: MeHome, locale: Locale) {
  const w = homeWords(locale).me;
  const weeks = kr.weeks.length
    ? html`<div class="table-wrap"><table class="weeks"><caption>${w.weeks}</caption><thead><tr><th scope="col">${w.weekCol}</th><th scope="col">${w.value}</th><th scope="col">${w.confidence}</th></tr></thead><tbody>${kr.weeks.map(
        (x) =>
          html`<tr><th scope="row">${w.week(x.week)}</th><td>${kr.kind === 'milestone' ? (x.done ? w.done : w.notDone) : formatNumber(x.value, locale)}</td><td>${x.confidence ?? '—'}</td></tr>`,
      )}</tbody></table></div>`
    : home.facets.includes('checkins')
      ? html`<p class="muted small">${w.noCheckins}</p>`
      : '';
  const byWeek = new Map<number, MeKeyResult['items']>();
  for (const item of kr.items) byWeek.set(item.week, [...(byWeek.get(item.week) ?? []), item]);
  const items = kr.items.length
    ? html`<h5>${w.items}</h5>${[...byWeek.entries()].map(
        ([week, list]) =>
          html`<p class="small muted item-week">${week > 0 ? w.week(week) : '—'}</p><ul class="items">${list.map(
            (i) =>
              html`<li><span class="tag">${w.itemKind[i.kind] ?? i.kind}</span> ${i.url ? html`<a href="${i.url}" rel="noopener noreferrer">${i.title}</a>` : i.title} <span class="muted small">· ${w.itemStatus[i.status] ?? i.status}${i.source === 'api' ? ` · ${w.fromIntegration}` : ''}</span></li>`,
          )}</ul>`,
      )}`
    : home.facets.includes('execution')
      ? html`<p class="muted small">${w.noItems}</p>`
      : '';
  return html`<li class="kr"><h4>${kr.title}</h4>
<p class="small">${measure(kr, locale)}${kr.confidence !== null ? html` · ${w.confidence} ${kr.confidence}` : ''}</p>
<p>${progressBar(kr.progress, locale, `${w.progress}: ${kr.title}`)}</p>
${weeks}${items}</li>`;
}

function tasksSection(home: MeHome, locale: Locale) {
  const w = homeWords(locale).me;
  if (!home.facets.includes('checkins')) return '';
  return html`<section aria-labelledby="tasks-h"><h2 id="tasks-h">${w.tasks}</h2>
${
  home.tasks.length
    ? html`<div class="table-wrap"><table><thead><tr><th scope="col">${w.task}</th><th scope="col">${w.cycle}</th><th scope="col">${w.due}</th><th scope="col"><span class="visually-hidden">${w.open}</span></th></tr></thead><tbody>${home.tasks.map(
        (t) => {
          const words = kindModule(t.kind).words[locale] ?? kindModule(t.kind).words.en;
          const action = words.mail.action(t.round, t.subjectName ?? '');
          return html`<tr${t.overdue ? raw(' class="bad"') : ''}><td>${action}</td><td>${t.cycleTitle}</td><td>${t.dueLocal}${t.overdue ? html` <span class="tag">${w.overdue}</span>` : ''}</td><td>${t.link ? html`<a href="${t.link}">${w.open}<span class="visually-hidden">: ${action}</span></a>` : ''}</td></tr>`;
        },
      )}</tbody></table></div>`
    : html`<p class="muted">${w.noTasks}</p>`
}</section>`;
}

function objectivesSection(home: MeHome, locale: Locale) {
  const w = homeWords(locale).me;
  return html`<section aria-labelledby="obj-h"><h2 id="obj-h">${w.objectives}</h2>
${
  home.objectives.length
    ? home.objectives.map(
        (o) => html`<article class="card objective"><h3>${o.title} <span class="tag status-${o.status}">${w.status[o.status] ?? o.status}</span></h3>
<p class="small muted">${o.parent ? w.serves(o.parent.title, o.parent.ownerName) : w.servesNothing}</p>
<p>${progressBar(o.progress, locale, `${w.progress}: ${o.title}`)}${o.score !== null ? html` · ${w.overall} ${formatNumber(o.score, locale)}` : ''}</p>
<ul class="krs">${o.keyResults.map((kr) => keyResultBlock(kr, home, locale))}</ul></article>`,
      )
    : html`<p class="muted">${w.noObjectives}</p>`
}</section>`;
}

function trendSection(home: MeHome, locale: Locale) {
  const w = homeWords(locale).me;
  const points = home.checkins.filter((c) => c.confidence !== null).map((c) => ({ week: c.week, confidence: c.confidence! }));
  if (!points.length) return '';
  const alt = w.trendLabel(points.map((p) => `${w.week(p.week)} ${p.confidence}`).join(', '));
  return html`<section aria-labelledby="trend-h"><h2 id="trend-h">${w.trend}</h2>${confidenceTrend(points, alt, w.week)}
${home.checkins.some((c) => c.report) ? html`<details><summary>${w.report}</summary><ul>${home.checkins.filter((c) => c.report).map((c) => html`<li><strong>${w.week(c.week)}</strong>: ${c.report}</li>`)}</ul></details>` : ''}</section>`;
}

interface CorrectionState {
  values?: FormValues;
  issues?: FieldIssue[];
  notice?: string;
  error?: string;
}

function correctionSection(home: MeHome, locale: Locale, timeZone: string, state: CorrectionState) {
  const w = homeWords(locale).me;
  const latest: MeCheckin | undefined = home.checkins.at(-1);
  if (!latest) return '';
  const due = formatDue(latest.dueAt, locale, timeZone);
  if (!latest.correctable) return html`<p class="muted" id="correct-closed">${w.correct.closed(latest.week, due)}</p>`;
  const values = state.values ?? {};
  const errors = new Map((state.issues ?? []).map((i) => [i.path, i.message]));
  const invalid = (name: string) => (errors.has(name) ? html` aria-invalid="true" aria-describedby="${name}-error"` : '');
  const errorOf = (name: string) => (errors.has(name) ? html`<p class="field-error" id="${name}-error">${errors.get(name)}</p>` : '');
  const krs = home.objectives.flatMap((o) => o.keyResults);
  const field = (kr: MeKeyResult) => {
    if (kr.kind === 'milestone') {
      const name = `kr${kr.id}.done`;
      const checked = state.values ? values[name] === 'on' : kr.weeks.at(-1)?.done === true;
      return html`<div class="field"><label class="check"><input type="checkbox" id="${name}" name="${name}"${checked ? raw(' checked') : ''}${invalid(name)}> ${kr.title} (${w.done})</label>${errorOf(name)}</div>`;
    }
    const name = `kr${kr.id}.value`;
    const unit = kr.kind === 'percent' ? '%' : (kr.unit ?? '');
    const last = kr.weeks.find((x) => x.week === latest.week)?.value ?? kr.current;
    const value = state.values ? (values[name] ?? '') : last === null ? '' : String(last);
    return html`<div class="field"><label for="${name}">${kr.title} — ${w.correct.value(unit)}</label><input id="${name}" name="${name}" inputmode="decimal" value="${value}"${invalid(name)}>${errorOf(name)}</div>`;
  };
  const confidence = state.values ? values.confidence : latest.confidence === null ? '' : String(latest.confidence);
  const report = state.values ? (values.report ?? '') : (latest.report ?? '');
  return html`<section aria-labelledby="correct-h" class="card" id="correct"><h2 id="correct-h">${w.correct.heading(latest.week)}</h2>
<p class="small">${w.correct.intro(due)}</p>
${state.issues?.length ? html`<div class="banner" role="alert"><p>${w.correct.problems}</p><ul>${state.issues.map((i) => html`<li><a href="#${i.path}">${i.message}</a></li>`)}</ul></div>` : ''}
<form method="post" action="/console/me/checkins/${latest.taskId}/correct${home.cycle ? `?cycle=${encodeURIComponent(home.cycle.key)}` : ''}" accept-charset="utf-8">
${krs.map(field)}
<div class="field"><label for="confidence">${w.confidence} (1–10)</label><select id="confidence" name="confidence"${invalid('confidence')}><option value="">${w.correct.choose}</option>${Array.from(
    { length: 10 },
    (_, i) => html`<option value="${i + 1}"${confidence === String(i + 1) ? raw(' selected') : ''}>${i + 1}</option>`,
  )}</select>${errorOf('confidence')}</div>
<div class="field"><label for="report">${w.report}</label><textarea id="report" name="report" rows="3" maxlength="5000"${invalid('report')}>${report}</textarea>${errorOf('report')}</div>
<p><button type="submit">${w.correct.submit}</button></p>
</form></section>`;
}

function scoresSection(home: MeHome, locale: Locale) {
  const w = homeWords(locale).me;
  if (!home.facets.includes('scores')) return '';
  const s = home.scores;
  const scored = home.objectives.flatMap((o) => o.keyResults).filter((k) => k.score !== null || k.selfScore !== null);
  return html`<section aria-labelledby="scores-h"><h2 id="scores-h">${w.scores}</h2>
${
  s && (s.overall !== null || scored.length)
    ? html`<dl class="card"><dt>${w.overall}</dt><dd>${formatNumber(s.overall, locale)}</dd>
${s.selfComment ? html`<dt>${w.selfComment}</dt><dd>${s.selfComment}</dd>` : ''}
${s.managerComment ? html`<dt>${w.managerComment}</dt><dd>${s.managerComment}</dd>` : ''}</dl>
${scored.length ? html`<ul>${scored.map((k) => html`<li>${k.title}: ${formatNumber(k.score ?? k.selfScore, locale)}${k.scoreComment ? html` — <span class="muted">${k.scoreComment}</span>` : ''}</li>`)}</ul>` : ''}`
    : html`<p class="muted">${w.noScores}</p>`
}
${home.review ? html`<p class="small"><strong>${w.review}</strong>: ${w.reviewBy(home.review.reviewerName, home.review.decision)}${home.review.comment ? html` — ${home.review.comment}` : ''}</p>` : ''}
</section>`;
}

function cyclePicker(home: MeHome, locale: Locale, action: string) {
  const w = homeWords(locale).me;
  if (home.cycles.length < 2) return '';
  return html`<form method="get" action="${action}" class="filters"><label for="cycle">${w.cycle}</label><select id="cycle" name="cycle">${home.cycles.map(
    (c) => html`<option value="${c.key}"${c.key === home.cycle?.key ? raw(' selected') : ''}>${c.title}</option>`,
  )}</select> <button type="submit" class="secondary">${w.show}</button></form>`;
}

/** The Me page's body (pure: the home → HTML). */
export function meBody(home: MeHome, locale: Locale, state: CorrectionState = {}) {
  const w = homeWords(locale).me;
  return html`${HOMES_CSS}<h1>${w.title}</h1>
<p class="muted">${w.intro(home.person.name)} ${w.timeZone(home.person.timeZone)}</p>
${state.notice ? html`<p class="ok" role="status">${state.notice}</p>` : ''}
${state.error ? html`<p class="banner" role="alert">${state.error}</p>` : ''}
${cyclePicker(home, locale, '/console/me')}
${tasksSection(home, locale)}
${
  home.cycle
    ? html`<p class="small muted">${w.cycleLine(home.cycle.title, home.cycle.startsOn, home.cycle.endsOn)}</p>
${objectivesSection(home, locale)}${trendSection(home, locale)}${correctionSection(home, locale, home.person.timeZone, state)}${scoresSection(home, locale)}`
    : html`<p class="muted">${w.noCycle}</p>`
}`;
}

export function meConsoleRoutes(ctx: ConsoleContext) {
  const app = new Hono<ConsoleEnv>();
  const { db } = ctx.deps;
  app.use('*', requireSession(ctx));
  const deps = { db, publicBaseUrl: ctx.deps.publicBaseUrl, tokenSecret: ctx.options.tokenSecret, visibility: ctx.deps.visibility };
  // Corrections per person: ten at once, then one every 10 seconds (per API replica).
  const corrections = new TokenBuckets({ perMinute: 6, burst: 10 });

  const page = async (c: Context<ConsoleEnv>, state: CorrectionState = {}, status: 200 | 400 | 409 | 429 = 200) => {
    const me = personOf(c);
    const person = (await homePerson(db, { id: me.id }))!;
    const cycle = c.req.query('cycle') || undefined;
    const home = await meHome(deps, { kind: 'person', personId: me.id, roles: me.roles }, person, cycle);
    return respond(
      c,
      consolePage({ title: homeWords(me.locale).me.title, locale: me.locale, person: me, active: 'me', body: meBody(home, me.locale, state) }),
      status,
    );
  };

  app.get('/', (c) =>
    page(c, c.req.query('corrected') ? { notice: homeWords(personOf(c).locale).me.correct.saved(Number(c.req.query('corrected')) || 0) } : {}),
  );

  app.post('/checkins/:id/correct', async (c) => {
    const me = personOf(c);
    const w = homeWords(me.locale).me.correct;
    const waitMs = corrections.take(String(me.id));
    if (waitMs > 0) return page(c, { error: w.tooMany(Math.ceil(waitMs / 1000)) }, 429);
    const taskId = Number(c.req.param('id'));
    const form = (await c.req.parseBody()) as Record<string, string | File>;
    const values: FormValues = {};
    for (const [k, v] of Object.entries(form)) if (typeof v === 'string') values[k] = v;
    const refused = (error: unknown) => {
      if (!(error instanceof CorrectionRefused)) throw error;
      if (error.reason === 'not-yours')
        return respond(
          c,
          messagePage({ title: w.notFound, locale: me.locale, person: me, heading: homeWords(me.locale).me.title, message: w.notFound, tone: 'error' }),
          404,
        );
      if (error.reason === 'not-latest') return page(c, { error: w.notLatest }, 409);
      const task = error.task;
      return page(c, { error: task ? w.closed(task.round, formatDue(task.dueAt, me.locale, task.timeZone)) : w.notFound }, 409);
    };
    try {
      if (!Number.isSafeInteger(taskId) || taskId <= 0 || taskId > 2_147_483_647) throw new CorrectionRefused('not-yours');
      const task = await correctableCheckin(deps, me.id, taskId);
      const result = await correctLatestCheckin({ db, client: ctx.deps.temporal.client, tokenSecret: ctx.options.tokenSecret }, task, { values }, me.locale);
      if (!result.ok) return page(c, { values: result.values, issues: result.issues }, 400);
      const cycle = c.req.query('cycle');
      return c.redirect(`/console/me?corrected=${task.round}${cycle ? `&cycle=${encodeURIComponent(cycle)}` : ''}#correct`, 303);
    } catch (error) {
      return refused(error);
    }
  });
  return app;
}
