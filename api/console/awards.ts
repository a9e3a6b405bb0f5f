/**
 * HR's award pages under /console/cycles/:key/awards (HR only: they show bonuses):
 * - the winners: award, citation, votes, bonus, each certificate (PDF, in the winner's language or
 *   the other one) and the bonus CSV for payroll;
 * - the team meeting: one slide per winner at /awards/meeting/<n> (the award, the winner, the
 *   objective with its key results and scores, the citation) in big type, with previous / next
 *   links that work without JavaScript; awards-meeting.js adds the arrow keys.
 */
import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { ErrorCode, type Locale } from '../../contract';
import { bonusCsv, certificateOf, cycleWinners, storyObjectives, winnersWithBonus } from '../../core/awards';
import { AppError } from '../../core/errors';
import { requireCycleByKey } from '../../db/cycles';
import { awardWords } from '../../i18n/awards';
import { type ConsoleContext, type ConsoleEnv, personOf, requireSession } from './context';
import { consolePage, respond } from './layout';

const AWARDS_CSS = html`<link rel="stylesheet" href="/console/assets/awards.css">`;

function money(amount: string, currency: string, locale: Locale): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(Number(amount));
  } catch {
    return `${amount} ${currency}`;
  }
}

const score = (n: number | null, locale: Locale) => (n === null ? '—' : n.toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }));

export function awardConsoleRoutes(ctx: ConsoleContext) {
  const db = ctx.deps.db;
  const app = new Hono<ConsoleEnv>();
  app.use('/:key/awards', requireSession(ctx, 'hr'));
  app.use('/:key/awards/*', requireSession(ctx, 'hr'));

  const page = (c: Context<ConsoleEnv>, title: string, body: Parameters<typeof consolePage>[0]['body'], scripts: string[] = []) => {
    const person = personOf(c);
    return consolePage({ title, locale: person.locale, person, active: 'cycles', body, scripts });
  };

  app.get('/:key/awards', async (c) => {
    const locale = personOf(c).locale;
    const w = awardWords(locale).console;
    const key = c.req.param('key');
    const cycle = await requireCycleByKey(db, key);
    const winners = await winnersWithBonus(db, cycle.id);
    const base = `/console/cycles/${encodeURIComponent(key)}/awards`;
    const body = html`${AWARDS_CSS}<p class="crumbs"><a href="/console/cycles/${encodeURIComponent(key)}">${cycle.title}</a></p>
<h1>${w.title}</h1><p class="muted">${w.intro}</p>
${
  winners.length
    ? html`<p class="award-links"><a href="${base}/meeting/1">${w.meeting}</a> · <a href="${base}/bonuses.csv" download>${w.bonusCsv}</a></p>
<div class="table-wrap"><table class="winners stack"><thead><tr><th scope="col">${w.winner}</th><th scope="col">${w.award}</th><th scope="col">${w.citation}</th><th scope="col">${w.bonus}</th><th scope="col">${w.certificate}</th></tr></thead><tbody>
${winners.map(
  (
    x,
  ) => html`<tr><th scope="row" class="who">${x.person.name}${x.objective ? html`<br><span class="muted">${x.objective.title}</span>` : ''}<br><span class="muted">${w.votes(x.votes)}</span></th>
<td data-label="${w.award}">${x.awardName ?? awardWords(x.person.locale).certificate.defaultAward}</td><td class="cite" data-label="${w.citation}">${x.citation}</td>
<td class="num" data-label="${w.bonus}">${x.bonus ? money(x.bonus.amount, x.bonus.currency, locale) : html`<span class="muted">${w.noBonus}</span>`}</td>
<td data-label="${w.certificate}"><a href="${base}/${x.nominationId}/certificate.pdf" download>${w.pdf}</a> <span class="muted">(${x.person.locale === 'zh-CN' ? '中文' : 'English'})</span>
· <a href="${base}/${x.nominationId}/certificate.pdf?locale=${x.person.locale === 'zh-CN' ? 'en' : 'zh-CN'}" download>${x.person.locale === 'zh-CN' ? 'English' : '中文'}</a></td></tr>`,
)}</tbody></table></div>`
    : html`<p>${w.none}</p>`
}`;
    return respond(c, page(c, w.title, body));
  });

  app.get('/:key/awards/bonuses.csv', async (c) => {
    const key = c.req.param('key');
    const cycle = await requireCycleByKey(db, key);
    return c.body(await bonusCsv(db, cycle.id), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${key}-award-bonuses.csv"`,
      'cache-control': 'private, no-store',
    });
  });

  app.get('/:key/awards/:nominationId/certificate.pdf', async (c) => {
    const cycle = await requireCycleByKey(db, c.req.param('key'));
    const id = Number(c.req.param('nominationId'));
    const locale = c.req.query('locale');
    const ofCycle =
      Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647
        ? await db.selectFrom('nominations').select('id').where('id', '=', id).where('cycle_id', '=', cycle.id).executeTakeFirst()
        : undefined;
    const certificate = ofCycle ? await certificateOf(db, id, locale === 'en' || locale === 'zh-CN' ? locale : undefined) : undefined;
    if (!certificate) throw new AppError(ErrorCode.notFound, 'no such winner');
    return c.body(Buffer.from(certificate.pdf), 200, {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="certificate.pdf"; filename*=UTF-8''${encodeURIComponent(certificate.fileName)}`,
      'cache-control': 'private, no-store',
    });
  });

  app.get('/:key/awards/meeting/:n', async (c) => {
    const locale = personOf(c).locale;
    const w = awardWords(locale);
    const key = c.req.param('key');
    const cycle = await requireCycleByKey(db, key);
    // The slides never show a bonus.
    const winners = await cycleWinners(db, cycle.id);
    const n = Number(c.req.param('n'));
    const winner = Number.isSafeInteger(n) ? winners[n - 1] : undefined;
    if (!winner) throw new AppError(ErrorCode.notFound, 'no such slide');
    const objectives = await storyObjectives(db, winner);
    const base = `/console/cycles/${encodeURIComponent(key)}/awards`;
    const prev = n > 1 ? `${base}/meeting/${n - 1}` : undefined;
    const next = n < winners.length ? `${base}/meeting/${n + 1}` : undefined;
    const body = html`${AWARDS_CSS}<article class="slide" aria-roledescription="slide" aria-label="${w.meeting.slideOf(n, winners.length)}">
<p class="slide-award">${winner.awardName ?? w.certificate.defaultAward}</p>
<h1 class="slide-name">${winner.person.name}</h1>
${objectives.map(
  (o) => html`<section class="slide-objective"><h2>${o.title} <span class="slide-score">${score(o.score, locale)}</span></h2>
<ul class="slide-krs">${o.keyResults.map((k) => html`<li><span>${k.title}</span> <span class="slide-score">${score(k.score ?? k.self_score, locale)}</span></li>`)}</ul></section>`,
)}
<blockquote class="slide-citation">${winner.citation}</blockquote>
</article>
<nav class="slide-nav" aria-label="${w.meeting.navigation}">
${prev ? html`<a href="${prev}" rel="prev" data-key="prev">← ${w.meeting.previous}</a>` : html`<span></span>`}
<span class="muted">${w.meeting.slideOf(n, winners.length)}</span>
${next ? html`<a href="${next}" rel="next" data-key="next">${w.meeting.next} →</a>` : html`<a href="${base}">${w.meeting.done}</a>`}
</nav>`;
    return respond(c, page(c, `${w.meeting.title} ${n}/${winners.length}`, body, ['awards-meeting.js']));
  });
  return app;
}
