/**
 * "My team" (/console/team) and its calibration grid (/console/team/calibrate): for anyone who
 * manages someone (direct reports; core/team-view.ts), and for HR (any manager's team with
 * ?manager=<email>). Everyone else gets 403. The team is chosen on the server from the signed-in
 * person, so no email, id or name in the address opens someone else's team.
 */
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Locale, TaskKind } from '../../contract';
import { teamOwnerFor } from '../../core/team-access';
import { taskLink, taskToken } from '../../core/tokens';
import { TEAM_PAGE_SIZE, type TeamKeyResult, type TeamView, teamView } from '../../core/team-view';
import { kindLabel } from '../../kinds';
import { teamWords } from '../../i18n/console-team';
import { pageStrings } from '../../i18n/pages';
import { formatDue } from '../../mail/templates/format';
import { progressText } from '../../kinds/progress';
import type { KeyResultOption } from '../../kinds/types';
import { type ConsoleContext, type ConsoleEnv, personOf } from './context';
import { consolePage, messagePage, respond } from './layout';
import { calibrateRoutes } from './team-calibrate';
import { TEAM_CSS, chosenCycle, cyclePicker, isForbidden, refusal, requireSignedIn, sparkline, viewerOf, viewerTimeZone } from './team-shared';
import { calibrateKind } from '../../kinds/score';

export function krProgress(kr: TeamKeyResult, locale: Locale): string {
  const option: KeyResultOption = {
    keyResultId: kr.id,
    objectiveId: 0,
    objectiveTitle: '',
    title: kr.title,
    kind: kr.kind as KeyResultOption['kind'],
    start: kr.start,
    target: kr.target,
    unit: kr.unit,
    current: kr.current,
    done: kr.done,
    selfScore: kr.selfScore,
    score: kr.score,
    suggestedScore: null,
  };
  return progressText(option, pageStrings(locale));
}

function teamBody(
  view: TeamView,
  locale: Locale,
  timeZone: string,
  tokenSecret: string,
  publicBaseUrl: string,
  picker: ReturnType<typeof cyclePicker>,
  manager?: string,
) {
  const w = teamWords(locale).team;
  const colon = teamWords(locale).colon;
  const kind = (k: TaskKind) => kindLabel(k, locale);
  const when = (at: string) => formatDue(at, locale, timeZone);
  const hasCalibrations = view.reviewQueue.some((t) => t.kind === calibrateKind.kind);
  const gridHref = `/console/team/calibrate?cycle=${encodeURIComponent(view.cycle.key)}${manager ? `&manager=${encodeURIComponent(manager)}` : ''}`;
  return html`${TEAM_CSS}<h1>${w.title}</h1>${picker}
<p class="muted">${w.intro(view.manager.name)}</p>
<h2>${view.cycle.title}</h2>
${
  view.members.length
    ? html`<div class="table-wrap"><table class="stack" data-table="team"><thead><tr><th scope="col">${w.person}</th><th scope="col">${w.approval}</th><th scope="col">${w.objectives}</th><th scope="col">${w.thisWeek}</th><th scope="col">${w.trend}</th><th scope="col">${w.overdue}</th></tr></thead><tbody>
${view.members.map(
  (m) => html`<tr data-person="${m.email}"><th scope="row">${m.name}<br><span class="muted small">${m.email}</span></th>
<td data-label="${w.approval}"><span class="tag" data-cell="approval">${w.states[m.approval] ?? m.approval}</span></td>
<td data-label="${w.objectives}">${
    m.objectives.length
      ? html`<ul class="plain">${m.objectives.map(
          (o) => html`<li><strong>${o.title}</strong>${o.parent ? html` <span class="muted small">(${w.parent(o.parent)})</span>` : ''}
<ul class="plain">${o.keyResults.map((k) => html`<li class="kr-line">${k.title}${colon}${krProgress(k, locale)}</li>`)}</ul></li>`,
        )}</ul>`
      : html`<span class="muted">${w.noObjectives}</span>`
  }</td>
<td data-label="${w.thisWeek}" data-cell="week">${
    m.thisWeek
      ? html`${w.week(m.thisWeek.week)}${colon}${w.checkin[m.thisWeek.status] ?? m.thisWeek.status}${
          m.thisWeek.confidence !== null ? html`<br>${w.confidence}${colon}<strong data-cell="confidence">${m.thisWeek.confidence}</strong>/10` : ''
        }`
      : html`<span class="muted">${w.checkin.none}</span>`
  }</td>
<td data-label="${w.trend}">${m.trend.length ? sparkline(m.trend, w.trendOf(m.name)) : html`<span class="muted">—</span>`}</td>
<td data-label="${w.overdue}" data-cell="overdue">${
    m.overdue.length
      ? html`<ul class="plain">${m.overdue.map((t) => html`<li>${kind(t.kind)} · ${w.due(when(t.dueAt))}</li>`)}</ul>`
      : html`<span class="muted">${w.noneOverdue}</span>`
  }</td></tr>`,
)}</tbody></table></div>`
    : html`<p class="muted">${w.none}</p>`
}
${pager(view, w, manager)}
<h2>${w.queue}</h2>
${
  view.reviewQueue.length
    ? html`<ul class="plain" data-list="queue">${view.reviewQueue.map((t) => {
        const link = taskLink(
          publicBaseUrl,
          taskToken(tokenSecret, {
            cycleId: t.identity.cycleId,
            kind: t.kind,
            round: t.round,
            personId: t.identity.personId,
            subjectPersonId: t.identity.subjectPersonId,
          }),
        );
        return html`<li><a href="${link}">${w.queueItem(kind(t.kind), t.subject.name)}</a> <span class="muted small">${w.due(when(t.dueAt))}</span></li>`;
      })}</ul>`
    : html`<p class="muted">${w.queueNone}</p>`
}
${hasCalibrations ? html`<p><a class="button" href="${gridHref}">${w.calibrateLink}</a></p>` : ''}`;
}

/** Previous / next page of a large team (links: works without JavaScript). */
function pager(view: TeamView, w: ReturnType<typeof teamWords>['team'], manager?: string) {
  if (view.total <= TEAM_PAGE_SIZE) return '';
  const href = (offset: number) =>
    `/console/team?cycle=${encodeURIComponent(view.cycle.key)}${manager ? `&manager=${encodeURIComponent(manager)}` : ''}&offset=${offset}`;
  const prev = view.offset > 0 ? html`<a href="${href(Math.max(0, view.offset - TEAM_PAGE_SIZE))}">${w.previous}</a>` : '';
  const next = view.offset + TEAM_PAGE_SIZE < view.total ? html`<a href="${href(view.offset + TEAM_PAGE_SIZE)}">${w.next}</a>` : '';
  return html`<p class="inline" data-pager>${w.shown(view.offset + 1, Math.min(view.total, view.offset + view.members.length), view.total)} ${prev} ${next}</p>`;
}

export function teamConsoleRoutes(ctx: ConsoleContext) {
  const app = new Hono<ConsoleEnv>();
  app.use('*', requireSignedIn(ctx));

  app.get('/', async (c) => {
    const person = personOf(c);
    const t = teamWords(person.locale);
    const manager = c.req.query('manager') || undefined;
    const { key, cycles } = await chosenCycle(ctx, c.req.query('cycle'));
    try {
      if (!key) {
        // Still refuse people who manage nobody before saying there is no cycle.
        await teamOwnerFor(ctx.deps.db, viewerOf(person), manager);
        return respond(c, messagePage({ title: t.team.title, locale: person.locale, person, heading: t.team.title, message: t.noCycle }));
      }
      const offset = Math.max(0, Math.min(1_000_000, Math.floor(Number(c.req.query('offset')) || 0)));
      const view = await teamView(ctx.deps.db, viewerOf(person), key, manager, { offset });
      const picker = cyclePicker(t, '/console/team', cycles, key);
      return respond(
        c,
        consolePage({
          title: t.team.title,
          locale: person.locale,
          person,
          body: teamBody(
            view,
            person.locale,
            await viewerTimeZone(ctx, person.id, view.cycle.timeZone),
            ctx.options.tokenSecret,
            ctx.deps.publicBaseUrl,
            picker,
            manager,
          ),
        }),
      );
    } catch (error) {
      if (isForbidden(error)) return refusal(c, person, t.team.forbidden);
      throw error;
    }
  });

  app.route('/calibrate', calibrateRoutes(ctx));
  return app;
}
