/**
 * "Company" (/console/company?cycle=KEY): the company objectives and the alignment tree down to
 * teams, with progress, and confidence only where the viewer may see it (core/company-home.ts,
 * core/visibility.ts). Any signed-in person. Without JavaScript: the tree is nested
 * <details>, open at the top.
 */
import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Locale } from '../../contract';
import { type CompanyHome, type CompanyNode, companyHome } from '../../core/company-home';
import { homeWords } from '../../i18n/homes';
import { formatNumber } from '../task-page/fields';
import { type ConsoleContext, type ConsoleEnv, personOf, requireSession } from './context';
import { consolePage, respond } from './layout';
import { HOMES_CSS, progressBar } from './me';

/** Children shown under one objective on the page (the JSON has them all). */
const CHILDREN_SHOWN = 50;

export function companyBody(home: CompanyHome, locale: Locale) {
  const w = homeWords(locale).company;
  const node = (n: CompanyNode, depth: number): HtmlEscapedString | Promise<HtmlEscapedString> => {
    const who = n.owner
      ? html` <span class="muted small">— ${n.owner.name}${n.owner.isManager ? html` <span class="tag">${w.manager}</span>` : ''}</span>`
      : html` <span class="tag">${w.company}</span>`;
    const numbers = html`<br>${progressBar(n.progress, locale, `${n.title}: ${w.progress(n.progress === null ? '—' : `${Math.round(n.progress * 100)}%`)}`)}${n.confidence !== null ? html` <span class="small">· ${w.confidence(formatNumber(n.confidence, locale))}</span>` : ''}`;
    const label = html`<strong>${n.title}</strong>${who}${numbers}`;
    if (!n.children.length) return html`<li>${label}</li>`;
    const shown = n.children.slice(0, CHILDREN_SHOWN);
    const rest = n.children.length - shown.length;
    return html`<li><details${depth < 2 ? raw(' open') : ''}><summary>${label} <span class="muted small">(${n.children.length})</span></summary><ul>${shown.map((c) => node(c, depth + 1))}${rest > 0 ? html`<li class="muted">+ ${rest}</li>` : ''}</ul></details></li>`;
  };
  const picker =
    home.cycles.length > 1
      ? html`<form method="get" action="/console/company" class="filters"><label for="cycle">${w.cycle}</label><select id="cycle" name="cycle">${home.cycles.map(
          (c) => html`<option value="${c.key}"${c.key === home.cycle?.key ? raw(' selected') : ''}>${c.title}</option>`,
        )}</select> <button type="submit" class="secondary">${w.show}</button></form>`
      : '';
  if (!home.cycle) return html`${HOMES_CSS}<h1>${w.title}</h1><p class="muted">${w.noCycle}</p>`;
  const share = home.objectives ? `${Math.round((home.aligned / home.objectives) * 100)}%` : '0%';
  return html`${HOMES_CSS}<h1>${w.title}</h1>
<p class="muted">${w.intro}</p>
${picker}
<p class="small muted">${w.cycleLine(home.cycle.title, home.cycle.startsOn, home.cycle.endsOn)}</p>
<p>${w.aligned(home.aligned, home.objectives, share)}</p>
<section aria-labelledby="co-h" class="tree"><h2 id="co-h">${w.companyObjectives}</h2>${home.company.length ? html`<ul>${home.company.map((n) => node(n, 0))}</ul>` : html`<p class="muted">${w.noCompany}</p>`}</section>
${home.unaligned.length ? html`<section aria-labelledby="un-h" class="tree"><h2 id="un-h">${w.unaligned}</h2><ul>${home.unaligned.map((n) => node(n, 1))}</ul></section>` : ''}
<p class="small muted">${w.visibility}</p>`;
}

export function companyConsoleRoutes(ctx: ConsoleContext) {
  const app = new Hono<ConsoleEnv>();
  app.use('*', requireSession(ctx));
  app.get('/', async (c) => {
    const me = personOf(c);
    const home = await companyHome(ctx.deps.db, { kind: 'person', personId: me.id, roles: me.roles }, c.req.query('cycle') || undefined, ctx.deps.visibility);
    return respond(
      c,
      consolePage({ title: homeWords(me.locale).company.title, locale: me.locale, person: me, active: 'company', body: companyBody(home, me.locale) }),
    );
  });
  return app;
}
